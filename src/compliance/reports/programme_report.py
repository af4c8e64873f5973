"""The programme's interim or final review report (*báo cáo sơ kết / tổng kết*): HTML, PDF, XLSX.

In the administrative layout the compliance report uses (reports/templates/_header and
_footer): issued by the body that issued the programme, then, per section of the programme, the
items done on time, done late and outstanding, with their lead bodies (and, for the late and
outstanding ones, which bodies), followed by the items not yet due and the continuous ones.
Where each item stands comes from engine.programme_status, as on the programme page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection

from compliance.engine.programme_rules import ProgrammeRule, bodies_for
from compliance.engine.programme_status import (
    CONTINUOUS,
    DONE,
    LATE,
    MISSING,
    NOT_YET_DUE,
    STATUS_VI,
    Cell,
    item_status,
    programme_cells,
)
from compliance.registry.places import current_provinces
from compliance.reports.context import Document

Kind = Literal["so_ket", "tong_ket"]
GROUPS = (
    (DONE, "Nhiệm vụ đã hoàn thành đúng hạn"),
    (LATE, "Nhiệm vụ hoàn thành chậm so với thời gian đề ra"),
    (MISSING, "Nhiệm vụ đã đến hạn nhưng chưa hoàn thành"),
    (NOT_YET_DUE, "Nhiệm vụ chưa đến hạn"),
    (CONTINUOUS, "Nhiệm vụ thực hiện thường xuyên"),
)
SHEET_HEADERS = (
    "Mục", "Số nhiệm vụ", "Nội dung", "Cơ quan chủ trì", "Thời gian thực hiện", "Đánh giá",
    "Cơ quan chưa hoàn thành hoặc hoàn thành chậm",
)  # fmt: skip


@dataclass(frozen=True)
class ItemLine:
    id: str
    text: str
    time: str
    leads: list[str]
    status: str
    behind: list[str]  # bodies late or missing, with the occurrence ("Ban C (Năm 2023)")


@dataclass
class Section:
    name: str
    groups: dict[str, list[ItemLine]] = field(default_factory=dict)


@dataclass
class ProgrammeReportData:
    as_of: dt.date
    document: Document
    programme_title: str
    citation: str
    sections: list[Section]

    def count(self, status: str) -> int:
        return sum(len(s.groups.get(status, [])) for s in self.sections)


def _occurrence(cell: Cell) -> str:
    if cell.period is None:
        return f"hạn {cell.due:%d/%m/%Y}" if cell.due else ""
    if "-Q" in cell.period:
        year, quarter = cell.period.split("-Q")
        return f"quý {quarter}/{year}"
    return f"mốc {cell.due:%d/%m/%Y}" if len(cell.period) == 10 and cell.due else cell.period


def _line(rule: ProgrammeRule, cells: Sequence[Cell]) -> ItemLine:
    behind = [f"{c.body} ({_occurrence(c)}: {STATUS_VI[c.status]})" for c in cells
              if c.status in (LATE, MISSING)]  # fmt: skip
    item = rule.item.item
    return ItemLine(item.id, item.text, item.time, item.lead, item_status(cells), behind)


def _document(rule: ProgrammeRule, as_of: dt.date, kind: Kind, number: str | None) -> Document:
    issuer = rule.issuer or "Cơ quan ban hành chương trình"
    bodies = bodies_for(rule)
    body = bodies.resolve(issuer)
    # The issuer's province; an issuer the body registry lacks: where its lead bodies sit.
    provinces: list[str | None] = [body.province_code] if body else []
    for lead in rule.item.item.lead:
        found = bodies.resolve(lead) or bodies.resolve_class(lead)
        provinces.append(found.province_code if found else None)
    province = next((p for p in provinces if p), "")
    place = current_provinces().get(province, "")
    what = "Tổng kết" if kind == "tong_ket" else "Sơ kết"
    return Document(
        parent=None,
        issuer=issuer.upper(),
        issuer_name=issuer,
        number=f"Số: {number or '      '}/BC",
        place=place.removeprefix("Tỉnh ").removeprefix("Thành phố ") or "……",
        day=as_of,
        title="BÁO CÁO",
        subtitle=f"{what} việc thực hiện {rule.programme.programme.title} "
        f"(đến ngày {as_of:%d/%m/%Y})",
        recipients=["Các cơ quan chủ trì, phối hợp thực hiện chương trình", "Lưu: VT."],
        signer_role=f"TM. {issuer.upper()}",
        signer_title="",
    )


def build(
    conn: Connection,
    rules: Sequence[ProgrammeRule],
    as_of: dt.date,
    kind: Kind = "so_ket",
    number: str | None = None,
) -> ProgrammeReportData:
    """The report of one programme's items (``rules``) as of ``as_of``."""
    cells = programme_cells(conn, rules, as_of)
    sections: dict[str, Section] = {}
    for rule in rules:
        own = [c for c in cells if c.rule.id == rule.id]
        line = _line(rule, own)
        section = sections.setdefault(rule.item.item.section, Section(rule.item.item.section))
        section.groups.setdefault(line.status, []).append(line)
    first = rules[0]
    return ProgrammeReportData(
        as_of,
        _document(first, as_of, kind, number),
        first.programme.programme.title,
        first.citation.rsplit(", mục ", 1)[0],
        list(sections.values()),
    )


def render_html(report: ProgrammeReportData) -> str:
    from compliance.reports.render import environment

    template = environment().get_template("programme_report.html.j2")
    return template.render(report=report, groups=GROUPS, status_vi=STATUS_VI)


def render_pdf(report: ProgrammeReportData) -> bytes:
    from compliance.reports.render import pdf_from_html

    return pdf_from_html(render_html(report))


def render_xlsx(report: ProgrammeReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Sơ kết" if report.document.subtitle.startswith("Sơ kết") else "Tổng kết"
    sheet.append([report.document.subtitle])
    sheet.append([report.citation])
    sheet.append([])
    sheet.append(list(SHEET_HEADERS))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for section in report.sections:
        for status, _ in GROUPS:
            for line in section.groups.get(status, []):
                sheet.append([section.name, line.id, line.text, "; ".join(line.leads), line.time,
                              STATUS_VI[status], "; ".join(line.behind)])  # fmt: skip
    for column, width in zip("ABCDEFG", (10, 10, 70, 35, 25, 22, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(report: ProgrammeReportData, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    return render_html(report).encode("utf-8")
