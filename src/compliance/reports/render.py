"""HTML from Jinja2 templates (autoescaped), and PDF from that HTML through WeasyPrint.

The templates lay the report out as a Vietnamese administrative document: the issuing body
and the document number on the left, the national motto on the right, place and date, title,
body, then "Nơi nhận" and the signature block. The CSS font stack names Noto Serif and DejaVu
Serif first (Debian's fonts-noto-core and fonts-dejavu-core carry every Vietnamese diacritic),
so WeasyPrint never falls back to a font that drops a tone mark.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from compliance.formatting import COMPARISON_VI, date_long_vn, iso_date_text, number_vn
from compliance.reports import charts
from compliance.reports.context import (
    OVERDUE_LIMIT,
    PDF_GROUP_LIMIT,
    PDF_OVERDUE_LIMIT,
    PDF_SHORTFALL_LIMIT,
    ReportData,
)
from compliance.rules import documents
from compliance.rules.loaded import default_rules_dir

TEMPLATES = Path(__file__).parent / "templates"


def _number(value: float | None, decimals: int = 0) -> str:
    return "—" if value is None else number_vn(value, decimals)


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{number_vn(value, 1)}%" if unit == "percent" else number_vn(value)


def threshold_text(target: Any) -> str:
    return (
        f"{COMPARISON_VI[target.comparison]} {value_text(target.threshold, target.unit)}".replace(
            ",0%", "%"
        )
    )


def cite(source: Any, with_section: bool = True) -> str:
    """A target's source as a minute cites it (rules/documents.py), never a file name."""
    section = source.section if with_section else None
    return documents.cite(default_rules_dir(), source.document, section)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(number=_number, value=value_text, threshold=threshold_text,
                       day=iso_date_text, date_vn=date_long_vn, cite=cite)  # fmt: skip
    env.globals.update(WHOLE)  # what a template shows unless asked to summarise
    return env


def add_charts(report: ReportData) -> None:
    """SVG charts per province (bars) and per measured target (trend)."""
    env = environment()
    for card in report.scorecards:
        report.charts[f"bars:{card.province}"] = charts.bars(env, card)
        for row in card.rows:
            report.charts[f"trend:{row.target.id}"] = charts.trend(env, row)


WHOLE: dict[str, Any] = {
    "summary": False, "shortfall_limit": None, "overdue_limit": OVERDUE_LIMIT,
    "group_limit": None, "trends_elsewhere": False, "shortfall_counts_only": False,
}  # fmt: skip


def render_html(report: ReportData, summary: bool = False) -> str:
    """The whole report; ``summary`` (the PDF's): the worst units of each target, the longest
    overdue tasks; nationally, the lowest direct-superior unions, how many units fall short and
    findings per rule and per province, without trend charts — the rest is in the HTML and the
    XLSX. A PDF of every row took WeasyPrint most of a minute (issue 15)."""
    if not report.charts:
        add_charts(report)
    national_summary = summary and report.province is None
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            summary=summary,
            shortfall_limit=PDF_SHORTFALL_LIMIT if summary else None,
            overdue_limit=PDF_OVERDUE_LIMIT if summary else OVERDUE_LIMIT,
            group_limit=PDF_GROUP_LIMIT if national_summary else None,
            trends_elsewhere=national_summary,  # the trend of each target: HTML and XLSX
            shortfall_counts_only=national_summary,  # the units: XLSX, the province's report
        )
    )


def pdf_source(report: ReportData) -> str:
    """The HTML a PDF is laid out from (the summary): kept by a run until the PDF is opened."""
    return render_html(report, summary=True)


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML  # heavy (Pango, fonts): only when a PDF is asked for

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()  # type: ignore[no-any-return]


def render_pdf(report: ReportData) -> bytes:
    return pdf_from_html(pdf_source(report))
