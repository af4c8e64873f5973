"""Hostile deliveries (issue 17): each hole the red team found, refused with a Vietnamese
message that names the file, row and column, and the database left as it was."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

import compliance
from compliance.exceptions import ImportRefused
from compliance.registry import csv_text
from compliance.registry.importer import import_folder
from compliance.registry.issues import Issue, Severity
from compliance.settings import get_settings
from tests.registry.helpers import (
    ENTERPRISE_HEADER,
    UNION_HEADER,
    base_delivery,
    enterprise,
    snapshot,
    union,
    write_csv,
)

EFFECTIVE = dt.date(2026, 1, 1)
REVIEWS = ["id", "union_code", "date"]
INSPECTIONS = ["id", "kind", "inspector_code", "target_code", "date"]
FEES = ["enterprise_tax_code", "period", "due_on", "amount_due", "amount_paid"]
HISTORY = ["union_code", "superior_code", "valid_from", "valid_until"]
COMMAND = str(Path(sys.executable).parent / "compliance")
SOURCES = str(Path(compliance.__file__).parents[1])

# Codes whose cases live here rather than in test_error_codes.CASES.
COVERED = frozenset(
    {
        "file.not_regular",
        "file.too_large",
        "file.too_many_rows",
        "file.line_too_long",
        "file.zip_bomb",
        "file.xml_unsafe",
        "value.numeric_code",
        "value.formula_without_value",
        "value.excel_error",
        "row.moves_existing",
        "row.moved_existing",
    }
)


def refused(engine, folder: Path, **kwargs) -> list[Issue]:
    kwargs.setdefault("effective_date", EFFECTIVE)
    with pytest.raises(ImportRefused) as info:
        import_folder(engine, folder, **kwargs)
    return info.value.report.errors


def codes(errors: list[Issue]) -> set[tuple[str, int | None, str | None, str]]:
    return {(e.file, e.row, e.column, e.code) for e in errors}


def with_base(engine, tmp_path: Path) -> dict:
    """A loaded province-80 registry, and its snapshot to compare with after a refusal."""
    import_folder(engine, base_delivery(tmp_path / "base"), effective_date=EFFECTIVE)
    return snapshot(engine)


def cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    environment.update(PYTHONPATH=SOURCES, COLUMNS="200")
    return subprocess.run(
        [COMMAND, *args, "--no-progress"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def save_workbook(path: Path, header: list, rows: list[list], formats: dict | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = path.stem
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    book.save(path)
    return path


def rewrite_sheet(path: Path, change) -> None:
    """Edit the first sheet's XML inside the workbook's zip, as a hostile producer would."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)


# 1. An unbalanced quote swallowed the rest of the file into one cell ---------------------------


def _three_hundred(folder: Path, broken_at: int) -> Path:
    rows = [enterprise(f"03{i:08d}") for i in range(300)]
    write_csv(folder, "enterprises", ENTERPRISE_HEADER, rows)
    path = folder / "enterprises.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[broken_at - 1] = lines[broken_at - 1].replace(",Công ty", ',"Công ty', 1)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_an_unclosed_quote_is_refused_at_its_line_and_loses_no_row(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    _three_hundred(folder, broken_at=6)
    for skip in (False, True):  # skipping bad rows cannot skip a file that cannot be read
        errors = refused(sqlite_engine, folder, skip_bad_rows=skip, rejects_path=tmp_path / "r")
        assert codes(errors) == {("enterprises.csv", 6, None, "file.unclosed_quote")}
        assert "dòng 6" in errors[0].message
    assert snapshot(sqlite_engine) == {}  # refused before the schema was even created


def test_a_stray_quote_and_a_cut_row_are_refused_with_their_lines(sqlite_engine, tmp_path):
    before = with_base(sqlite_engine, tmp_path)
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "enterprises.csv").write_text(
        'tax_code,name,workers\n0300000001,A,3\n0300000002,"B"x,4\n', encoding="utf-8"
    )
    errors = refused(sqlite_engine, folder)
    assert codes(errors) == {("enterprises.csv", 3, None, "file.stray_quote")}
    (folder / "enterprises.csv").write_text(
        "tax_code,name,workers\n0300000001,Công ty\n A,3\n0300000002,B,4\n", encoding="utf-8"
    )
    errors = refused(sqlite_engine, folder)
    assert codes(errors) == {
        ("enterprises.csv", 2, None, "row.too_few_cells"),
        ("enterprises.csv", 3, None, "row.too_few_cells"),
    }
    assert snapshot(sqlite_engine) == before


