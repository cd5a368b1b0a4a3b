"""The per-campaign report as CSV and as a server-rendered SVG chart (no script, no inline
style: the strict CSP allows it as is)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils.html import escape

from apps.ads.selectors import ReportRow

CSV_HEADER = ["day", "served", "impressions", "clicks", "completed_prerolls", "ctr",
              "completion_rate"]  # fmt: skip
SERIES = [("impressions", "#3b82f6", "Impressions"), ("clicks", "#f59e0b", "Clicks"),
          ("completions", "#10b981", "Completed pre-rolls")]  # fmt: skip


def report_csv(rows: Sequence[ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([r.day.isoformat(), r.served, r.impressions, r.clicks, r.completions,
                         f"{r.ctr:.4f}", f"{r.completion_rate:.4f}"])  # fmt: skip
    return out.getvalue()


def report_svg(rows: Sequence[ReportRow], *, width: int = 720, height: int = 260) -> str:
    """A line per series over the days; every value is a number we computed, labels escaped."""
    left, right, top, bottom = 48, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([1] + [getattr(r, key) for r in rows for key, _, _ in SERIES])
    n = max(len(rows) - 1, 1)

    def x(i: int) -> float:
        return left + (plot_w * i / n if len(rows) > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="ads-chart-title">',
        '<title id="ads-chart-title">Impressions, clicks and completed pre-rolls per day</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for key, colour, label in SERIES:
        points = " ".join(f"{x(i):.1f},{y(getattr(r, key)):.1f}" for i, r in enumerate(rows))
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
                f"<title>{escape(label)}</title></polyline>"
            )
            parts.extend(
                f'<circle cx="{x(i):.1f}" cy="{y(getattr(r, key)):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(label)} {r.day.isoformat()}: {getattr(r, key)}</title></circle>"
                for i, r in enumerate(rows)
            )
    step = max(1, len(rows) // 8)
    for i, r in enumerate(rows):
        if i % step == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'font-size="11">{r.day.strftime("%m-%d")}</text>'
            )
    for j, (_, colour, label) in enumerate(SERIES):
        lx = left + j * 180
        parts.append(f'<rect x="{lx}" y="{height - 18}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 18}" y="{height - 8}" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
