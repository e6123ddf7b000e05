"""Small SVG charts drawn on the server: no chart library, no script, readable on a phone."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT, PAD = 560, 200, 36


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]  # shares 0..1; None where there is nothing to show
    color: str


def rate_lines(labels: list[str], series: list[Series], title: str) -> str:
    """Pass rates over quarters as lines, with a 0-100% axis and the value at each point."""
    count = max(len(labels), 1)
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)

    def x(i: int) -> float:
        return PAD + i * step

    def y(v: float) -> float:
        return HEIGHT - PAD - v * (HEIGHT - 2 * PAD)

    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">',
             f"<title>{escape(title)}</title>"]
    for share in (0, 0.5, 1):
        parts.append(f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(share):.1f}" y2="{y(share):.1f}" class="grid"/>'
                     f'<text x="4" y="{y(share) + 4:.1f}" class="axis">{int(share * 100)}%</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 10}" text-anchor="middle" class="axis">{escape(label)}</text>')
    for n, s in enumerate(series):
        points = [(x(i), y(v), v) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2"/>')
        for px, py, v in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{s.color}"/>'
                         f'<text x="{px:.1f}" y="{py - 6:.1f}" text-anchor="middle" class="value">{v * 100:.0f}%</text>')
        parts.append(f'<rect x="{PAD + n * 120}" y="4" width="10" height="10" fill="{s.color}"/>'
                     f'<text x="{PAD + n * 120 + 14}" y="13" class="axis">{escape(s.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def probe_bars(days: list[tuple[str, int, int]], title: str, veto_share: float) -> str:
    """Probes per day as bars (ok green, failed red) with each day's failure share, and the veto line."""
    count = max(len(days), 1)
    slot = (WIDTH - 2 * PAD) / count
    top = max((ok + failed for _, ok, failed in days), default=0) or 1
    scale = (HEIGHT - 2 * PAD) / top
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">',
             f"<title>{escape(title)}</title>"]
    base = HEIGHT - PAD
    for i, (day, ok, failed) in enumerate(days):
        left = PAD + i * slot + slot * 0.15
        width = slot * 0.7
        parts.append(f'<rect x="{left:.1f}" y="{base - ok * scale:.1f}" width="{width:.1f}" height="{ok * scale:.1f}" class="ok"/>')
        parts.append(f'<rect x="{left:.1f}" y="{base - (ok + failed) * scale:.1f}" width="{width:.1f}"'
                     f' height="{failed * scale:.1f}" class="failed"/>')
        total = ok + failed
        share = f"{failed / total * 100:.0f}%" if total else "无"
        css = "value bad" if total and failed / total >= veto_share else "value"
        parts.append(f'<text x="{left + width / 2:.1f}" y="{HEIGHT - 20}" text-anchor="middle" class="axis">{escape(day[5:])}</text>'
                     f'<text x="{left + width / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" class="{css}">{share}</text>')
    parts.append("</svg>")
    return "".join(parts)
