"""What a report shows (read by :mod:`compliance.reports.gather`); the renderers only lay it out.

Findings come from the **recorded findings of the latest compliance run** judged on or before
the report's day (and covering the province): a report states what the committee's runs saw
and what their follow-up tasks track, and reading it never re-evaluates. When no run has been
recorded yet the engine evaluates on the spot (read-only) and the report says so. The
scorecards likewise come from the sums that run stored for its day (``run_scorecards``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from compliance.formatting import date_long_vn
from compliance.models import Union
from compliance.models.followup import ComplianceRun
from compliance.registry.places import current_provinces
from compliance.rules.model import Family
from compliance.targets.scorecard import Scorecard

OVERDUE_LIMIT = 500  # rows the HTML lists; the XLSX holds every one
PDF_OVERDUE_LIMIT = 50  # the PDF summarises: the longest overdue, the rest in the XLSX
PDF_GROUP_LIMIT = 5  # the national PDF: the lowest direct-superior unions of each target
PDF_SHORTFALL_LIMIT = 10  # a province PDF: the worst units of each target (the XLSX: 50)


def _t(model: Any) -> Any:
    return model.__table__


@dataclass(frozen=True)
class Document:
    """The administrative frame: who issues it, its number, place and date, who receives it."""

    parent: str | None  # the issuer's superior, above the issuer's name
    issuer: str  # in capitals, as the header prints it
    issuer_name: str  # as a sentence names it
    number: str
    place: str
    day: dt.date
    title: str
    subtitle: str
    recipients: list[str]
    signer_role: str
    signer_title: str

    @property
    def place_and_date(self) -> str:
        return f"{self.place}, {date_long_vn(self.day)}"


@dataclass(frozen=True)
class FindingCount:
    rule: str
    title: str
    province: str
    province_name: str
    status: str
    count: int

    @property
    def data_quality(self) -> bool:
        return Family.of(self.rule) is Family.DATA_QUALITY


@dataclass(frozen=True)
class OverdueTask:
    id: int
    rule: str
    unit: str
    unit_name: str
    period: str
    due_on: dt.date
    days_overdue: int
    responsible: str
    status: str
    escalation_level: int


@dataclass(frozen=True)
class RuleTotal:
    """A rule's findings of one kind over every province (the national PDF's summary)."""

    rule: str
    title: str
    status: str
    provinces: int
    count: int


@dataclass(frozen=True)
class ProvinceTotal:
    province: str
    province_name: str
    rules: int  # rules with a breach or risk found in the province
    count: int  # breaches and risks
    data_quality: int  # registry rows to correct


@dataclass
class ReportData:
    as_of: dt.date
    province: str | None
    document: Document
    scorecards: list[Scorecard]
    findings: list[FindingCount]
    findings_source: str  # Vietnamese: which run (or a live evaluation) the findings come from
    overdue: list[OverdueTask]
    overdue_total: int
    charts: dict[str, Any] = field(default_factory=dict)  # filled by the renderers

    @property
    def excluded(self) -> int:
        return sum(s.excluded for s in self.scorecards)

    @property
    def overdue_listed(self) -> list[OverdueTask]:
        """The longest overdue, for the documents; the workbook lists :attr:`overdue` whole."""
        return self.overdue[:OVERDUE_LIMIT]

    @property
    def compliance_findings(self) -> list[FindingCount]:
        return [f for f in self.findings if not f.data_quality]

    def findings_by_rule(self, data_quality: bool) -> list[RuleTotal]:
        """Findings per rule and kind, summed over the provinces."""
        totals: dict[tuple[str, str, str], tuple[set[str], int]] = {}
        for f in self.findings:
            if f.data_quality is data_quality:
                provinces, count = totals.get((f.rule, f.title, f.status), (set(), 0))
                totals[(f.rule, f.title, f.status)] = (provinces | {f.province}, count + f.count)
        return [
            RuleTotal(rule, title, status, len(provinces), count)
            for (rule, title, status), (provinces, count) in sorted(totals.items())
        ]

    def findings_by_province(self) -> list[ProvinceTotal]:
        """Breaches, risks and data errors per province, the most first."""
        rows: dict[tuple[str, str], list[Any]] = {}
        for f in self.findings:
            row = rows.setdefault((f.province, f.province_name), [set(), 0, 0])
            if f.data_quality:
                row[2] += f.count
            else:
                row[0].add(f.rule)
                row[1] += f.count
        totals = [ProvinceTotal(code, name, len(rules), count, errors)
                  for (code, name), (rules, count, errors) in rows.items()]  # fmt: skip
        return sorted(totals, key=lambda t: (-t.count, t.province_name))

    @property
    def data_quality_findings(self) -> list[FindingCount]:
        """Implausible registry rows to correct: reported apart, never counted as breaches."""
        return [f for f in self.findings if f.data_quality]


def document(
    conn: Connection, as_of: dt.date, province: str | None, number: str | None
) -> Document:
    names = current_provinces()
    if province is None:
        parent, name, place, scope = None, "Tổng Liên đoàn Lao động Việt Nam", "Hà Nội", "cả nước"
        recipients = ["Đoàn Chủ tịch Tổng Liên đoàn (để báo cáo)",
                      "Ủy ban Kiểm tra Tổng Liên đoàn", "Liên đoàn Lao động các tỉnh, thành phố",
                      "Lưu: VT, UBKT."]  # fmt: skip
        kind = "TLĐ"
    else:
        u = _t(Union)
        found = conn.execute(
            select(u.c.name).where(
                u.c.kind == "provincial_federation", u.c.province_code == province
            )
        ).scalar()
        place = names[province].removeprefix("Thành phố ")
        city = place != names[province]
        name = found or f"Liên đoàn Lao động {'thành phố' if city else 'tỉnh'} {place}"
        parent, scope = (
            "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
            f"{'thành phố' if city else 'tỉnh'} {place}",
        )
        recipients = ["Tổng Liên đoàn Lao động Việt Nam (để báo cáo)", "Thường trực Tỉnh ủy",
                      "Ủy ban Kiểm tra Liên đoàn Lao động tỉnh",
                      "Các công đoàn cấp trên trực tiếp cơ sở", "Lưu: VP, UBKT."]  # fmt: skip
        kind = "LĐLĐ"
    return Document(
        parent=parent,
        issuer=name.upper(),
        issuer_name=name,
        number=f"Số: {number or '      '}/BC-{kind}",
        place=place,
        day=as_of,
        title="BÁO CÁO",
        subtitle=(
            f"Kết quả thực hiện chỉ tiêu và tình hình tuân thủ của tổ chức công đoàn "
            f"{scope} đến ngày {as_of:%d/%m/%Y}"
        ),  # fmt: skip
        recipients=recipients,
        signer_role="TM. BAN THƯỜNG VỤ" if province else "TM. ĐOÀN CHỦ TỊCH",
        signer_title="CHỦ TỊCH",
    )


def latest_run(conn: Connection, as_of: dt.date, province: str | None) -> Any:
    """The newest compliance run judged on or before ``as_of`` that covers ``province``."""
    r = _t(ComplianceRun)
    rows = conn.execute(
        select(r.c.id, r.c.as_of, r.c.scope)
        .where(r.c.kind == "compliance", r.c.as_of <= as_of)
        .order_by(r.c.as_of.desc(), r.c.id.desc())
        .limit(50)
    ).all()
    for row in rows:
        scope = row.scope or {}
        if scope.get("rules") or scope.get("units"):
            continue  # a partial run does not speak for the whole catalogue
        if scope.get("province") in (None, province):
            return row
    return None
