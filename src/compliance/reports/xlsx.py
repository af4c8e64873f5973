"""The report as a workbook: one sheet per table, Vietnamese headers, numbers as numbers.

Sheets: the document's frame, the scorecard, the figures per direct-superior union, the
trend, the units that fall short (every one, not only those the PDF lists), findings by rule
and province, overdue tasks. Values stay numeric (percentages as fractions with a % format)
so committees can sort and sum them in a spreadsheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from compliance.formatting import COMPARISON_VI, UNIT_VI
from compliance.reports.context import ReportData
from compliance.reports.render import cite
from compliance.targets.scorecard import ScoreRow

SHEETS: dict[str, tuple[str, ...]] = {
    "Thông tin": ("Mục", "Nội dung"),
    "Chỉ tiêu": (
        "Tỉnh", "Mã chỉ tiêu", "Chỉ tiêu", "Cơ quan đặt chỉ tiêu", "Văn bản", "Mục",
        "Năm hạn", "Năm xét", "So sánh", "Mức chỉ tiêu", "Đơn vị tính", "Thực hiện",
        "Tử số", "Mẫu số", "Đánh giá", "Còn thiếu (số)", "Còn thiếu / cần làm",
        "Dự báo đến hạn", "Đơn vị miễn trừ (đã loại)", "Ghi chú",
    ),
    "Theo cấp trên": (
        "Tỉnh", "Mã chỉ tiêu", "Mã công đoàn cấp trên", "Công đoàn cấp trên trực tiếp cơ sở",
        "Thực hiện", "Đơn vị tính", "Tử số", "Mẫu số", "Đánh giá", "Còn thiếu / cần làm",
        "Miễn trừ",
    ),
    "Xu hướng": ("Tỉnh", "Mã chỉ tiêu", "Năm", "Ngày tính", "Giá trị", "Đơn vị tính"),
    "Đơn vị chưa đạt": (
        "Tỉnh", "Mã chỉ tiêu", "Mã đơn vị", "Tên đơn vị", "Mã công đoàn cấp trên",
        "Công đoàn cấp trên trực tiếp cơ sở", "Tử số", "Mẫu số",
    ),
    "Phát hiện": ("Quy tắc", "Nội dung", "Mã tỉnh", "Tỉnh", "Loại", "Số phát hiện"),
    "Lỗi dữ liệu": ("Quy tắc", "Nội dung", "Mã tỉnh", "Tỉnh", "Số đơn vị"),
    "Việc quá hạn": (
        "Số", "Quy tắc", "Mã đơn vị", "Tên đơn vị", "Kỳ", "Hạn xử lý", "Số ngày quá hạn",
        "Cơ quan chịu trách nhiệm", "Trạng thái", "Cấp chuyển lên",
    ),
}  # fmt: skip
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


def _share(value: float | None, unit: str) -> float | None:
    """Percentages as fractions, so Excel's % format shows 85,0% rather than 8500%."""
    if value is None:
        return None
    return value / 100.0 if unit == "percent" else value


def _scorecard_row(province: str, row: ScoreRow) -> list[Any]:
    t, fig = row.target, row.figure
    unit = t.unit
    return [
        province, t.id, t.title, t.issuer, cite(t.source, with_section=False),
        t.source.section, t.year, row.year,
        COMPARISON_VI[t.comparison], _share(t.threshold, unit), UNIT_VI[unit],
        _share(fig.value, unit) if fig else None, fig.num if fig else None,
        fig.den if fig and unit == "percent" else None, row.status_vi, fig.gap if fig else None,
        row.reason if row.status == "no_data" else row.gap_text,
        _share(row.projection, unit), fig.excluded if fig else None, t.note or "",
    ]  # fmt: skip


def _tables(report: ReportData) -> dict[str, Iterable[Sequence[Any]]]:
    d = report.document
    info = [
        ("Cơ quan ban hành", d.issuer_name), ("Số", d.number), ("Địa danh, ngày", d.place_and_date),
        ("Tên báo cáo", f"{d.title} {d.subtitle}"), ("Ngày xét", report.as_of),
        ("Nguồn phát hiện", report.findings_source),
        ("Đơn vị miễn trừ đã loại khỏi chỉ tiêu", report.excluded),
        ("Nơi nhận", "; ".join(d.recipients)),
    ]  # fmt: skip
    cards = [(c.province_name, row) for c in report.scorecards for row in c.rows]
    return {
        "Thông tin": info,
        "Chỉ tiêu": [_scorecard_row(p, row) for p, row in cards],
        "Theo cấp trên": [
            [
                p,
                row.target.id,
                g.code,
                g.name,
                _share(g.figure.value, row.target.unit),
                UNIT_VI[row.target.unit],
                g.figure.num,
                g.figure.den,
                "đạt" if g.figure.met else "chưa đạt",
                g.gap_text,
                g.figure.excluded,
            ]  # fmt: skip
            for p, row in cards
            for g in row.groups
        ],
        "Xu hướng": [
            [
                p,
                row.target.id,
                point.year,
                point.day,
                _share(point.value, row.target.unit),
                UNIT_VI[row.target.unit],
            ]  # fmt: skip
            for p, row in cards
            for point in row.trend
        ],
        "Đơn vị chưa đạt": [
            [p, row.target.id, s.unit, s.name, s.group_code, s.group_name, s.num, s.den]
            for p, row in cards
            for s in row.shortfall
        ],
        "Phát hiện": [
            [f.rule, f.title, f.province, f.province_name, f.status, f.count]
            for f in report.compliance_findings
        ],
        "Lỗi dữ liệu": [
            [f.rule, f.title, f.province, f.province_name, f.count]
            for f in report.data_quality_findings
        ],
        "Việc quá hạn": [
            [
                t.id,
                t.rule,
                t.unit,
                t.unit_name,
                t.period,
                t.due_on,
                t.days_overdue,
                t.responsible,
                t.status,
                t.escalation_level,
            ]  # fmt: skip
            for t in report.overdue
        ],
    }


def _formats(sheet: Worksheet, headers: Sequence[str]) -> None:
    percent = {"Mức chỉ tiêu", "Thực hiện", "Giá trị", "Dự báo đến hạn"}
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        width = max(len(header) + 2, 12)
        if header in ("Chỉ tiêu", "Nội dung", "Tên đơn vị", "Còn thiếu / cần làm", "Ghi chú"):
            width = 48
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            if header in percent and sheet.title != "Thông tin":
                cell.number_format = "0.0%" if _is_share(sheet, cell.row) else "#,##0"
            elif header.startswith(("Ngày", "Hạn")):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, int | float):
                cell.number_format = "#,##0"


def _is_share(sheet: Worksheet, row: int) -> bool:
    """A row's unit column says whether its figures are shares or counts."""
    for cell in sheet[1]:
        if cell.value == "Đơn vị tính":
            return sheet.cell(row=row, column=cell.column).value == "%"
    return False


def workbook_bytes(report: ReportData) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in _tables(report).items():
        sheet = book.create_sheet(name)
        headers = SHEETS[name]
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        if sheet.max_row > 1:  # every table filterable, every row in it
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{sheet.max_row}"
        _formats(sheet, headers)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