def test_a_line_separator_in_a_cell_does_not_split_the_row(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "enterprises.csv").write_text(
        "tax_code,name,workers\n0300000001,Công ty\u2028A,3\n0300000002,B,4\n", encoding="utf-8"
    )
    errors = refused(sqlite_engine, folder)
    assert codes(errors) == {("enterprises.csv", 2, "name", "value.control_character")}
    assert "U+2028" in errors[0].message


def test_the_cli_reports_a_broken_csv_cleanly(tmp_path):
    _three_hundred(tmp_path / "d", broken_at=6)
    result = cli("import", "d", cwd=tmp_path)
    assert result.returncode == 1
    assert "enterprises.csv:6: [file.unclosed_quote] Dấu ngoặc kép" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# 2. XLSX rows beyond the declared <dimension> were dropped ------------------------------------


def test_xlsx_rows_beyond_the_declared_dimension_are_all_read(sqlite_engine, tmp_path):
    rows = [enterprise(f"03{i:08d}") for i in range(300)]
    path = save_workbook(tmp_path / "d" / "enterprises.xlsx", ENTERPRISE_HEADER, rows)
    rewrite_sheet(
        path, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:I10"', xml)
    )
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:I10"' in archive.read("xl/worksheets/sheet1.xml")
    report = import_folder(sqlite_engine, tmp_path / "d", effective_date=EFFECTIVE)
    assert report.tables["enterprises"].inserted == 300
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one() == 300


# 3. Another province's event ids moved stored rows to its own unions ---------------------------


def _province(folder: Path, province: str, review_ids: list[str]) -> Path:
    federation, district = f"LDLD-{province}", f"CDCT-{province}-001"
    write_csv(
        folder,
        "unions",
        UNION_HEADER,
        [
            union(federation, "provincial_federation", province_code=province),
            union(
                district, "direct_superior_union", superior_code=federation, province_code=province
            ),
        ],
    )
    write_csv(folder, "reviews", REVIEWS, [[i, district, "2025-03-01"] for i in review_ids])
    write_csv(
        folder,
        "inspections",
        INSPECTIONS,
        [["LV0000001", "finance", federation, district, "2025-04-01"]],
    )
    return folder


