"""Two small bar charts as one SVG, embedded in Markdown metadata as a data URI.

Hand-written rather than matplotlib: a few dozen rectangles, no plotting dependency in the
code location, and the output is text (an SVG) that the Dagster UI's Markdown renders as an
image. Stdlib only.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

COLORS = {"unchanged": "#8fbf8f", "changed": "#4a90d9", "held": "#e0a030", "failed": "#d9534f",
          "active": "#4a90d9", "filling": "#e0a030", "dormant": "#cccccc"}
W, H, PAD, TOP = 720, 170, 36, 24


def _bars(y0: int, title: str, labels: Sequence[str], stacks: Sequence[Mapping[str, int]]) -> list[str]:
    peak = max([sum(s.values()) for s in stacks] + [1])
    width = (W - 2 * PAD) / max(1, len(labels))
    out = [f'<text x="{PAD}" y="{y0 + 16}" font-size="13" font-weight="bold">{escape(title)}</text>',
           f'<text x="{PAD - 4}" y="{y0 + TOP + 10}" font-size="10" text-anchor="end">{peak}</text>',
           f'<line x1="{PAD}" y1="{y0 + H}" x2="{W - PAD}" y2="{y0 + H}" stroke="#888"/>']
    for i, (label, stack) in enumerate(zip(labels, stacks)):
        x, base = PAD + i * width, y0 + H
        for name, value in stack.items():
            if value <= 0:
                continue
            height = value / peak * (H - TOP)
            base -= height
            out.append(f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{width - 2:.1f}" height="{height:.1f}" '
                       f'fill="{COLORS.get(name, "#999")}"><title>{escape(label)} {escape(name)}: {value}</title></rect>')
        out.append(f'<text x="{x + width / 2:.1f}" y="{y0 + H + 12}" font-size="9" text-anchor="middle">{escape(label)}</text>')
    legend = sorted({n for s in stacks for n in s})
    for j, name in enumerate(legend):
        lx = W - PAD - (len(legend) - j) * 90
        out.append(f'<rect x="{lx}" y="{y0 + 6}" width="10" height="10" fill="{COLORS.get(name, "#999")}"/>'
                   f'<text x="{lx + 14}" y="{y0 + 15}" font-size="11">{escape(name)}</text>')
    return out


def sync_chart_svg(bucket_stacks: Sequence[Mapping[str, int]], hour_labels: Sequence[str],
                   outcome_stacks: Sequence[Mapping[str, int]]) -> str:
    """Parts per hour bucket (by bucket state) above the last 24 hours' outcomes per hour."""
    body = _bars(0, "Parts per hour bucket (UTC)", [str(h) for h in range(len(bucket_stacks))], bucket_stacks)
    body += _bars(H + 30, "Sync outcomes, last 24 hours (UTC)", hour_labels, outcome_stacks)
    total_h = 2 * H + 50
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{total_h}" viewBox="0 0 {W} {total_h}" '
            f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>')


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
