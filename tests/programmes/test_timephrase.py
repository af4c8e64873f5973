"""Every time phrase the seeds write, and variants of them, read into the same schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.programmes.timephrase import Deadline, Schedule, TimePhraseError, parse_time

ISSUED = dt.date(2022, 1, 10)
D = dt.date


def one(due: dt.date) -> Schedule:
    return Schedule(deadlines=(Deadline(due, None),))


def milestones(*days: dt.date, **flags: bool) -> Schedule:
    return Schedule(deadlines=tuple(Deadline(d, d.isoformat()) for d in days), **flags)


YEARLY = Schedule(yearly=True)
QUARTERLY = Schedule(quarterly=True)
CONTINUOUS = Schedule(continuous=True)

SEEDS = [
    # 000 II.2
    ("Quý III/2023", one(D(2023, 9, 30))),
    (
        "kế hoạch cụ thể hàng năm, sơ kết năm 2022, tổng kết năm 2025",
        milestones(D(2022, 12, 31), D(2025, 12, 31), yearly=True),
    ),
    ("Quý II/2022", one(D(2022, 6, 30))),
    ("Quý I/2022", one(D(2022, 3, 31))),
    ("Quý IV/2023", one(D(2023, 12, 31))),
    ("hàng năm", YEARLY),
    (
        "sơ kết 01 năm, 03 năm, 05 năm và tổng kết 10 năm",
        milestones(D(2023, 1, 10), D(2025, 1, 10), D(2027, 1, 10), D(2032, 1, 10)),
    ),
    ("Định kỳ hàng quý", QUARTERLY),
    ("Thường xuyên", CONTINUOUS),
    # 003 II
    (
        "thực hiện hàng năm, tháng 11 năm 2022 tiến hành sơ kết 03 năm, tháng 11 năm 2025 "
        "tiến hành tổng kết, đánh giá",
        milestones(D(2022, 11, 30), D(2025, 11, 30), yearly=True),
    ),
    ("trong Quý II/2021", one(D(2021, 6, 30))),
    (
        "Thực hiện việc chuyển giao, tiếp nhận chậm nhất ngày 31/10/2021 hoặc khi có phát sinh",
        one(D(2021, 10, 31)),
    ),
    ("Quý II/2021", one(D(2021, 6, 30))),
    ("Hàng năm", YEARLY),
    ("Thường xuyên hàng năm", Schedule(yearly=True, continuous=True)),
    ("trong năm 2021", one(D(2021, 12, 31))),
    (
        "Hàng năm, năm 2023 sơ kết và tổng kết năm 2025",
        milestones(D(2023, 12, 31), D(2025, 12, 31), yearly=True),
    ),
    # 004 IV.2
    ("trước ngày 25/01/2024", one(D(2024, 1, 25))),
]

VARIANTS = [
    ("QUÝ III/2023", one(D(2023, 9, 30))),
    ("Quí III/2023", one(D(2023, 9, 30))),
    ("quý  iii / 2023.", one(D(2023, 9, 30))),
    ("Quý 3/2023", one(D(2023, 9, 30))),
    ("quý II năm 2021", one(D(2021, 6, 30))),
    ("31/10/2021", one(D(2021, 10, 31))),
    ("chậm nhất ngày 31/10/2021", one(D(2021, 10, 31))),
    ("ngày 31 tháng 10 năm 2021", one(D(2021, 10, 31))),
    ("tháng 11 năm 2022", one(D(2022, 11, 30))),
    ("tháng 2/2024", one(D(2024, 2, 29))),
    ("Hằng năm", YEARLY),
    ("định kỳ hàng quý", QUARTERLY),
    ("hàng quý", QUARTERLY),
    ("thường   xuyên", CONTINUOUS),
    ("tháng 11 năm 2022 tiến hành sơ kết", milestones(D(2022, 11, 30))),
    ("sơ kết năm 2022", milestones(D(2022, 12, 31))),
    (
        "hàng năm, sơ kết năm 2022, tổng kết năm 2025",
        milestones(D(2022, 12, 31), D(2025, 12, 31), yearly=True),
    ),
    ("sơ kết 03 năm", milestones(D(2025, 1, 10))),
    # two plain deadlines in one phrase: each labelled by its date, so reports stay apart
    ("Quý II/2021 và Quý IV/2021", milestones(D(2021, 6, 30), D(2021, 12, 31))),
]


@pytest.mark.parametrize(("phrase", "expected"), SEEDS + VARIANTS, ids=lambda v: str(v)[:40])
def test_phrase(phrase: str, expected: Schedule) -> None:
    assert parse_time(phrase, ISSUED) == expected


def test_milestones_count_from_issued_on() -> None:
    assert parse_time("sơ kết 01 năm", D(2020, 2, 29)).deadlines == (
        Deadline(D(2021, 2, 28), "2021-02-28"),
    )


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [
        ("sớm nhất có thể", "sớm nhất có thể"),
        ("Quý V/2023", "Quý 'V'"),
        ("31/02/2022", "31/02/2022"),
        ("tháng 13 năm 2022", "Tháng 13"),
        ("hàng tuần", "hàng tuần"),
        ("Quý III", "quý iii"),
        ("cuối năm", "cuối năm"),
        ("", "trống"),
    ],
)
def test_unreadable_phrase_is_refused_in_vietnamese(phrase: str, shown: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_time(phrase, ISSUED)
    assert shown in str(info.value)
    if phrase:
        assert f"'{phrase}'" in str(info.value)
