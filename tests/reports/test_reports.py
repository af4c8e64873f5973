"""Reports on a generated province: PDF text, workbook sheets, run folders, the CLI's refusals."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from compliance import db
from compliance.cli import app
from compliance.exceptions import DatabaseError
from compliance.reports import artifacts
from compliance.reports.files import (
    finish_pdf,
    latest_reports,
    prepare,
    write_report,
    write_run_reports,
)
from compliance.reports.xlsx import SHEETS
from tests.targets.conftest import AS_OF

COMMAND = str(Path(sys.executable).parent / "compliance")


def plain(text: str) -> str:
    return " ".join(text.split())


def test_run_reports_pdf_keeps_the_motto_and_vietnamese_names(registry: Engine, tmp_path):
    started = time.perf_counter()
    paths = write_run_reports(registry, AS_OF, tmp_path / "reports", province="80")
    assert time.perf_counter() - started < 60
    assert [p.name for p in paths] == ["bao-cao-80-2026-10-01.html", "bao-cao-80-2026-10-01.xlsx"]
    pdf = tmp_path / "reports" / "bao-cao-80-2026-10-01.pdf"
    assert finish_pdf(pdf)  # laid out when first opened
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = plain(text)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH",
        "Tây Ninh, ngày 01 tháng 10 năm 2026",
        "BÁO CÁO",
        "Nơi nhận",
        "KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
        "thỏa ước lao động tập thể",
        "chưa có dữ liệu",
        "đơn vị chưa đạt",
        "Dương Minh Châu",
    ):
        assert phrase in flat, phrase  # fmt: skip
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # on one line, not wrapped

    book = load_workbook(paths[1], read_only=True)
    assert book.sheetnames == list(SHEETS)
    for name, headers in SHEETS.items():
        assert next(book[name].iter_rows(max_row=1, values_only=True)) == headers, name
    rows = list(book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} >= {"target.collective_agreements.tay_ninh.2025"}
    assert len(list(book["Đơn vị chưa đạt"].iter_rows(min_row=2))) > 0
    # Implausible rows are data to correct, reported apart and never counted as breaches.
    findings = {r[0] for r in book["Phát hiện"].iter_rows(min_row=2, values_only=True)}
    errors = {r[0] for r in book["Lỗi dữ liệu"].iter_rows(min_row=2, values_only=True)}
    assert errors and all(rule.startswith("data_quality.") for rule in errors)
    assert findings and not any(rule.startswith("data_quality.") for rule in findings)
    assert "Lỗi dữ liệu cần sửa (không phải vi phạm của đơn vị)" in flat

    assert latest_reports(tmp_path / "reports") == {p.suffix[1:]: p for p in [*paths, pdf]}


def test_a_whole_run_writes_the_national_report_and_each_provinces(registry: Engine, tmp_path):
    paths = write_run_reports(registry, AS_OF, tmp_path, formats=("html", "xlsx"))
    with registry.connect() as conn:
        provinces = (
            conn.execute(text("SELECT DISTINCT province_code FROM enterprises ORDER BY 1"))
            .scalars()
            .all()
        )
    assert "80" in provinces
    scopes = [*provinces, "ca-nuoc"]
    expected = sorted(f"bao-cao-{s}-2026-10-01.{ext}" for s in scopes for ext in ("html", "xlsx"))
    assert sorted(p.name for p in paths) == expected
    assert latest_reports(tmp_path, province="80")["html"].name == "bao-cao-80-2026-10-01.html"
    book = load_workbook(tmp_path / "bao-cao-80-2026-10-01.xlsx", read_only=False)
    overdue = book["Việc quá hạn"]
    with registry.connect() as conn:
        total = conn.execute(
            text(
                "SELECT count(*) FROM follow_up_tasks WHERE province_code = '80' AND due_on < "
                ":day AND status IN ('open', 'in_progress', 'escalated')"
            ),
            {"day": AS_OF},
        ).scalar_one()
    assert overdue.max_row - 1 == total  # every overdue row, not the documents' first 500
    assert all(sheet.auto_filter.ref for sheet in book if sheet.max_row > 1)


def test_latest_reports_picks_the_latest_day(tmp_path):
    for day in ("2026-09-01", "2026-10-01"):
        for ext in ("html", "pdf"):
            (tmp_path / f"bao-cao-80-{day}.{ext}").write_text("x")
    (tmp_path / "notes.pdf").write_text("x")
    (tmp_path / "bao-cao-ca-nuoc-2026-11-01.pdf").write_text("x")
    assert latest_reports(tmp_path, province="80") == {
        "html": tmp_path / "bao-cao-80-2026-10-01.html",
        "pdf": tmp_path / "bao-cao-80-2026-10-01.pdf",
    }
    assert latest_reports(tmp_path)["pdf"].name == "bao-cao-ca-nuoc-2026-11-01.pdf"
    assert latest_reports(tmp_path / "missing") == {}


def test_scorecard_artifact_texts(registry: Engine):
    """What the flow publishes (tests/flows checks it arrives as a Prefect artifact)."""
    from compliance.targets.load import load_targets
    from compliance.targets.scorecard import compute_scorecard

    with registry.connect() as conn:
        cards = [compute_scorecard(conn, AS_OF, p, load_targets()) for p in ("80", "86")]
    markdown = artifacts.scorecard_markdown(cards)
    assert "# Kết quả thực hiện chỉ tiêu — Tây Ninh (ngày 01/10/2026)" in markdown
    assert "chưa có dữ liệu" in markdown
    table = artifacts.scorecard_table(cards)
    assert {"tinh", "chi_tieu", "thuc_hien", "con_thieu"} <= set(table[0])


def invoke(tmp_path: Path, *args: str, url: str | None = None):  # noqa: ANN201
    url = url or f"sqlite:///{tmp_path / 'registry.db'}"
    return CliRunner().invoke(app, ["report", *args], env={"COMPLIANCE_DATABASE_URL": url})


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "Ngày '2026-13-01' không hợp lệ"),
        (["--as-of", "hôm qua"], "hãy ghi theo dạng NNNN-TT-NN"),
        (["--as-of", "2026-10-01", "--province", "99"], "Không có tỉnh mã '99'"),
        (["--as-of", "2026-10-01", "--format", "docx"], "Định dạng 'docx' không hỗ trợ"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_without_a_file(tmp_path, migrated, args, message):
    out = tmp_path / "out.html"
    result = invoke(tmp_path, *args, "--out", str(out), url=migrated)
    assert result.exit_code == 1
    assert message in plain(result.output)
    assert not out.exists() and not list(tmp_path.glob(".out.html*"))


def test_an_unmigrated_database_is_refused(tmp_path):
    out = tmp_path / "out.pdf"
    result = invoke(tmp_path, "--as-of", "2026-10-01", "--format", "pdf", "--out", str(out))
    assert result.exit_code == DatabaseError.exit_code  # 3: the database, not the request
    assert "chưa ở phiên bản mới nhất" in plain(result.output)
    assert "compliance db upgrade" in plain(result.output)
    assert not out.exists()


def test_a_missing_output_folder_is_refused(tmp_path, migrated):
    out = tmp_path / "nowhere" / "r.xlsx"
    result = invoke(tmp_path, "--as-of", "2026-10-01", "--format", "xlsx", "--out", str(out),
                    url=migrated)  # fmt: skip
    assert result.exit_code == 1
    assert "Không có thư mục" in plain(result.output)


def test_the_installed_command_writes_the_report(registry: Engine, tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    environment["COMPLIANCE_DATABASE_URL"] = registry.url.render_as_string(hide_password=False)
    out = tmp_path / "bao-cao.html"
    result = subprocess.run(
        [COMMAND, "report", "--as-of", "2026-10-01", "--format", "html", "--out", str(out),
         "--province", "86", "--number", "125"],
        env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Số: 125/BC-LĐLĐ" in html and "Vĩnh Long" in html and "Bến Tre" in html


def test_findings_come_from_the_latest_run_else_a_live_evaluation(registry: Engine):
    report = prepare(registry, AS_OF, "80")
    assert report.findings_source.startswith("Chưa có lần rà soát")
    assert sum(f.count for f in report.findings) > 0
    assert {f.province for f in report.findings} == {"80"}
    assert report.overdue_total == 0  # no run, no tasks
    assert isinstance(report.as_of, dt.date)


def _pdf_words(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes, as poppler lays them out."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in xhtml.split("<page ")[1:]:
        pages.append([
            (float(a), float(b), float(c), float(d), html.unescape(w))
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                r'yMax="([\d.]+)">([^<]*)</word>',
                page,
            )
        ])  # fmt: skip
    return pages


def test_the_national_pdf_tables_never_overflow_into_each_other(registry: Engine, tmp_path):
    """Issue 16.9: "1.246/1.649không đạt" — a cell's text ran into the next column. No two words
    on one line share any width, and no number is glued to the word after it."""
    path = write_report(registry, AS_OF, "pdf", tmp_path / "ca-nuoc.pdf")
    pages = _pdf_words(path)
    assert pages
    glued = [w for page in pages for *_, w in page if re.search(r"\d[^\W\d_]{2,}", w)]
    assert not glued, glued
    for number, page in enumerate(pages, 1):
        for i, (x0, y0, x1, y1, word) in enumerate(page):
            for a0, b0, a1, b1, other in page[i + 1 :]:
                same_line = min(y1, b1) - max(y0, b0) > 0.5 * min(y1 - y0, b1 - b0)
                overlap = min(x1, a1) - max(x0, a0)
                assert not (same_line and overlap > 0.5), (number, word, other)


def test_the_national_report_opens_with_a_province_that_has_data(registry: Engine):
    """Issue 16.9: the national PDF opened with a province whose registry held no unit."""
    report = prepare(registry, AS_OF, None)
    cards = report.scorecards
    assert len(cards) > 1 and cards[0].has_data
    assert [c.has_data for c in cards] == sorted((c.has_data for c in cards), reverse=True)
