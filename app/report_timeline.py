"""The report's timeline: errors and warnings over the time window, one row per finding or unmatched template.

An inline SVG (no script, no external resource), so report.html stays one self-contained file that also prints.
Each finding's matches are ticks at their times (a sample of at most a few hundred); an unmatched template, whose
single times are not kept, is a bar from its first to its last occurrence. Colours follow the severity.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acronis_triage.app.escalation import escape

WIDTH, LABEL_W, ROW_H, TOP, BOTTOM = 940, 300, 20, 26, 26
MAX_ROWS = 24
COLOURS = {"critical": "#9b1c1c", "error": "#c81e1e", "warning": "#c27803", "info": "#1c64f2"}


def _time(value: Any) -> float | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.timestamp()


def timeline_svg(findings: dict[str, Any]) -> str:
    """The chart, or "" when nothing in the analysis has a time."""
    rows: list[tuple[str, str, list[float], float | None, float | None, int]] = []
    for f in findings.get("findings") or []:
        if not isinstance(f, dict):
            continue
        times = [float(t) for t in f.get("times") or [] if isinstance(t, (int, float))]
        first, last = _time(f.get("first_seen")), _time(f.get("last_seen"))
        if times or first is not None:
            rows.append((str(f.get("title") or f.get("signature")), str(f.get("severity", "")), times, first, last,
                         int(f.get("count") or 0)))
    for u in findings.get("unmatched") or []:
        if not isinstance(u, dict):
            continue
        first, last = _time(u.get("first_seen")), _time(u.get("last_seen"))
        if first is not None:
            rows.append(("unmatched: " + str(u.get("template", "")), str(u.get("level", "")), [], first, last,
                         int(u.get("count") or 0)))
    rows = rows[:MAX_ROWS]
    stamps = [t for _, _, times, first, last, _ in rows for t in (*times, first, last) if t is not None]
    if not stamps:
        return ""
    lo, hi = min(stamps), max(stamps)
    if hi - lo < 60:
        lo, hi = lo - 30, hi + 30
    track = WIDTH - LABEL_W - 16

    def x(t: float) -> float:
        return LABEL_W + (t - lo) / (hi - lo) * track

    height = TOP + len(rows) * ROW_H + BOTTOM
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height}' width='100%' role='img' "
             f"aria-label='Errors and warnings over time'>"
             "<style>text{font:11px system-ui,sans-serif;fill:#3e4c59}.ax{stroke:#cbd2d9}</style>"]
    for i in range(5):  # time axis: five ticks with dates
        t = lo + (hi - lo) * i / 4
        label = datetime.fromtimestamp(t, tz=UTC).strftime("%b %d %H:%M" if hi - lo < 300 * 86400 else "%Y-%m-%d")
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(f"<line class='ax' x1='{x(t):.1f}' y1='{TOP - 6}' x2='{x(t):.1f}' y2='{height - BOTTOM + 4}'/>"
                     f"<text x='{x(t):.1f}' y='{height - 8}' text-anchor='{anchor}'>{label}</text>")
    for n, (title, level, times, first, last, count) in enumerate(rows):
        y = TOP + n * ROW_H
        colour = COLOURS.get(level, "#7b8794")
        short = title if len(title) <= 46 else title[:45] + "…"
        parts.append(f"<text x='4' y='{y + 13}'><title>{escape(title)} ({count}x)</title>{escape(short)}</text>")
        if times:
            for t in times:
                parts.append(f"<rect x='{x(t) - 1:.1f}' y='{y + 3}' width='2.5' height='{ROW_H - 7}' "
                             f"fill='{colour}'/>")
        else:
            start = first if first is not None else lo
            end = last if last is not None else start
            w = max(x(end) - x(start), 3)
            parts.append(f"<rect x='{x(start):.1f}' y='{y + 6}' width='{w:.1f}' height='{ROW_H - 12}' rx='2' "
                         f"fill='{colour}' fill-opacity='0.45'/>")
    parts.append("</svg>")
    return "".join(parts)