def _owners(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, union_code FROM reviews")).all())


def test_another_provinces_ids_cannot_move_stored_events(engine, tmp_path):
    ids = [f"LV{i:07d}" for i in range(1, 6)]
    import_folder(engine, _province(tmp_path / "p80", "80", ids), effective_date=EFFECTIVE)
    before = snapshot(engine)
    errors = refused(engine, _province(tmp_path / "p81", "81", ids))
    moves = [e for e in errors if e.code == "row.moves_existing"]
    assert {(e.file, e.row, e.column) for e in moves} == {
        *(("reviews.csv", row, "union_code") for row in range(2, 7)),
        ("inspections.csv", 2, "inspector_code"),
    }
    review = next(e for e in moves if e.file == "reviews.csv")
    assert "'CDCT-80-001'" in review.message and "'CDCT-81-001'" in review.message
    assert "--correction" in review.message
    assert snapshot(engine) == before
    assert set(_owners(engine).values()) == {"CDCT-80-001"}


def test_a_correction_may_move_stored_events_and_says_so(engine, tmp_path):
    ids = ["LV0000001", "LV0000002"]
    import_folder(engine, _province(tmp_path / "p80", "80", ids), effective_date=EFFECTIVE)
    report = import_folder(
        engine, _province(tmp_path / "p81", "81", ids), effective_date=EFFECTIVE, correction=True
    )
    moved = [i for i in report.warnings if i.code == "row.moved_existing"]
    assert len(moved) == 3 and all(i.severity is Severity.WARNING for i in moved)
    assert set(_owners(engine).values()) == {"CDCT-81-001"}


def test_the_cli_correction_flag(tmp_path):
    _province(tmp_path / "p80", "80", ["LV0000001"])
    _province(tmp_path / "p81", "81", ["LV0000001"])
    assert cli("import", "p80", cwd=tmp_path).returncode == 0
    result = cli("import", "p81", cwd=tmp_path)
    assert result.returncode == 1
    assert "reviews.csv:2: cột 'union_code' [row.moves_existing]" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("import", "p81", "--correction", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[row.moved_existing]" in result.stderr


# 4. Values that were stored wrong or broke the rules later -------------------------------------


def test_a_formula_without_a_cached_value_is_refused_with_its_cell(sqlite_engine, tmp_path):
    before = with_base(sqlite_engine, tmp_path)
    path = save_workbook(
        tmp_path / "d" / "enterprises.xlsx",
        ["tax_code", "workers"],
        [["0300000009", "=10*3"], ["0300000008", 5]],
    )
    with zipfile.ZipFile(path) as archive:  # openpyxl writes formulas without a cached value
        assert b"<f>10*3</f>" in archive.read("xl/worksheets/sheet1.xml")
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {
        ("enterprises.xlsx[enterprises]", 2, "workers", "value.formula_without_value")
    }
    assert "B2" in errors[0].message and "=10*3" in errors[0].message
    assert snapshot(sqlite_engine) == before


def test_an_excel_error_cell_is_refused(sqlite_engine, tmp_path):
    path = save_workbook(
        tmp_path / "d" / "enterprises.xlsx", ["tax_code", "name"], [["0300000009", "x"]]
    )
    rewrite_sheet(
        path,
        lambda xml: re.sub(rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2" t="e"><v>#REF!</v></c>', xml),
    )
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.xlsx[enterprises]", 2, "name", "value.excel_error")}
    assert "#REF!" in errors[0].message


def test_a_numeric_tax_code_keeps_its_zeros_or_is_refused(sqlite_engine, tmp_path):
    header = ["tax_code", "name", "province_code"]
    save_workbook(
        tmp_path / "shown" / "enterprises.xlsx",
        header,
        [[300000001, "A", "80"]],
        formats={"A2": "0000000000"},  # Excel shows 0300000001
    )
    import_folder(sqlite_engine, tmp_path / "shown", effective_date=EFFECTIVE)
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT tax_code FROM enterprises")).scalar_one() == "0300000001"
    before = snapshot(sqlite_engine)
    save_workbook(tmp_path / "lost" / "enterprises.xlsx", header, [[300000002, "B", 1]])
    errors = refused(sqlite_engine, tmp_path / "lost")
    assert codes(errors) == {
        ("enterprises.xlsx[enterprises]", 2, "tax_code", "value.numeric_code"),
        ("enterprises.xlsx[enterprises]", 2, "province_code", "value.numeric_code"),
    }
    assert "10 hoặc 13 chữ số" in errors[0].message + errors[1].message
    assert snapshot(sqlite_engine) == before


def test_control_characters_in_text_are_refused(sqlite_engine, tmp_path):
    before = with_base(sqlite_engine, tmp_path)
    rows = [
        enterprise("0300000010", name="Công ty\x00A"),
        enterprise("0300000011", name="Công ty \x1b[31mđỏ"),
        enterprise("0300000012", name="Công ty\u202eB"),
        enterprise("0300000013", ward_code="25\x0700"),
    ]
    write_csv(tmp_path / "d", "enterprises", ENTERPRISE_HEADER, rows)
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {
        ("enterprises.csv", 2, "name", "value.control_character"),
        ("enterprises.csv", 3, "name", "value.control_character"),
        ("enterprises.csv", 4, "name", "value.control_character"),
        ("enterprises.csv", 5, "ward_code", "value.control_character"),
    }
    assert all("\x1b" not in e.message and "\x00" not in e.message for e in errors)
    assert snapshot(sqlite_engine) == before


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "1e400", "Infinity"])
def test_non_finite_amounts_are_refused(sqlite_engine, tmp_path, amount):
    before = with_base(sqlite_engine, tmp_path)
    base_delivery(tmp_path / "d")
    write_csv(tmp_path / "d", "fee_payments", FEES, [["0300000001", "2025-01", "", amount, "0"]])
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("fee_payments.csv", 2, "amount_due", "value.not_finite")}
    assert snapshot(sqlite_engine) == before


