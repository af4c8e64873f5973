"""Every template renders with a minimal context, and the HTML escapes registry text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from compliance.formatting import date_long_vn
from compliance.reports import charts
from compliance.reports.context import Document, FindingCount, OverdueTask, ReportData
from compliance.reports.render import TEMPLATES, add_charts, environment, render_html
from compliance.rules.target_format import Target
from compliance.targets.figures import figure
from compliance.targets.scorecard import (
    GroupFigure,
    Scorecard,
    ScoreRow,
    Shortfall,
    TrendPoint,
)

ROOT = Path(__file__).parents[2]
DAY = dt.date(2026, 11, 24)


def _target(name: str) -> Target:
    text = (ROOT / "rules" / "targets" / name).read_text(encoding="utf-8")
    return Target.model_validate(yaml.safe_load(text))


def minimal_report() -> ReportData:
    target = _target("tay_ninh/collective_agreements.2025.yaml")
    fig = figure(target, 87, 111, 1)
    row = ScoreRow(
        target, "rules/targets/x.yaml", 2025, "missed", fig, "còn thiếu 8 doanh nghiệp",
        trend=[TrendPoint(2024, dt.date(2024, 12, 31), 76.0),
               TrendPoint(2025, dt.date(2025, 12, 31), 78.4)],
        groups=[GroupFigure("CDCT-80-001", "Công đoàn <Khu công nghiệp>", fig, "đã đạt")],
        shortfall=[Shortfall("8000000001", "Công ty <b>Tân Phú</b>", None, "—", 0, 1)],
        shortfall_total=24,
    )  # fmt: skip
    housing = ScoreRow(_target("dak_lak/housing.2025.yaml"), "h.yaml", None, "no_data",
                       reason="Sổ đăng ký chưa có bảng nhà “Mái ấm công đoàn”.")  # fmt: skip
    document = Document(
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH",
        "Liên đoàn Lao động tỉnh Tây Ninh", "Số:      /BC-LĐLĐ", "Tây Ninh", DAY, "BÁO CÁO",
        "Kết quả thực hiện chỉ tiêu", ["Tổng Liên đoàn Lao động Việt Nam", "Lưu: VP."],
        "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH",
    )  # fmt: skip
    return ReportData(
        DAY, "80", document, [Scorecard("80", "Tây Ninh", DAY, [row, housing])],
        [FindingCount("union.establishment", "Doanh nghiệp phải có công đoàn", "80", "Tây Ninh",
                      "vi phạm", 12)],
        "Lần rà soát #1", [OverdueTask(1, "review.quarterly", "CDCS-80-000001", "CĐCS Tân Phú",
                                       "2026-Q2", dt.date(2026, 9, 1), 84, "Công đoàn KCN",
                                       "mới", 0)], 1,
    )  # fmt: skip


def _programme_context(document: Document) -> dict:
    """The sơ kết report (reports/programme_report.py) with one late item."""
    from compliance.engine.programme_status import STATUS_VI
    from compliance.reports.programme_report import (
        GROUPS,
        ItemLine,
        ProgrammeReportData,
        Section,
    )

    line = ItemLine("1", "Nhiệm vụ <b>một</b>", "Quý III/2023", ["Ban A"], "late", ["Ban A"])
    data = ProgrammeReportData(DAY, document, "Chương trình", "Chương trình hành động",
                               [Section("II.2", {"late": [line]})])  # fmt: skip
    return {"report": data, "groups": GROUPS, "status_vi": STATUS_VI}


def test_every_template_renders_with_a_minimal_context():
    report = minimal_report()
    add_charts(report)
    env = environment()
    row = report.scorecards[0].rows[0]
    contexts = {
        "report.html.j2": {"report": report},
        "_header.html.j2": {"report": report},
        "_footer.html.j2": {"report": report},
        "_findings.html.j2": {"report": report},
        "_overdue.html.j2": {"report": report},
        "_findings_summary.html.j2": {"report": report},
        "_shortfall_counts.html.j2": {"report": report, "scorecard": report.scorecards[0]},
        "_scorecard.html.j2": {"report": report, "scorecard": report.scorecards[0]},
        "_style.css.j2": {},
        "programme_report.html.j2": _programme_context(report.document),
    }
    rendered = {name: env.get_template(name).render(**ctx) for name, ctx in contexts.items()}
    bars = charts.bars(env, report.scorecards[0])
    trend = charts.trend(env, row)
    assert bars is not None and trend is not None
    rendered["bars.svg.j2"], rendered["trend.svg.j2"] = str(bars), str(trend)
    assert set(rendered) == {p.name for p in TEMPLATES.iterdir() if p.suffix == ".j2"}
    assert all(text.strip() for name, text in rendered.items()), "a template rendered empty"
    assert "Độc lập - Tự do - Hạnh phúc" in rendered["_header.html.j2"]
    assert "Nơi nhận" in rendered["_footer.html.j2"]
    assert "78,4%" in rendered["trend.svg.j2"] and "<svg" in rendered["bars.svg.j2"]


def test_registry_text_is_escaped_and_the_date_is_written_the_administrative_way():
    html = render_html(minimal_report())
    assert "Công ty &lt;b&gt;Tân Phú&lt;/b&gt;" in html and "<b>Tân Phú" not in html
    assert "Tây Ninh, ngày 24 tháng 11 năm 2026" in html
    assert date_long_vn(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert "chưa có dữ liệu" in html
