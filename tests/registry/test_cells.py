import datetime as dt

import pytest
from pydantic_core import PydanticCustomError

from compliance.registry import cells
from compliance.registry.contract import ENTERPRISES, GRADES, UNIONS


def code_of(parse, value) -> str:
    with pytest.raises(PydanticCustomError) as info:
        parse(value)
    return info.value.type


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("31/01/2024", dt.date(2024, 1, 31)),
        ("1/7/2025", dt.date(2025, 7, 1)),
        ("31-01-2024", dt.date(2024, 1, 31)),
        ("31.01.2024", dt.date(2024, 1, 31)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2024-01-31 00:00:00", dt.date(2024, 1, 31)),
        (dt.datetime(2024, 1, 31), dt.date(2024, 1, 31)),
        (dt.date(2024, 1, 31), dt.date(2024, 1, 31)),
        (None, None),
    ],
)
def test_dates_iso_and_vietnamese(text, expected):
    assert cells.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2024-02-31", "value.impossible_date"),
        ("31/02/2024", "value.impossible_date"),
        ("2023-02-29", "value.impossible_date"),
        ("13/13/2024", "value.impossible_date"),
        ("hôm qua", "value.bad_date"),
        ("2024/01/31x", "value.bad_date"),
        ("20240131", "value.bad_date"),
        (45000, "value.bad_date"),
    ],
)
def test_bad_dates_have_their_own_codes(text, code):
    assert code_of(cells.parse_date, text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25", 25),
        ("0", 0),
        ("1.234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("25.0", 25),
        (" 1 234 ", 1234),
        (25, 25),
        (25.0, 25),
        (None, None),
    ],
)
def test_counts_in_vietnamese_spelling(text, expected):
    assert cells.parse_count(text.strip() if isinstance(text, str) else text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-5", "value.negative"),
        ("-1.000", "value.negative"),
        ("1.5", "value.not_integer"),
        ("abc", "value.not_integer"),
        ("12a", "value.not_integer"),
        (2.5, "value.not_integer"),
    ],
)
def test_bad_counts(text, code):
    assert code_of(cells.parse_count, text) == code


def test_years_have_a_range():
    assert cells.parse_year("2024") == 2024
    assert code_of(cells.parse_year, "24") == "value.out_of_range"
    assert code_of(cells.parse_year, "năm ngoái") == "value.not_integer"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", 1_500_000.0),
        ("1.500.000", 1_500_000.0),
        ("1,500,000", 1_500_000.0),
        ("1.234.567,5", 1_234_567.5),
        ("1,234,567.5", 1_234_567.5),
        ("1500000.5", 1_500_000.5),
        ("1.500", 1500.0),
        ("2.000.000đ", 2_000_000.0),
        (1500, 1500.0),
    ],
)
def test_amounts(text, expected):
    assert cells.parse_amount(text) == expected


def test_bad_amounts():
    assert code_of(cells.parse_amount, "-100") == "value.negative"
    assert code_of(cells.parse_amount, "một triệu") == "value.not_number"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("CÓ", True),
        ("co", True),
        ("true", True),
        ("TRUE", True),
        ("x", True),
        ("1", True),
        (True, True),
        (1, True),
        ("không", False),
        ("Không", False),
        ("false", False),
        ("0", False),
        ("chưa có", False),
        (False, False),
        (None, None),
    ],
)
def test_booleans(text, expected):
    assert cells.parse_bool(text) is expected


def test_bad_boolean():
    assert code_of(cells.parse_bool, "có lẽ") == "value.bad_boolean"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", "2024-03"),
        ("2024-3", "2024-03"),
        ("03/2024", "2024-03"),
        ("3/2024", "2024-03"),
        ("2024/03", "2024-03"),
        (dt.date(2024, 3, 1), "2024-03"),
    ],
)
def test_periods(text, expected):
    assert cells.parse_period(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "tháng 3", "2024", "13/2024"])
def test_bad_periods(text):
    assert code_of(cells.parse_period, text) == "value.bad_period"


def test_choices_accept_english_and_every_vietnamese_spelling():
    parse = cells.choice_parser(ENTERPRISES.column("status"))
    assert parse("active") == "active"
    assert parse("Đang hoạt động") == "active"
    assert parse("đang hoạt động") == "active"
    assert parse("DANG HOAT DONG") == "active"
    assert parse("Giải thể") == "dissolved"
    kinds = cells.choice_parser(UNIONS.column("kind"))
    assert kinds("CĐCS") == "grassroots_union"
    assert kinds("Nghiệp đoàn") == "guild"
    grades = cells.choice_parser(
        ENTERPRISES.column("status").__class__(
            "grade", ENTERPRISES.column("status").kind, "Xếp loại", choices=GRADES
        )
    )
    assert grades("Hoàn thành tốt nhiệm vụ") == "good"


def test_unknown_choice_lists_the_valid_ones():
    parse = cells.choice_parser(ENTERPRISES.column("status"))
    with pytest.raises(PydanticCustomError) as info:
        parse("đang chờ")
    assert info.value.type == "value.unknown_choice"
    assert "active (Đang hoạt động)" in info.value.context["choices"]