def test_a_count_beyond_the_database_integer_is_refused(engine, tmp_path):
    write_csv(tmp_path / "d", "enterprises", ENTERPRISE_HEADER, [enterprise("E1", "99999999999")])
    errors = refused(engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.csv", 2, "workers", "value.out_of_range")}


def test_a_superior_loop_in_the_delivery_is_refused_and_named(engine, tmp_path):
    write_csv(
        tmp_path / "d",
        "unions",
        UNION_HEADER,
        [
            union("LDLD-80", "provincial_federation", superior_code="CDCT-80-001"),
            union("CDCT-80-001", "direct_superior_union", superior_code="LDLD-80"),
            union("CDCS-1", superior_code="CDCT-80-001"),
        ],
    )
    errors = refused(engine, tmp_path / "d")
    assert codes(errors) == {
        ("unions.csv", 2, "superior_code", "row.superior_cycle"),
        ("unions.csv", 3, "superior_code", "row.superior_cycle"),
    }
    assert "CDCT-80-001 → LDLD-80 → CDCT-80-001" in errors[0].message


def test_a_superior_loop_through_stored_unions_is_refused(engine, tmp_path):
    before = with_base(engine, tmp_path)  # CDCS-1 → KCN-80 → LDLD-80
    write_csv(
        tmp_path / "d",
        "unions",
        UNION_HEADER,
        [union("LDLD-80", "provincial_federation", superior_code="CDCS-1")],
    )
    errors = refused(engine, tmp_path / "d")
    assert codes(errors) == {("unions.csv", 2, "superior_code", "row.superior_cycle")}
    assert "LDLD-80 → CDCS-1 → KCN-80 → LDLD-80" in errors[0].message
    assert snapshot(engine) == before
    report = import_folder(  # skipping drops the looping row and keeps the rest
        engine, tmp_path / "d", skip_bad_rows=True, rejects_path=tmp_path / "r.csv"
    )
    assert report.tables["unions"].rejected == 1
    assert snapshot(engine)["unions"] == before["unions"]


def test_a_loop_in_a_dated_history_is_refused(sqlite_engine, tmp_path):
    base_delivery(tmp_path / "d")
    write_csv(
        tmp_path / "d",
        "union_hierarchy",
        HISTORY,
        [
            ["KCN-80", "LDLD-80", "", "2025-07-01"],
            ["LDLD-80", "KCN-80", "2025-01-01", "2025-03-01"],  # a loop Jan–Feb 2025 only
        ],
    )
    errors = refused(sqlite_engine, tmp_path / "d")
    found = {(e.row, e.code) for e in errors}
    assert found == {(2, "row.superior_cycle"), (3, "row.superior_cycle")}
    assert "(ngày 01/01/2025)" in errors[0].message


# 8. Files that exhausted the machine ------------------------------------------------------------


def test_a_symlink_to_dev_zero_is_refused_at_once(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "enterprises.csv").symlink_to("/dev/zero")
    started = time.perf_counter()
    errors = refused(sqlite_engine, folder)
    assert time.perf_counter() - started < 5
    assert codes(errors) == {("enterprises.csv", None, None, "file.not_regular")}
    assert "/dev/zero" in errors[0].message


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    folder = tmp_path / "d"
    base_delivery(folder)
    os.mkfifo(folder / "reviews.csv")
    result = cli("import", "d", cwd=tmp_path, timeout=60)  # the old code blocked forever
    assert result.returncode == 1
    assert "reviews.csv: [file.not_regular]" in result.stderr and "FIFO" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "compliance.db").exists() or "enterprises" not in result.stdout


def test_a_symlink_out_of_the_folder_is_refused(sqlite_engine, tmp_path):
    elsewhere = write_csv(tmp_path / "other", "enterprises", ENTERPRISE_HEADER, [enterprise("E")])
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "enterprises.csv").symlink_to(elsewhere)
    errors = refused(sqlite_engine, folder)
    assert codes(errors) == {("enterprises.csv", None, None, "file.not_regular")}
    inside = folder / "data"
    inside.mkdir()
    write_csv(inside, "enterprises", ENTERPRISE_HEADER, [enterprise("0300000001")])
    (folder / "enterprises.csv").unlink()
    (folder / "enterprises.csv").symlink_to(inside / "enterprises.csv")  # inside: fine
    assert import_folder(sqlite_engine, folder).tables["enterprises"].inserted == 1


def test_a_huge_cell_is_refused(sqlite_engine, tmp_path):
    before = with_base(sqlite_engine, tmp_path)
    rows = [enterprise("0300000020", name="Công ty " + "A" * 5_000)]
    write_csv(tmp_path / "d", "enterprises", ENTERPRISE_HEADER, rows)
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.csv", 2, "name", "value.too_long")}
    assert len(errors[0].message) < 400
    write_csv(tmp_path / "e", "enterprises", ENTERPRISE_HEADER, [enterprise("0300000021")])
    with (tmp_path / "e" / "enterprises.csv").open("a", encoding="utf-8") as handle:
        handle.write("0300000022," + "B" * 40_000 + "\n")  # beyond any spreadsheet's cell
    errors = refused(sqlite_engine, tmp_path / "e")
    assert codes(errors) == {("enterprises.csv", 3, None, "file.cell_too_large")}
    assert snapshot(sqlite_engine) == before


def test_a_line_without_end_is_refused(sqlite_engine, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_text, "MAX_LINE_CHARS", 1 << 20)
    folder = tmp_path / "d"
    write_csv(folder, "enterprises", ENTERPRISE_HEADER, [enterprise("0300000001")])
    with (folder / "enterprises.csv").open("a", encoding="utf-8") as handle:
        handle.write("x" * (3 << 20))
    errors = refused(sqlite_engine, folder)
    assert codes(errors) == {("enterprises.csv", 3, None, "file.line_too_long")}


