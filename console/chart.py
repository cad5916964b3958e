"""The dashboard's 30-day chart, drawn on the server as inline SVG (no script, no CDN): a bar
per day for sessions, a line for kWh on its own scale, each bar linking to that day's sessions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from console.selectors import Day

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 48, 12, 24


def chart_svg(days: Sequence[Day], *, day_link: Callable[[date], str]) -> SafeString:
    """Sessions (bars, left axis) and kWh (line, right axis) of each day in ``days``."""
    if not days:
        return format_html("{}", "")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(days)
    most_sessions = max(1, *(day.sessions for day in days))
    most_kwh = max(1.0, *(day.kwh for day in days))

    def y(value: float, top: float) -> float:
        return TOP + plot_h - plot_h * value / top

    bars = format_html_join(
        "",
        '<a href="{}"><rect class="bar" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}: {} sessions, {} kWh</title></rect></a>",
        (
            (
                day_link(day.day),
                _n(LEFT + i * step + 1),
                _n(y(day.sessions, most_sessions)),
                _n(max(step - 2, 1)),
                _n(TOP + plot_h - y(day.sessions, most_sessions)),
                day.day.isoformat(),
                day.sessions,
                _n(day.kwh),
            )
            for i, day in enumerate(days)
        ),
    )
    points = " ".join(f"{LEFT + (i + 0.5) * step:.1f},{y(day.kwh, most_kwh):.1f}" for i, day in enumerate(days))
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (_n(LEFT + (i + 0.5) * step), HEIGHT - 6, day.day.strftime("%d/%m"))
            for i, day in enumerate(days)
            if i % 5 == 0
        ),
    )
    return format_html(
        '<svg class="console-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-label="Sessions and kWh per day, last {n} days">'
        "<style>.bar{{fill:#79aec8}}.kwh{{fill:none;stroke:#ba2121;stroke-width:2}}"
        "text{{font-size:10px;fill:currentColor}}</style>"
        '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="currentColor"/>'
        '{bars}<polyline class="kwh" points="{points}"/>{labels}'
        '<text x="{l}" y="{t}" text-anchor="end" dx="-4" dy="8">{ms}</text>'
        '<text x="{r}" y="{t}" dx="4" dy="8">{mk} kWh</text>'
        "</svg>",
        w=WIDTH, h=HEIGHT, n=len(days), l=LEFT, r=WIDTH - RIGHT, b=TOP + plot_h, t=TOP,
        bars=bars, points=points, labels=labels, ms=most_sessions, mk=f"{most_kwh:.0f}",
    )  # fmt: skip


def _n(value: float) -> str:
    return f"{value:.1f}"
