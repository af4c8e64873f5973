"""The scorecard as Prefect artifacts: what each compliance run publishes beside its summary.

Called from a flow (or a task inside one); the artifact functions need Prefect's run context
and an API, which the compliance flow has. Kept here, not in ``flows/``, so the markdown and
the table are built and tested without Prefect (:func:`scorecard_markdown`,
:func:`scorecard_table`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from compliance.reports.render import threshold_text, value_text
from compliance.targets.scorecard import Scorecard

MARKDOWN_KEY = "compliance-scorecard"
TABLE_KEY = "compliance-scorecard-table"


def scorecard_markdown(scorecards: Sequence[Scorecard]) -> str:
    lines: list[str] = []
    for card in scorecards:
        lines += [
            f"# Kết quả thực hiện chỉ tiêu — {card.province_name} (ngày {card.as_of:%d/%m/%Y})",
            "",
            "| Chỉ tiêu | Năm xét | Chỉ tiêu đặt ra | Thực hiện | Đánh giá | Còn thiếu / cần làm |",
            "|---|---|---|---|---|---|",
        ]
        for row in card.rows:
            actual = value_text(row.figure.value, row.target.unit) if row.figure else "—"
            todo = row.reason if row.status == "no_data" else row.gap_text
            title = row.target.title.replace("|", "/")
            lines.append(
                f"| {title} | {row.year or '—'} | {threshold_text(row.target)} | {actual} | "
                f"{row.status_vi} | {(todo or '').replace('|', '/')} |"
            )
        if card.excluded:
            lines += ["", f"{card.excluded:,} đơn vị miễn trừ đã được loại khỏi các chỉ tiêu."]
        lines.append("")
    return "\n".join(lines)


def scorecard_table(scorecards: Sequence[Scorecard]) -> list[dict[str, Any]]:
    return [
        {
            "tinh": card.province_name,
            "chi_tieu": row.target.id,
            "nam_xet": row.year,
            "muc": threshold_text(row.target),
            "thuc_hien": value_text(row.figure.value, row.target.unit) if row.figure else None,
            "danh_gia": row.status_vi,
            "con_thieu": row.figure.gap if row.figure else None,
            "mien_tru": row.figure.excluded if row.figure else None,
        }
        for card in scorecards
        for row in card.rows
    ]


def publish_scorecard(
    engine: Engine, as_of: dt.date, province: str | None = None, run_id: int | None = None
) -> list[Scorecard]:
    """Measure the scorecard(s) and publish them as a markdown and a table artifact.

    ``province`` None: every province that has targets. With ``run_id`` (the run's step) the
    sums are stored for that run too, so its reports read them instead of measuring again —
    every target is measured then, in one set-based pass. Returns what was published.
    """
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from compliance.reports.files import check_province
    from compliance.targets import batch, run_store
    from compliance.targets.load import load_targets
    from compliance.targets.scorecard import target_provinces

    targets = load_targets()
    code = check_province(province)
    provinces = [code] if code else target_provinces(targets)
    if run_id is None:
        with engine.connect() as conn:
            cards = batch.compute_scorecards(conn, as_of, provinces, targets)
    else:
        with engine.begin() as conn:
            chosen = [t for t in targets if t.target.province.code in provinces]
            measured = run_store.measure_and_store(conn, run_id, as_of, chosen)
            cards = batch.scorecards(conn, as_of, targets, provinces, measured)
    create_markdown_artifact(
        markdown=scorecard_markdown(cards), key=MARKDOWN_KEY,
        description=f"Kết quả thực hiện chỉ tiêu đến ngày {as_of:%d/%m/%Y}",
    )  # fmt: skip
    create_table_artifact(table=scorecard_table(cards), key=TABLE_KEY)
    return cards
