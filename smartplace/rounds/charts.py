"""
Small server-rendered SVG charts for round pages: an item's distribution as bars, and trends
across rounds as a line chart. Each has `role="img"` and a text alternative, every value is
written as text beside its mark (so no chart relies on colour), and pages show the same
figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from smartplace.rounds.wheel import INK, MUTED, level_colours, text_colour

BAR_WIDTH = 260
BAR_ROW = 18


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def short_label(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with "…" where cut (a
    single word longer than the limit is cut inside it). Charts label marks with this; the
    text alternative and the page's table give the full names."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if text[limit - 1] != " " and " " in cut.strip():
        cut = cut[:cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def distribution_svg(counts: Sequence[int], names: Sequence[str], *, label: str) -> str:
    """
    Horizontal bars, one per level (lowest first), each labelled with its level name and
    count. `label` names the item in the text alternative.
    """
    most = max(counts) if counts and max(counts) else 1
    colours = level_colours(len(names))
    name_width = 110
    height = BAR_ROW * len(names) + 4
    alt = f"{label}: " + ", ".join(f"{name} {count}" for name, count in
                                   zip(names, counts, strict=True))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BAR_WIDTH} {height}" '
           f'width="{BAR_WIDTH}" height="{height}" role="img" aria-label="{escape(alt)}" '
           'class="sp-bars" font-family="Arial, sans-serif">']
    for index, (name, count) in enumerate(zip(names, counts, strict=True)):
        y = 2 + index * BAR_ROW
        length = (BAR_WIDTH - name_width - 40) * count / most
        out.append(f'<text x="{name_width - 4}" y="{y + 12}" text-anchor="end" font-size="11" '
                   f'fill="{INK}">{escape(short_label(name, 18))}</text>')
        out.append(f'<rect x="{name_width}" y="{y + 2}" width="{_f(max(length, 0))}" '
                   f'height="{BAR_ROW - 5}" fill="{colours[index]}" stroke="{INK}" '
                   'stroke-width="0.5"/>')
        out.append(f'<text x="{_f(name_width + length + 4)}" y="{y + 12}" font-size="11" '
                   f'fill="{INK}">{count}</text>')
    out.append("</svg>")
    return "".join(out)


def trend_svg(*, series: Sequence[tuple[str, Sequence[int | None]]], rounds: Sequence[str],
              names: Sequence[str], title: str, id_prefix: str = "trend") -> str:
    """
    A line chart of medians (levels 1..N) across rounds, one line per series, each point
    labelled with its level and each line with its name at its last point. Points that were
    not published are left out and the line breaks there.
    """
    width, height = 640, 60 + 44 * len(names)
    left, right, top, bottom = 120, 150, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(1, len(rounds))
    levels = len(names)

    def x_at(index: int) -> float:
        return left + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    def y_at(level: int) -> float:
        return top + plot_h * (1 - (level - 1) / max(1, levels - 1))

    sentences = []
    for name, values in series:
        described = ", ".join(
            f"{round_name}: {names[v - 1] if v else 'not published'}"
            for round_name, v in zip(rounds, values, strict=True))
        sentences.append(f"{name}: {described}.")
    pid = escape(id_prefix)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="100%" role="img" aria-labelledby="{pid}-title {pid}-desc" '
           'class="sp-trend" font-family="Arial, sans-serif">',
           f'<title id="{pid}-title">{escape(title)}</title>',
           f'<desc id="{pid}-desc">{escape(" ".join(sentences))}</desc>']
    for level, name in enumerate(names, start=1):
        y = y_at(level)
        out.append(f'<line x1="{left}" y1="{_f(y)}" x2="{width - right}" y2="{_f(y)}" '
                   f'stroke="{MUTED}" stroke-width="0.5" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{left - 8}" y="{_f(y + 4)}" text-anchor="end" font-size="12" '
                   f'fill="{INK}">{level} {escape(short_label(name, 14))}</text>')
    for index, round_name in enumerate(rounds):
        out.append(f'<text x="{_f(x_at(index))}" y="{height - 14}" text-anchor="middle" '
                   f'font-size="12" fill="{INK}">{escape(short_label(round_name, 22))}</text>')
    dashes = ("", "6 3", "2 2", "8 3 2 3")
    colours = level_colours(max(2, len(series) + 2))[2:] or [INK]
    for number, (name, values) in enumerate(series):
        stroke = colours[number % len(colours)]
        points = [(x_at(i), y_at(v), v) for i, v in enumerate(values) if v]
        segments: list[list[tuple[float, float, int]]] = [[]]
        for i, v in enumerate(values):
            if v:
                segments[-1].append((x_at(i), y_at(v), v))
            elif segments[-1]:
                segments.append([])
        dash = dashes[number % len(dashes)]
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{_f(x)},{_f(y)}" for x, y, _v in segment)
                out.append(f'<polyline points="{path}" fill="none" stroke="{stroke}" '
                           f'stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "")
                           + "/>")
        for x, y, v in points:
            out.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="9" fill="{stroke}" '
                       f'stroke="{INK}"/><text x="{_f(x)}" y="{_f(y + 4)}" text-anchor="middle" '
                       f'font-size="11" font-weight="bold" fill="{text_colour(stroke)}">{v}</text>')
        if points:
            x, y, _v = points[-1]
            out.append(f'<text x="{_f(x + 14)}" y="{_f(y + 4)}" font-size="12" fill="{INK}">'
                       f'{escape(short_label(name, 20))}</text>')
    out.append("</svg>")
    return "".join(out)
