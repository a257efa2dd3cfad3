"""
The Strategy-by-Execution chart of the Huawei UK Smart Cities Index instrument.

Each place is a point: its Strategy section score across (0–100%), its Execution section score
up. The chart is an SVG with a title and a description (`role="img"`, `aria-labelledby`), each
point carries its own `<title>`, and `strategy_execution_chart_table` gives the same figures as
rows for the data table that must accompany the picture. Pure string building: no JavaScript,
nothing to load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartplace.methods.scoring import OrganisationScore

STRATEGY, EXECUTION = "strategy", "execution"
WIDTH = HEIGHT = 400
MARGIN = 56
PLOT = WIDTH - 2 * MARGIN


@dataclass(frozen=True)
class ChartPoint:
    """One place on the chart: its name and published Strategy and Execution percentages."""

    label: str
    strategy: Decimal
    execution: Decimal
    href: str = ""

    def __post_init__(self) -> None:
        for name in ("strategy", "execution"):
            value = getattr(self, name)
            if isinstance(value, float | bool) or not isinstance(value, int | Decimal | str):
                raise TypeError(f"{name} must be an int, Decimal or decimal text, not "
                                f"{value!r}")
            object.__setattr__(self, name, Decimal(value))


def chart_points(*, scores: Mapping[str, OrganisationScore]) -> list[ChartPoint]:
    """
    Points from scores of the Huawei instrument (name → score), using each section's published
    percentage; a place without both section figures is left out.
    """
    points = []
    for label, score in scores.items():
        values = {s.code: s.published_percent for s in score.sections}
        if values.get(STRATEGY) is not None and values.get(EXECUTION) is not None:
            points.append(ChartPoint(label=label, strategy=values[STRATEGY],
                                     execution=values[EXECUTION]))
    return points


def _x(percent: Decimal) -> float:
    return MARGIN + float(min(max(percent, 0), 100)) / 100 * PLOT


def _y(percent: Decimal) -> float:
    return HEIGHT - MARGIN - float(min(max(percent, 0), 100)) / 100 * PLOT


def _number(value: Decimal) -> str:
    return format(value.normalize() if value == value.to_integral() else value, "f")


def strategy_execution_chart_svg(*, points: Iterable[ChartPoint], chart_id: str = "se-chart"
                                 ) -> str:
    """
    An accessible SVG scatter chart of `points`: Strategy across, Execution up, both 0–100%,
    with dashed lines at 50% dividing four quarters. Labels are escaped. `chart_id` prefixes
    the ids of the title and description so that two charts can share a page.
    """
    points = list(points)
    title = _("Strategy by Execution")
    if points:
        description = ngettext(
            "Scatter chart of %(count)s place: Strategy score across, Execution score up, "
            "each from 0 to 100%%. ",
            "Scatter chart of %(count)s places: Strategy score across, Execution score up, "
            "each from 0 to 100%%. ", len(points)) % {"count": len(points)} + "; ".join(
            _("%(label)s: Strategy %(strategy)s%%, Execution %(execution)s%%") % {
                "label": p.label, "strategy": _number(p.strategy),
                "execution": _number(p.execution)} for p in points)
    else:
        description = _("No places have both a Strategy and an Execution score yet.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="sp-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{PLOT}" height="{PLOT}" fill="#ffffff" '
        f'stroke="#0b0c0c"/>',
        f'<line x1="{_x(Decimal(50))}" y1="{MARGIN}" x2="{_x(Decimal(50))}" '
        f'y2="{HEIGHT - MARGIN}" stroke="#505a5f" stroke-dasharray="4 4"/>',
        f'<line x1="{MARGIN}" y1="{_y(Decimal(50))}" x2="{WIDTH - MARGIN}" '
        f'y2="{_y(Decimal(50))}" stroke="#505a5f" stroke-dasharray="4 4"/>',
    ]
    for tick in (0, 50, 100):
        parts.append(f'<text x="{_x(Decimal(tick))}" y="{HEIGHT - MARGIN + 18}" '
                     f'text-anchor="middle" font-size="12">{tick}%</text>')
        parts.append(f'<text x="{MARGIN - 8}" y="{_y(Decimal(tick)) + 4}" text-anchor="end" '
                     f'font-size="12">{tick}%</text>')
    parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle" '
                 f'font-size="14">{escape(_("Strategy"))}</text>')
    parts.append(f'<text x="16" y="{HEIGHT / 2}" text-anchor="middle" font-size="14" '
                 f'transform="rotate(-90 16 {HEIGHT / 2})">{escape(_("Execution"))}</text>')
    for point in points:
        label = _("%(label)s: Strategy %(strategy)s%%, Execution %(execution)s%%") % {
            "label": point.label, "strategy": _number(point.strategy),
            "execution": _number(point.execution)}
        circle = (f'<circle cx="{_x(point.strategy):.1f}" cy="{_y(point.execution):.1f}" r="6" '
                  f'fill="#1d70b8" stroke="#0b0c0c"><title>{escape(label)}</title></circle>')
        if point.href:
            circle = f'<a href="{escape(point.href)}">{circle}</a>'
        parts.append(circle)
    parts.append("</svg>")
    return "\n".join(parts)


def strategy_execution_chart_table(*, points: Iterable[ChartPoint]) -> list[dict]:
    """The chart's figures as table rows (place, strategy, execution), in the points' order."""
    return [{"label": p.label, "href": p.href, "strategy": p.strategy,
             "execution": p.execution} for p in points]
