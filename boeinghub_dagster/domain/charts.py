"""Small SVG charts for Markdown metadata (a data URI the Dagster UI renders as an image). Stdlib only.

Hand-written rather than matplotlib: a few rectangles or one polyline, no plotting dependency in
the code location. `sparkline` draws a part's price over its last changes (`lookup_parts`);
`histogram` a distribution (`catalogue_overview`); `sync_chart_svg` the sync dashboard's two bar
charts (`sync_dashboard`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

LINE, BAR = "#4a90d9", "#8fbf8f"


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def sparkline(values: Sequence[Decimal | float], width: int = 120, height: int = 28) -> str:
    """The values left to right, scaled to the box (a flat line when they are all equal)."""
    points = [float(v) for v in values]
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (width - 4) / max(1, len(points) - 1)
    xy = " ".join(
        f"{2 + i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}" for i, v in enumerate(points)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<polyline fill="none" stroke="{LINE}" stroke-width="1.5" points="{xy}"/>'
        f"<title>{escape(f'{low:g} to {high:g}')}</title></svg>"
    )


def histogram(title: str, labels: Sequence[str], counts: Sequence[int], width: int = 520, height: int = 180) -> str:
    """One bar per label, its count above it."""
    pad, top = 30, 26
    peak = max([*counts, 1])
    bar = (width - 2 * pad) / max(1, len(labels))
    out = [
        f'<text x="{pad}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{pad}" y1="{height - 20}" x2="{width - pad}" y2="{height - 20}" stroke="#888"/>',
    ]
    for i, (label, count) in enumerate(zip(labels, counts, strict=False)):
        x, h = pad + i * bar, count / peak * (height - 20 - top)
        y = height - 20 - h
        out.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
        out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{count}</text>')
        out.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{"".join(out)}</svg>'
    )


def bins(values: Sequence[Decimal | float | int], edges: Sequence[float]) -> list[int]:
    """Counts of `values` below each edge in turn, then at or above the last one (len(edges) + 1 counts)."""
    counts = [0] * (len(edges) + 1)
    for v in values:
        x = float(v)
        counts[next((i for i, e in enumerate(edges) if x < e), len(edges))] += 1
    return counts


def bin_labels(edges: Sequence[float], unit: str = "") -> list[str]:
    """'<10', '10–50', …, '≥5000' for `bins` with these edges."""

    def num(e: float) -> str:
        return f"{unit}{e:g}"

    out = [f"<{num(edges[0])}"] + [f"{num(a)}–{num(b)}" for a, b in zip(edges, edges[1:], strict=False)]
    return out + [f"≥{num(edges[-1])}"]


COLORS = {
    "unchanged": "#8fbf8f",
    "changed": "#4a90d9",
    "held": "#e0a030",
    "failed": "#d9534f",
    "active": "#4a90d9",
    "filling": "#e0a030",
    "dormant": "#cccccc",
}
W, H, PAD, TOP = 720, 170, 36, 24  # the sync chart's frame (COLORS: its stacks)


def _bars(y0: int, title: str, labels: Sequence[str], stacks: Sequence[Mapping[str, int]]) -> list[str]:
    peak = max([sum(s.values()) for s in stacks] + [1])
    width = (W - 2 * PAD) / max(1, len(labels))
    out = [
        f'<text x="{PAD}" y="{y0 + 16}" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<text x="{PAD - 4}" y="{y0 + TOP + 10}" font-size="10" text-anchor="end">{peak}</text>',
        f'<line x1="{PAD}" y1="{y0 + H}" x2="{W - PAD}" y2="{y0 + H}" stroke="#888"/>',
    ]
    for i, (label, stack) in enumerate(zip(labels, stacks, strict=False)):
        x, base = PAD + i * width, y0 + H
        for name, value in stack.items():
            if value <= 0:
                continue
            height = value / peak * (H - TOP)
            base -= height
            out.append(
                f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{width - 2:.1f}" height="{height:.1f}" '
                f'fill="{COLORS.get(name, "#999")}"><title>{escape(label)} {escape(name)}: {value}</title></rect>'
            )
        out.append(
            f'<text x="{x + width / 2:.1f}" y="{y0 + H + 12}" font-size="9" text-anchor="middle">{escape(label)}</text>'
        )
    legend = sorted({n for s in stacks for n in s})
    for j, name in enumerate(legend):
        lx = W - PAD - (len(legend) - j) * 90
        out.append(
            f'<rect x="{lx}" y="{y0 + 6}" width="10" height="10" fill="{COLORS.get(name, "#999")}"/>'
            f'<text x="{lx + 14}" y="{y0 + 15}" font-size="11">{escape(name)}</text>'
        )
    return out


def sync_chart_svg(
    bucket_stacks: Sequence[Mapping[str, int]], hour_labels: Sequence[str], outcome_stacks: Sequence[Mapping[str, int]]
) -> str:
    """Parts per hour bucket (by bucket state) above the last 24 hours' outcomes per hour."""
    body = _bars(0, "Parts per hour bucket (UTC)", [str(h) for h in range(len(bucket_stacks))], bucket_stacks)
    body += _bars(H + 30, "Sync outcomes, last 24 hours (UTC)", hour_labels, outcome_stacks)
    total_h = 2 * H + 50
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{total_h}" viewBox="0 0 {W} {total_h}" '
        f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>'
    )
