"""compliance.formatting: how every date, number, period and status reads, in one place."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance import formatting as f


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2025, 1, 5), "05/01/2025"),
        (dt.datetime(2025, 1, 5, 17, 30, tzinfo=dt.UTC), "06/01/2025 00:30"),  # Vietnam's time
        (dt.datetime(2025, 1, 5, 1, 0), "05/01/2025 08:00"),  # naive: stored UTC
        (None, ""),
        ("ABCD-EF-GH", "ABCD-EF-GH"),  # text is never taken for a date
    ],
)
def test_dates(value, text):
    assert f.date_vn(value) == text


def test_the_long_date_of_administrative_documents():
    assert f.date_long_vn(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert f.date_long_vn(dt.date(2026, 10, 1)) == "ngày 01 tháng 10 năm 2026"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234567, None, "1.234.567"),
        (1234.5, None, "1.234,50"),
        (1234.0, None, "1.234"),
        (1234.5, 1, "1.234,5"),
        (0, None, "0"),
        (None, None, ""),
        (-1500, None, "-1.500"),
    ],
)
def test_numbers(value, decimals, text):
    assert f.number_vn(value, decimals) == text


def test_money_and_percentages():
    assert f.money_vn(1500000) == "1.500.000 đ"
    assert f.money_vn(1499999.6) == "1.500.000 đ"
    assert f.percent_vn(85.25) == "85,2%" or f.percent_vn(85.25) == "85,3%"
    assert f.percent_vn(None) == ""


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("2024", "năm 2024"),
        ("2024-Q3", "quý III/2024"),
        ("2024-03", "tháng 03/2024"),
        ("2022-11-30", "ngày 30/11/2022"),
        (None, ""),
        ("khác", "khác"),
    ],
)
def test_periods(label, text):
    assert f.period_vn(label) == text


def test_one_name_per_status_and_the_three_opens_kept_apart():
    assert f.FINDING_STATUS_VI["open"] == "chưa đến hạn"
    assert f.TASK_STATUS_VI["open"] == "mới"
    assert f.ACTIVE_TASKS_VI == "đang mở"
    assert f.label(f.SEVERITY_VI, "high") == "cao" and f.label(f.SEVERITY_VI, "x") == "x"


def test_every_label_table_names_what_the_code_knows():
    from compliance.models.accounts import Role, RunRequestStatus
    from compliance.models.followup import TaskStatus
    from compliance.rules.model import Family, Severity

    for enum, labels in (
        (TaskStatus, f.TASK_STATUS_VI),
        (Role, f.ROLE_VI),
        (RunRequestStatus, f.RUN_STATUS_VI),
        (Severity, f.SEVERITY_VI),
        (Family, f.FAMILY_VI),
    ):
        assert {str(member) for member in enum} == set(labels), enum


def test_event_kinds_are_named_in_vietnamese_and_an_unnamed_kind_is_shown_as_written():
    assert f.event_kind_vi("dialogue") == "đối thoại tại nơi làm việc"
    assert f.event_kind_vi("blood_donation_drive") == "blood_donation_drive"
    assert f.event_kind_vi(None) == ""
    from compliance.generate.open_events import _NOTES  # every kind the generator writes

    assert set(_NOTES) == set(f.EVENT_KIND_VI)
