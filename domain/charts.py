"""Check-in trend charts as inline SVG, drawn on the server.

No JavaScript and no CSS: only SVG presentation attributes, so the same markup works on
a page under a strict Content-Security-Policy and inside a WeasyPrint PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# Two partners: different colour, different dash and different marker, so the lines can
# be told apart without colour too. The second marker is a hollow square larger than the
# first's dot, and each line sits a little apart from the score's height: when both
# partners gave the same score, both stay visible rather than one hiding the other.
STYLES = [
    {"color": "#9c4221", "dash": "", "marker": "circle"},
    {"color": "#2f5d8a", "dash": "6 4", "marker": "square"},
]
# Text is drawn at least this large (in the chart's own units; the chart is drawn at its
# width or wider on a laptop, so at least 11 px on screen).
FONT = 12
SPREAD = 3.0  # px between two partners' lines at the same score


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int | None]  # one per week, None where there was no check-in


def line_chart(
    title: str,
    week_labels: list[str],
    series: list[Series],
    *,
    chart_id: str,
    low: int = 1,
    high: int = 10,
    width: int = 320,
    height: int = 180,
    ticks: tuple[int, ...] = (1, 4, 7, 10),
    line: tuple[float, str] | None = None,
) -> Markup:
    """A small line chart of 1–10 scores per week, with a text description for screen readers.
    Another range (``low``..``high``) brings its own ``ticks``; ``line`` (value, label) draws a
    labelled reference line across, such as a questionnaire's cut-off."""
    left, right, top, bottom = 40, 22, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(week_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - (v - low) * plot_h / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(_describe(week_labels, series, line))}</desc>',
    ]
    for v in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'stroke="#e6dcd1" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="{FONT}" text-anchor="end" '
            f'fill="#65574b">{v}</text>'
        )
    if line is not None and low <= line[0] <= high:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(line[0]):.1f}" y2="{y(line[0]):.1f}" '
            'stroke="#65574b" stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<text x="{width - right}" y="{y(line[0]) - 4:.1f}" font-size="{FONT}" '
            f'text-anchor="end" fill="#65574b">{escape(line[1])}</text>'
        )
    for i, label in enumerate(week_labels):
        if n <= 8 or i % 2 == (n - 1) % 2:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 15}" font-size="{FONT}" '
                f'text-anchor="middle" fill="#65574b">{escape(label)}</text>'
            )
    for s_index, s in enumerate(series):
        style = STYLES[s_index % len(STYLES)]
        dy = (s_index - (len(series) - 1) / 2) * SPREAD

        def sy(v: float, dy: float = dy) -> float:
            return y(v) + dy

        # Break the line where a week is missing rather than inventing a value.
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x(i):.1f},{sy(v):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
                parts.append(
                    f'<polyline points="{" ".join(r)}" fill="none" stroke="{style["color"]}" '
                    f'stroke-width="2"{dash}/>'
                )
        for i, v in enumerate(s.values):
            if v is None:
                continue
            if style["marker"] == "circle":
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{sy(v):.1f}" r="3.5" fill="{style["color"]}"/>'
                )
            else:
                parts.append(
                    f'<rect x="{x(i) - 5:.1f}" y="{sy(v) - 5:.1f}" width="10" height="10" '
                    f'fill="none" stroke="{style["color"]}" stroke-width="2"/>'
                )
    # Legend along the bottom.
    lx = left
    for s_index, s in enumerate(series):
        style = STYLES[s_index % len(STYLES)]
        ly = height - 6
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 3}" y2="{ly - 3}" '
            f'stroke="{style["color"]}" stroke-width="2"{dash}/>'
            f'<text x="{lx + 22}" y="{ly}" font-size="{FONT}" fill="#2b2118">'
            f"{escape(s.name)}</text>"
        )
        lx += 34 + 7 * len(s.name)
    parts.append("</svg>")
    # Every string from people (names, labels) went through escape() above.
    return Markup("".join(parts))  # noqa: S704


def _describe(week_labels: list[str], series: list[Series], line=None) -> str:
    lines = []
    for s in series:
        known = [
            f"{label}: {v}" for label, v in zip(week_labels, s.values, strict=True) if v is not None
        ]
        lines.append(f"{s.name}: " + (", ".join(known) if known else "no check-ins"))
    if line is not None:
        lines.append(f"{line[1]} at {line[0]:g}")
    return ". ".join(lines) + "."
