"""Reports of a run read what the run stored; all scopes from one read; the PDF summarises."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import Engine, text

from compliance.reports.files import prepare, render, write_report, write_run_reports
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
