"""Reports of a run read what the run stored; all scopes from one read; the PDF summarises."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from compliance.reports.files import (
    finish_pdf,
    latest_reports,
    pending_pdf,
    prepare,
    render,
    write_report,
    write_run_reports,
)
from compliance.settings import get_settings
from compliance.targets import run_store
from compliance.targets.load import load_targets
from tests.factories import run
from tests.targets.conftest import AS_OF

TARGET = "target.collective_agreements.tay_ninh.2025"


def _recorded_run(engine: Engine) -> int:
    """A whole run, as the flow records it, with the scorecard sums its publish step stores."""
    outcome = run(engine, AS_OF)
    assert outcome.run_id is not None
    with engine.begin() as conn:
        run_store.measure_and_store(conn, outcome.run_id, AS_OF, load_targets())
    return outcome.run_id


def _row(report, target_id: str):  # noqa: ANN001, ANN202 - ReportData, ScoreRow
    return next(r for card in report.scorecards for r in card.rows if r.target.id == target_id)


def test_a_report_of_a_run_reads_the_sums_it_stored(registry: Engine):
    run_id = _recorded_run(registry)
    measured = _row(prepare(registry, AS_OF, "80"), TARGET)
    assert measured.figure is not None and measured.figure.den != 10
    # the stored sums are what the report shows: change them and the report follows
    judged = str(measured.year)
    with registry.begin() as conn:
        conn.execute(
            text("UPDATE run_scorecards SET groups = :groups WHERE target_id = :id"),
            {"groups": f'{{"{judged}": [[null, 7, 10, 0]]}}', "id": TARGET},
        )
    report = prepare(registry, AS_OF, "80")
    row = _row(report, TARGET)
    assert row.figure is not None and (row.figure.num, row.figure.den) == (7.0, 10.0)
    assert [p.year for p in row.trend] == [measured.year]
    assert report.findings_source.startswith(f"Lần rà soát #{run_id}")
    # another day than the run's: measured afresh (read-only), the stored sums do not apply
    later = prepare(registry, AS_OF.replace(day=2), "80")
    assert _row(later, TARGET).figure.den == measured.figure.den  # type: ignore[union-attr]


def test_a_whole_runs_reports_equal_each_scope_read_alone(registry: Engine, tmp_path: Path):
    _recorded_run(registry)
    paths = write_run_reports(registry, AS_OF, tmp_path, formats=("html",))
    assert len(paths) >= 3
    for path in paths:
        scope = path.name.removeprefix("bao-cao-").removesuffix("-2026-10-01.html")
        alone = render(prepare(registry, AS_OF, None if scope == "ca-nuoc" else scope), "html")
        assert path.read_bytes() == alone, scope


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_runs_pdf_is_laid_out_when_first_opened_and_says_what_the_run_saw(
    registry: Engine, tmp_path: Path
):
    _recorded_run(registry)
    written = write_run_reports(registry, AS_OF, tmp_path, province="80")
    assert sorted(p.suffix for p in written) == [".html", ".xlsx"]  # no PDF laid out yet
    pdf = tmp_path / "bao-cao-80-2026-10-01.pdf"
    assert not pdf.exists() and pending_pdf(pdf).is_file()
    assert latest_reports(tmp_path, "80")["pdf"] == pdf  # listed (and linked) already
    assert finish_pdf(pdf) and pdf.read_bytes().startswith(b"%PDF")
    assert not pending_pdf(pdf).exists()
    made_now = write_report(registry, AS_OF, "pdf", tmp_path / "now.pdf", "80")
    assert _pdf_text(pdf) == _pdf_text(made_now)
    # a second run of the day leaves its own: the PDF laid out from the first one is gone
    write_run_reports(registry, AS_OF, tmp_path, province="80", formats=("pdf",))
    assert not pdf.exists() and pending_pdf(pdf).is_file()
    assert not finish_pdf(tmp_path / "bao-cao-66-2026-10-01.pdf")  # nothing to lay out


def test_pdfs_laid_out_during_the_run_when_asked(
    registry: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _recorded_run(registry)
    write_run_reports(registry, AS_OF, tmp_path, province="80", formats=("pdf",))
    monkeypatch.setenv("COMPLIANCE_REPORTS_PDF_AT_RUN", "true")
    get_settings.cache_clear()
    (written,) = write_run_reports(registry, AS_OF, tmp_path, province="80", formats=("pdf",))
    assert written.read_bytes().startswith(b"%PDF") and not pending_pdf(written).exists()


def test_the_national_pdf_summarises_and_the_html_keeps_every_row(registry: Engine, tmp_path: Path):
    _recorded_run(registry)
    pdf = write_report(registry, AS_OF, "pdf", tmp_path / "ca-nuoc.pdf")
    flat = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    html = write_report(registry, AS_OF, "html", tmp_path / "ca-nuoc.html").read_text("utf-8")
    assert "Theo tỉnh" in flat and "Số đơn vị chưa đạt theo chỉ tiêu" in flat
    assert "tệp XLSX, trang “Phát hiện”" in flat
    row = _row(prepare(registry, AS_OF), TARGET)
    assert row.shortfall, "the generator leaves some units short"
    assert all(s.unit in html for s in row.shortfall)  # the HTML lists every one
    assert not any(s.unit in flat for s in row.shortfall)  # the PDF counts them
    assert "Theo tỉnh" not in html
