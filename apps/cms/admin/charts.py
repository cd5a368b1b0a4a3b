"""Small SVG charts rendered on the server: no script, no inline style (the strict CSP holds);
colours are SVG presentation attributes and classes from static/cms/admin.css."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 560, 160


def bar_chart(points: list[tuple[str, int]], *, title: str) -> SafeString:
    """Vertical bars, one per (label, value); every bar carries its value as a <title>."""
    top = max((v for _, v in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    bars = []
    for i, (label, value) in enumerate(points):
        h = round((HEIGHT - 30) * value / top, 1)
        x = round(i * slot + slot * 0.15, 1)
        bars.append(
            (
                x,
                HEIGHT - 20 - h,
                round(slot * 0.7, 1),
                h,
                f"{label}: {value}",
                x + slot * 0.35,
                HEIGHT - 6,
                label if (len(points) - 1 - i) % 2 == 0 else "",  # today always labelled
            )
        )
    body = format_html_join(
        "",
        '<g class="bar"><rect x="{}" y="{}" width="{}" height="{}" fill="#1a73e8">'
        '<title>{}</title></rect><text x="{}" y="{}" text-anchor="middle" font-size="9">{}</text>'
        "</g>",
        bars,
    )
    return _svg(title, body, WIDTH, HEIGHT)


def hbar_chart(points: list[tuple[str, int]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars with their labels and values, largest first."""
    top = max((v for _, v in points), default=0) or 1
    row = 22
    height = max(row * len(points), row)
    label_w, plot_w = 180, WIDTH - 180 - 90
    rows = [
        (
            i * row + 15,
            label[:28],
            label_w,
            i * row + 4,
            max(1, round(plot_w * value / top, 1)),
            f"{label}: {_fmt(value, unit)}",
            label_w + max(1, round(plot_w * value / top, 1)) + 6,
            i * row + 15,
            _fmt(value, unit),
        )
        for i, (label, value) in enumerate(points)
    ]
    body = format_html_join(
        "",
        '<g class="bar"><text x="0" y="{}" font-size="11">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="14" fill="#188038"><title>{}</title></rect>'
        '<text x="{}" y="{}" font-size="11">{}</text></g>',
        rows,
    )
    return _svg(title, body, WIDTH, height)


def _svg(title: str, body: SafeString, width: int, height: int) -> SafeString:
    return format_html(
        '<svg class="cms-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" '
        'height="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        title,
        width,
        height,
        width,
        height,
        title,
        body,
    )


def _fmt(value: int, unit: str) -> str:
    if unit != "bytes":
        return f"{value:,}"
    size = float(value)
    for suffix in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or suffix == "TB":
            return f"{size:.0f} {suffix}" if suffix == "B" else f"{size:.1f} {suffix}"
        size /= 1024
    return str(value)