def _xml_bomb(path: Path, filler: bytes) -> None:
    """A sheet with ``filler`` (a comment or an attribute) before its data."""
    save_workbook(path, ["tax_code"], [["0300000001"]])
    rewrite_sheet(path, lambda xml: xml.replace(b"<sheetData>", filler + b"<sheetData>", 1))


def test_an_xml_comment_bomb_is_refused_fast(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    _xml_bomb(folder / "enterprises.xlsx", b"<!--" + b"x" * (64 << 20) + b"-->")
    assert (folder / "enterprises.xlsx").stat().st_size < 200_000
    started = time.perf_counter()
    errors = refused(sqlite_engine, folder)
    assert time.perf_counter() - started < 10  # the old reader took more than 400 s
    assert codes(errors) == {("enterprises.xlsx", None, None, "file.zip_bomb")}


def test_long_xml_markup_that_does_not_compress_is_refused_fast(sqlite_engine, tmp_path):
    noise = os.urandom(3 << 20).hex().encode()  # incompressible: no ratio to catch
    for name, filler in (
        ("comment", b"<!--" + noise + b"-->"),
        ("attribute", b'<sheetPr codeName="' + noise + b'"/>'),
        ("doctype", b'<!DOCTYPE x [<!ENTITY a "b">]>'),
    ):
        folder = tmp_path / name
        _xml_bomb(folder / "enterprises.xlsx", filler)
        started = time.perf_counter()
        errors = refused(sqlite_engine, folder)
        assert time.perf_counter() - started < 10, name
        assert codes(errors) == {("enterprises.xlsx", None, None, "file.xml_unsafe")}, name


def test_size_and_row_limits_are_settings(sqlite_engine, tmp_path, monkeypatch):
    rows = [enterprise(f"03{i:08d}") for i in range(20)]
    write_csv(tmp_path / "d", "enterprises", ENTERPRISE_HEADER, rows)
    monkeypatch.setenv("COMPLIANCE_IMPORT_MAX_ROWS", "10")
    get_settings.cache_clear()
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.csv", None, None, "file.too_many_rows")}
    assert "COMPLIANCE_IMPORT_MAX_ROWS" in errors[0].message
    monkeypatch.setenv("COMPLIANCE_IMPORT_MAX_FILE_BYTES", "100")
    get_settings.cache_clear()
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.csv", None, None, "file.too_large")}
    monkeypatch.delenv("COMPLIANCE_IMPORT_MAX_ROWS")
    monkeypatch.delenv("COMPLIANCE_IMPORT_MAX_FILE_BYTES")
    get_settings.cache_clear()
    assert import_folder(sqlite_engine, tmp_path / "d").tables["enterprises"].inserted == 20


def test_a_workbook_with_rows_past_the_limit_is_refused(sqlite_engine, tmp_path, monkeypatch):
    rows = [[f"03{i:08d}"] for i in range(20)]
    save_workbook(tmp_path / "d" / "enterprises.xlsx", ["tax_code"], rows)
    monkeypatch.setenv("COMPLIANCE_IMPORT_MAX_ROWS", "10")
    get_settings.cache_clear()
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.xlsx[enterprises]", None, None, "file.too_many_rows")}


def test_messages_are_vietnamese_and_complete():
    from compliance.messages import MESSAGES

    for code in COVERED | {
        "file.unclosed_quote",
        "file.stray_quote",
        "file.cell_too_large",
        "value.control_character",
        "value.too_long",
        "value.not_finite",
        "row.too_few_cells",
        "row.superior_cycle",
    }:
        assert re.search("[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữự]", MESSAGES[code]), code


def test_a_zip_bomb_declared_by_size_is_refused(sqlite_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", "1000")
    get_settings.cache_clear()
    save_workbook(tmp_path / "d" / "enterprises.xlsx", ["tax_code"], [["0300000001"]])
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.xlsx", None, None, "file.zip_bomb")}


def test_a_damaged_zip_is_unreadable_not_a_traceback(sqlite_engine, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
    (folder / "enterprises.xlsx").write_bytes(buffer.getvalue())
    errors = refused(sqlite_engine, folder)
    assert [e.code for e in errors] == ["file.unreadable"]


def test_a_workbook_row_of_zeros_is_not_taken_for_a_blank_row(sqlite_engine, tmp_path):
    save_workbook(tmp_path / "d" / "enterprises.xlsx", ["tax_code", "workers"], [[None, 0]])
    errors = refused(sqlite_engine, tmp_path / "d")
    assert codes(errors) == {("enterprises.xlsx[enterprises]", 2, "tax_code", "value.required")}
