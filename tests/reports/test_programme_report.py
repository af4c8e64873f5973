"""The programme's sơ kết / tổng kết report: per section, items done on time, late and
outstanding with their lead bodies, in the administrative layout — HTML, PDF (its text read
back with pdftotext) and XLSX."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from compliance.cli import app as cli
from compliance.registry.importer import import_folder
from compliance.settings import get_settings
from tests.engine.programme_fixture import LEADS, PROGRAMME, write_reports, write_rules
from tests.factories import migrated_sqlite

AS_OF = "2024-10-15"


def _rows() -> list[list[str]]:
    """Item 1 done on time by all; the 2022 review (item 4) done, by Ban D late; the rest not."""
    rows = [[PROGRAMME, "1", "", lead, "2023-09-01", "done", "", ""] for lead in LEADS]
    rows += [[PROGRAMME, "4", "2022-12-31", lead, "2022-12-20", "done", "", ""] for lead in LEADS]
    rows[-1][4] = "2023-02-01"
    return rows


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(write_rules(tmp_path / "rules")))
    engine = migrated_sqlite(tmp_path / "site.db")
    import_folder(engine, write_reports(tmp_path / "progress", _rows()))
    engine.dispose()
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{tmp_path / 'site.db'}")
    get_settings.cache_clear()
    return tmp_path


def _write(folder: Path, fmt: str, *extra: str) -> Path:
    out = folder / f"so-ket.{fmt}"
    args = ["programmes", "report", PROGRAMME, "--as-of", AS_OF, "--format", fmt, "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, *extra])
    assert result.exit_code == 0, result.output
    return out


def test_the_pdf_reads_as_an_administrative_review_report(site: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(_write(site, "pdf", "--number", "12")), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(text.split())
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BAN THƯỜNG VỤ TỈNH ỦY THỬ",
        "Số: 12/BC",
        "Tây Ninh, ngày 15 tháng 10 năm 2024",
        "Sơ kết việc thực hiện Chương trình hành động thử (đến ngày 15/10/2024)",
        "Mục II.2",
        "Nhiệm vụ đã hoàn thành đúng hạn (1)",
        "Nhiệm vụ hoàn thành chậm so với thời gian đề ra (1)",
        "Nhiệm vụ đã đến hạn nhưng chưa hoàn thành (2)",
        "Nhiệm vụ thực hiện thường xuyên (1)",
        "Ban D (mốc 31/12/2022: hoàn thành chậm)",
        "Ban A; Ban B; Ban C; Ban D",
        "Nơi nhận",
    ):
        assert phrase in flat, phrase
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # on one line, not wrapped


def test_the_html_and_the_workbook_say_the_same(site: Path) -> None:
    html = _write(site, "html", "--final").read_text(encoding="utf-8")
    assert "Tổng kết việc thực hiện Chương trình hành động thử" in html
    book = load_workbook(_write(site, "xlsx"), read_only=True)
    rows = list(book.active.iter_rows(min_row=5, values_only=True))
    assert {(r[1], r[5]) for r in rows} == {
        ("1", "hoàn thành đúng hạn"),
        ("4", "hoàn thành chậm"),
        ("2", "quá hạn, chưa hoàn thành"),
        ("3", "quá hạn, chưa hoàn thành"),
        ("5", "thực hiện thường xuyên"),
    }
    late = next(r for r in rows if r[1] == "4")
    assert late[6] == "Ban D (mốc 31/12/2022: hoàn thành chậm)"


def test_an_unknown_programme_is_refused_with_a_suggestion(site: Path) -> None:
    result = CliRunner().invoke(
        cli, ["programmes", "report", "tinh.ctr_1", "--as-of", AS_OF, "--out", str(site / "x")]
    )
    assert result.exit_code == 1
    assert "có phải 'tinh.ctr_01'?" in result.output and not (site / "x").exists()
