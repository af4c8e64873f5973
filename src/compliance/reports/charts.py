"""SVG charts: the scorecard's shares against their thresholds, and each target's trend.

Drawn from Jinja2 templates (autoescaped) rather than a plotting library: the figures are a
few bars and lines, the SVG goes inline into the HTML, and WeasyPrint renders the same markup
into the PDF — with the report's fonts, so Vietnamese labels keep their diacritics.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from jinja2 import Environment
from markupsafe import Markup

from compliance.formatting import number_vn
from compliance.targets.scorecard import Scorecard, ScoreRow

BAR_WIDTH = 760
LABEL_WIDTH = 300
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    y: float
    label: str
    width: float  # of the actual value
    mark: float  # x of the threshold
    met: bool
    text: str


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bars(env: Environment, scorecard: Scorecard) -> Markup | None:
    """Horizontal bars of every measured percentage with its threshold; None if there is none."""
    span = BAR_WIDTH - LABEL_WIDTH - 70
    items = []
    for i, row in enumerate(scorecard.rows, start=1):
        fig = row.figure
        if row.target.unit != "percent" or fig is None or fig.value is None:
            continue
        items.append(
            Bar(
                y=20 + len(items) * ROW_HEIGHT,
                label=f"{i}. {_short(row.target.title)}",
                width=span * fig.value / 100.0,
                mark=LABEL_WIDTH + span * row.target.threshold / 100.0,
                met=bool(fig.met),
                text=f"{number_vn(fig.value, 1)}%",
            )
        )
    if not items:
        return None
    height = 40 + len(items) * ROW_HEIGHT
    template = env.get_template("bars.svg.j2")
    return Markup(
        template.render(
            bars=items,
            width=BAR_WIDTH,
            height=height,
            left=LABEL_WIDTH,
            span=span,
            title=f"Tỷ lệ đạt so với chỉ tiêu — {scorecard.province_name}",
        )  # fmt: skip
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    anchor: str = "middle"  # text-anchor of the label
    label_y: float | None = None  # the label's baseline (None: no room), by _place_labels


def _place_labels(points: list[Point], top: float, bottom: float) -> list[Point]:
    """Each label at the first of above, below, further above, further below its point where
    it touches no label placed before it, under the title and above the year ticks; a label
    with no such place is left out (its value is in the table). The latest value and the
    projection are placed first: close years never print over each other (the PDF overlap test
    holds it)."""
    placed: list[tuple[float, float, float, float]] = []
    chosen: dict[int, float | None] = {}
    order = sorted(range(len(points)), key=lambda i: (i < len(points) - 2, -i))
    for i in order:
        p = points[i]
        width = 5.4 * len(p.label) + 2
        x0 = {"start": p.x, "end": p.x - width}.get(p.anchor, p.x - width / 2)
        chosen[i] = None
        for baseline in (p.y - 6, p.y + 13, p.y - 17, p.y + 24):
            box = (x0, baseline - 9, x0 + width, baseline + 2)
            inside = box[1] >= top - 10 and box[3] <= bottom - 1
            if inside and all(
                box[0] >= b[2] or box[2] <= b[0] or box[1] >= b[3] or box[3] <= b[1] for b in placed
            ):
                chosen[i] = baseline
                placed.append(box)
                break
    return [replace(p, label_y=chosen[i]) for i, p in enumerate(points)]


def _spaced(ticks: list[tuple[float, str]], gap: float = 26) -> list[tuple[float, str]]:
    """Year ticks that do not touch: the last (the target's year) always, then leftwards."""
    kept: list[tuple[float, str]] = []
    for x, label in reversed(ticks):
        if not kept or kept[-1][0] - x >= gap:
            kept.append((x, label))
    return kept[::-1]


def trend(env: Environment, row: ScoreRow, width: int = 300, height: int = 160) -> Markup | None:
    """The target's values over the registry's years, its threshold and the projection."""
    values = [(p.year, p.value) for p in row.trend if p.value is not None]
    if not values:
        return None
    target = row.target
    years = [y for y, _ in values]
    last = max(years[-1], target.year) if row.projection is not None else years[-1]
    first = years[0]
    left, right, top, bottom = 52, 14, 26, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    if target.unit == "percent":
        top_value = 100.0
    else:
        top_value = max([v for _, v in values] + [target.threshold, row.projection or 0.0]) * 1.1
        top_value = top_value or 1.0

    def x_of(year: float) -> float:
        return left + (plot_w * (year - first) / (last - first) if last > first else plot_w / 2)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - min(value, top_value) / top_value)

    digits = 1 if target.unit == "percent" else 0
    suffix = "%" if target.unit == "percent" else ""
    points = [
        Point(x_of(y), y_of(v), f"{number_vn(v, digits)}{suffix}",
              "start" if i == 0 and len(values) > 1 else "middle")
        for i, (y, v) in enumerate(values)
    ]  # fmt: skip
    if row.projection is not None:
        label = f"dự báo {number_vn(row.projection, digits)}{suffix}"
        points.append(Point(x_of(target.year), y_of(row.projection), label, "end"))
    points = _place_labels(points, top, top + plot_h)
    projection = points.pop() if row.projection is not None else None
    ticks = sorted({*years, last})
    template = env.get_template("trend.svg.j2")
    return Markup(
        template.render(
            width=width,
            height=height,
            left=left,
            right=width - right,
            top=top,
            bottom=top + plot_h,
            points=points,
            projection=projection,
            threshold_y=y_of(target.threshold),
            threshold=f"{number_vn(target.threshold, 0)}{suffix}",
            ticks=_spaced([(x_of(t), str(t)) for t in ticks]),
            # the threshold is labelled on the axis, where no point's label can sit; the top
            # value gives way when the two would touch
            top_label=f"{number_vn(top_value, 0)}{suffix}"
            if y_of(target.threshold) - top > 12
            else "",
            zero_label="0" if top + plot_h - y_of(target.threshold) > 12 else "",
            title=_short(target.title, 50),
        )  # fmt: skip
    )
