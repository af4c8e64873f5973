"""Every stable error code, provoked by a real file, named with file, row and column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from compliance import db
from compliance.exceptions import DatabaseError, ImportRefused
from compliance.messages import MESSAGES
from compliance.registry.importer import import_folder
from compliance.registry.issues import Severity
from tests.registry.helpers import (
    ENTERPRISE_HEADER,
    UNION_HEADER,
    base_delivery,
    enterprise,
    union,
    write_csv,
)
from tests.registry.test_hostile_delivery import COVERED as HOSTILE


def _enterprises(*rows: list) -> Callable[[Path], None]:
    return lambda folder: write_csv(folder, "enterprises", ENTERPRISE_HEADER, list(rows))


def _unions(*rows: list) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        base_delivery(folder)
        write_csv(folder, "unions", UNION_HEADER, list(rows))

    return build


def _table(name: str, header: list[str], *rows: list) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        base_delivery(folder)
        write_csv(folder, name, header, list(rows))

    return build


def _text(name: str, content: bytes) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)

    return build


def _both(*builders: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        for b in builders:
            b(folder)

    return build


FEE = ["enterprise_tax_code", "period", "due_on", "amount_due", "amount_paid"]
HISTORY = ["union_code", "superior_code", "valid_from", "valid_until"]

# code → (how to build the delivery, expected (file, row, column), skip_bad_rows)
CASES: dict[str, tuple[Callable[[Path], None], tuple[str, int | None, str | None], bool]] = {
    "folder.no_tables": (lambda f: f.mkdir(), ("d", None, None), False),
    "file.unreadable": (
        _text("enterprises.xlsx", b"not a workbook"),
        ("enterprises.xlsx", None, None),
        False,
    ),
    "file.encoding": (
        _text("enterprises.csv", b"tax_code,name\n1,C\xf4ng ty H\xe0 N\xf4i\n"),  # Windows-1258
        ("enterprises.csv", None, None),
        False,
    ),
    "file.no_header": (_text("enterprises.csv", b""), ("enterprises.csv", None, None), False),
    "file.duplicate_table": (
        _both(_enterprises(enterprise("E1")), _text("doanh_nghiep.csv", b"tax_code\nE2\n")),
        ("enterprises.csv", None, None),
        False,
    ),
    "header.missing_column": (
        _text("enterprises.csv", b"name,workers\nA,3\n"),
        ("enterprises.csv", 1, "tax_code"),
        False,
    ),
    "header.duplicate_column": (
        _text("enterprises.csv", "tax_code,Mã số thuế\nE1,E1\n".encode()),
        ("enterprises.csv", 1, "Mã số thuế"),
        False,
    ),
    "value.required": (_enterprises(enterprise("")), ("enterprises.csv", 2, "tax_code"), False),
    "value.not_integer": (
        _enterprises(enterprise("E1", "ba mươi")),
        ("enterprises.csv", 2, "workers"),
        False,
    ),
    "value.negative": (
        _enterprises(enterprise("E1", "-5")),
        ("enterprises.csv", 2, "workers"),
        False,
    ),
    "value.not_number": (
        _table("fee_payments", FEE, ["0300000001", "2025-01", "2025-01-31", "nhiều", "0"]),
        ("fee_payments.csv", 2, "amount_due"),
        False,
    ),
    "value.out_of_range": (
        _table("ratings", ["union_code", "year", "grade"], ["CDCS-1", "24", "good"]),
        ("ratings.csv", 2, "year"),
        False,
    ),
    "value.bad_date": (
        _enterprises(enterprise("E1", registered_on="tháng 3")),
        ("enterprises.csv", 2, "registered_on"),
        False,
    ),
    "value.impossible_date": (
        _enterprises(enterprise("E1", registered_on="2024-02-31")),
        ("enterprises.csv", 2, "registered_on"),
        False,
    ),
    "value.bad_boolean": (
        _unions(union("U1", has_womens_committee="có lẽ")),
        ("unions.csv", 2, "has_womens_committee"),
        False,
    ),
    "value.unknown_choice": (
        _enterprises(enterprise("E1", status="đang chờ")),
        ("enterprises.csv", 2, "status"),
        False,
    ),
    "value.bad_period": (
        _table("fee_payments", FEE, ["0300000001", "tháng 1", "2025-01-31", "10", "0"]),
        ("fee_payments.csv", 2, "period"),
        False,
    ),
    "value.bad_programme_period": (
        _table(
            "programme_reports",
            ["programme", "item", "period", "body", "reported_on", "status"],
            ["p1", "1", "Quý V/2024", "Tỉnh ủy", "2024-10-01", "done"],
        ),
        ("programme_reports.csv", 2, "period"),
        False,
    ),
    "row.too_many_cells": (
        _text("enterprises.csv", b"tax_code,workers\nE1,3,extra\n"),
        ("enterprises.csv", 2, None),
        False,
    ),
    "row.duplicate_key": (
        _enterprises(enterprise("E1"), enterprise("E1")),
        ("enterprises.csv", 3, None),
        False,
    ),
    "row.dangling_reference": (
        _table("reviews", ["id", "union_code", "date"], ["R1", "NOWHERE", "2025-01-01"]),
        ("reviews.csv", 2, "union_code"),
        False,
    ),
    "row.rejected_parent": (
        _both(_unions(union("U1", enterprise_tax_code="E1")), _enterprises(enterprise("E1", -1))),
        ("unions.csv", 2, "enterprise_tax_code"),
        True,
    ),
    "row.overlapping_history": (
        _table(
            "union_hierarchy",
            HISTORY,
            ["CDCS-1", "KCN-80", "", "2025-07-01"],
            ["CDCS-1", "LDLD-80", "2025-06-01", ""],
        ),
        ("union_hierarchy.csv", 3, "valid_from"),
        False,
    ),
    "file.unclosed_quote": (
        _text("enterprises.csv", b'tax_code,name\nE1,"A\nE2,B\n'),
        ("enterprises.csv", 2, None),
        False,
    ),
    "file.stray_quote": (
        _text("enterprises.csv", b'tax_code,name\nE1,A\nE2,"B"C\n'),
        ("enterprises.csv", 3, None),
        False,
    ),
    "file.cell_too_large": (
        _text("enterprises.csv", b"tax_code,name\nE1," + b"A" * 40_000 + b"\n"),
        ("enterprises.csv", 2, None),
        False,
    ),
    "value.control_character": (
        _enterprises(enterprise("E1", name="Công ty\x00A")),
        ("enterprises.csv", 2, "name"),
        False,
    ),
    "value.too_long": (
        _enterprises(enterprise("E1", name="A" * 5_000)),
        ("enterprises.csv", 2, "name"),
        False,
    ),
    "value.not_finite": (
        _table("fee_payments", FEE, ["0300000001", "2025-01", "2025-01-31", "inf", "0"]),
        ("fee_payments.csv", 2, "amount_due"),
        False,
    ),
    "row.too_few_cells": (
        _text("enterprises.csv", b"tax_code,name,workers\nE1,A\n"),
        ("enterprises.csv", 2, None),
        False,
    ),
    "value.bad_identifier": (
        _table("events", ["id", "unit_code", "kind", "date"], ["S1", "CDCS-1", "Đối thoại", ""]),
        ("events.csv", 2, "kind"),
        False,
    ),
    "row.superior_cycle": (
        _unions(union("U1", superior_code="U2"), union("U2", superior_code="U1")),
        ("unions.csv", 2, "superior_code"),
        False,
    ),
}

# Implausible rows (registry-format.md, "Implausible is not broken"): loaded with a warning by
# default, refused like errors with strict=True.
IMPLAUSIBLE: dict[str, tuple[Callable[[Path], None], tuple[str, int | None, str | None]]] = {
    "row.part_exceeds_whole": (
        _enterprises(enterprise("E1", 10, female_workers=11)),
        ("enterprises.csv", 2, "female_workers"),
    ),
    "row.dates_out_of_order": (
        _table(
            "agreements",
            ["id", "enterprise_tax_code", "signed_on", "expires_on"],
            ["A1", "0300000001", "2025-01-01", "2024-01-01"],
        ),
        ("agreements.csv", 2, "expires_on"),
    ),
    "row.not_grassroots": (
        _unions(union("U1", "guild", enterprise_tax_code="0300000001")),
        ("unions.csv", 2, "enterprise_tax_code"),
    ),
}

WARNINGS = {
    "file.unknown_table": (
        _both(_enterprises(enterprise("E1")), _text("ghi_chu.csv", b"a\n1\n")),
        ("ghi_chu.csv", None, None),
    ),
    "header.unknown_column": (
        _text("enterprises.csv", "tax_code,Ghi chú\nE1,x\n".encode()),
        ("enterprises.csv", 1, "Ghi chú"),
    ),
    "header.absent_column": (
        _text("enterprises.csv", b"tax_code\nE1\n"),
        ("enterprises.csv", 1, "workers"),
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_error_code(sqlite_engine, tmp_path, code):
    build, (file, row, column), skip = CASES[code]
    folder = tmp_path / "d"
    build(folder)
    if skip:
        report = import_folder(
            sqlite_engine, folder, skip_bad_rows=True, rejects_path=tmp_path / "r.csv"
        )
        issues = report.errors
    else:
        with pytest.raises(ImportRefused) as info:
            import_folder(sqlite_engine, folder)
        issues = info.value.report.errors
    matching = [i for i in issues if i.code == code]
    assert matching, [str(i) for i in issues]
    issue = matching[0]
    assert (Path(issue.file).name, issue.row, issue.column) == (file, row, column)
    assert issue.message == issue.message.strip() and "{" not in issue.message
    assert str(issue).startswith(f"{issue.file}:{row}:" if row else f"{issue.file}:")


@pytest.mark.parametrize("code", sorted(IMPLAUSIBLE))
def test_implausible_row_is_refused_when_strict(sqlite_engine, tmp_path, code):
    build, (file, row, column) = IMPLAUSIBLE[code]
    folder = tmp_path / "d"
    build(folder)
    with pytest.raises(ImportRefused) as info:
        import_folder(sqlite_engine, folder, strict=True)
    issue = next(i for i in info.value.report.errors if i.code == code)
    assert (Path(issue.file).name, issue.row, issue.column) == (file, row, column)


def test_inverted_history_span_is_an_error_even_when_not_strict(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    _table("union_hierarchy", HISTORY, ["CDCS-1", "KCN-80", "2025-07-01", "2025-01-01"])(folder)
    with pytest.raises(ImportRefused) as info:
        import_folder(sqlite_engine, folder)
    issue = info.value.report.errors[0]
    assert (issue.code, issue.row, issue.column) == ("row.dates_out_of_order", 2, "valid_until")


@pytest.mark.parametrize("code", sorted(WARNINGS | IMPLAUSIBLE))
def test_warning_code(sqlite_engine, tmp_path, code):
    build, (file, row, column) = (WARNINGS | IMPLAUSIBLE)[code]
    folder = tmp_path / "d"
    build(folder)
    report = import_folder(sqlite_engine, folder)
    issue = next(i for i in report.issues if i.code == code and i.column == column)
    assert issue.severity is Severity.WARNING
    assert (issue.file, issue.row, issue.column) == (file, row, column)


def test_missing_folder(sqlite_engine, tmp_path):
    with pytest.raises(ImportRefused) as info:
        import_folder(sqlite_engine, tmp_path / "nowhere")
    assert [i.code for i in info.value.report.errors] == ["folder.not_found"]


def test_unreachable_database(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    with pytest.raises(DatabaseError) as info:
        db.upgrade(engine)
    assert "COMPLIANCE_DATABASE_URL" in str(info.value)


def test_reading_an_unmigrated_database_is_refused_not_migrated(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseError) as info:
        db.require_schema(engine)
    assert "compliance db upgrade" in str(info.value) and "(hiện: trống)" in str(info.value)
    from sqlalchemy import inspect

    assert inspect(engine).get_table_names() == []  # nothing was created by the check


def test_every_code_has_a_test_and_a_message():
    tested = set(CASES) | set(WARNINGS) | set(IMPLAUSIBLE)
    tested |= {"folder.not_found", "database.unreachable", "database.outdated"}
    tested |= HOSTILE  # files, workbooks and second deliveries: test_hostile_delivery.py
    registry = ("folder.", "file.", "header.", "value.", "row.", "database.")
    assert tested == {code for code in MESSAGES if code.startswith(registry)}


def test_all_problems_of_a_delivery_are_reported_at_once(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    rows = [
        enterprise(f"E{i}", -i - 1, registered_on=dt.date(2024, 2, 1).isoformat())
        for i in range(25_000)
    ]
    write_csv(folder, "enterprises", ENTERPRISE_HEADER, rows)
    with pytest.raises(ImportRefused) as info:
        import_folder(sqlite_engine, folder)
    assert len(info.value.report.errors) == 25_000  # across chunks, nothing stops at the first
