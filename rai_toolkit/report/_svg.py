"""Inline SVG charts for the HTML report, written by hand (no JavaScript, no fonts, no images).

Every string that reaches the SVG (labels, titles, notes) goes through
:func:`esc`, i.e. ``html.escape(..., quote=True)``, in text nodes and in
attributes alike. Colours and fonts come from the report's stylesheet through
class names, so the charts print and scale with the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rai_toolkit._page import esc

__all__ = ["Bar", "Threshold", "bar_chart", "esc"]

_CHAR_PX = 6.6  # average glyph width of the 12px system sans-serif used in charts
_ROW_H = 22
_BAR_H = 12
_TOP = 28
_BOTTOM = 34
_RIGHT_PAD = 70
_MAX_LABEL_CHARS = 38


def _shorten(text: str, limit: int = _MAX_LABEL_CHARS) -> str:
    # cut *before* escaping so that an entity is never split
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass(frozen=True)
class Bar:
    """One bar of a chart.

    Attributes
    ----------
    label : str
        Row label (escaped when drawn).
    value : float or None
        Bar length; None draws no bar and shows ``note`` instead.
    lower, upper : float or None
        Interval drawn as a whisker.
    tone : str
        Colour class: ``"neutral"``, ``"pass"``, ``"fail"``, ``"inconclusive"``,
        ``"positive"``, ``"negative"`` or ``"muted"``.
    note : str or None
        Text shown after the bar or in place of a missing bar.
    """

    label: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    tone: str = "neutral"
    note: str | None = None


@dataclass(frozen=True)
class Threshold:
    """A vertical reference line (threshold or reference value)."""

    value: float  # position on the value axis
    label: str  # legend text (escaped when drawn)
    kind: str = "threshold"  # "threshold" (dashed, red) or "reference" (dotted, grey)


def _finite(x: float | None) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = first
    while t <= hi + 1e-9 * step:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    axis_label: str = "",
    domain: tuple[float, float] | None = None,
    lines: Sequence[Threshold] = (),
    digits: int = 3,
    width: int = 660,
) -> str:
    """Draw a horizontal bar chart with optional interval whiskers and reference lines.

    Parameters
    ----------
    bars : sequence of Bar
        One row per bar, drawn top to bottom.
    title : str
        Accessible title (``<title>`` and ``aria-label``).
    axis_label : str, default=""
        Text under the value axis.
    domain : (float, float), optional
        Value axis range; by default it spans 0, every value, interval and line.
    lines : sequence of Threshold, default=()
        Vertical lines, e.g. a fairness threshold.
    digits : int, default=3
        Decimals of the value labels.
    width : int, default=660
        Width in CSS pixels; the chart scales down on narrow screens.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    labels = [_shorten(str(b.label)) for b in bars]
    label_w = min(max([len(s) for s in labels] + [6]) * _CHAR_PX + 12, 270)
    plot_x0 = label_w
    plot_x1 = width - _RIGHT_PAD
    height = _TOP + _ROW_H * max(len(bars), 1) + _BOTTOM + (16 if lines else 0)

    if domain is None:
        pts = [0.0]
        for b in bars:
            pts += [v for v in (b.value, b.lower, b.upper) if _finite(v)]
        pts += [t.value for t in lines if _finite(t.value)]
        lo, hi = min(pts), max(pts)
        if hi - lo < 1e-12:
            hi = lo + 1.0
        pad = 0.04 * (hi - lo)
        lo = lo - pad if lo < 0 else lo
        hi = hi + pad
    else:
        lo, hi = domain
        for b in bars:
            for v in (b.value, b.lower, b.upper):
                if _finite(v):
                    lo, hi = min(lo, v), max(hi, v)

    def x(v: float) -> float:
        return plot_x0 + (v - lo) / (hi - lo) * (plot_x1 - plot_x0)

    out: list[str] = [
        f'<svg class="chart" role="img" aria-label="{esc(title)}" '
        f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{esc(title)}</title>",
    ]
    plot_bottom = _TOP + _ROW_H * max(len(bars), 1)
    for t in _nice_ticks(lo, hi):
        tx = x(t)
        out.append(
            f'<line class="grid" x1="{tx:.1f}" y1="{_TOP - 6}" x2="{tx:.1f}" '
            f'y2="{plot_bottom:.0f}"/>'
        )
        out.append(
            f'<text class="tick" x="{tx:.1f}" y="{plot_bottom + 14:.0f}" '
            f'text-anchor="middle">{esc(_fmt(t, 2 if abs(t) < 10 else 0))}</text>'
        )
    if lo < 0 < hi:
        out.append(
            f'<line class="zero" x1="{x(0):.1f}" y1="{_TOP - 6}" x2="{x(0):.1f}" '
            f'y2="{plot_bottom:.0f}"/>'
        )
    for i, (bar, label) in enumerate(zip(bars, labels)):
        y_mid = _TOP + _ROW_H * i + _ROW_H / 2
        full = esc(bar.label)
        out.append(
            f'<text class="label" x="{plot_x0 - 8:.1f}" y="{y_mid + 4:.1f}" '
            f'text-anchor="end"><title>{full}</title>{esc(label)}</text>'
        )
        if not _finite(bar.value):
            out.append(
                f'<text class="note" x="{plot_x0 + 4:.1f}" y="{y_mid + 4:.1f}">'
                f"{esc(bar.note or 'n/a')}</text>"
            )
            continue
        x0, x1 = sorted((x(max(lo, min(0.0, hi))), x(bar.value)))
        tip = f"{bar.label}: {_fmt(bar.value, digits)}"
        if _finite(bar.lower) and _finite(bar.upper):
            tip += f" ({_fmt(bar.lower, digits)} to {_fmt(bar.upper, digits)})"
        out.append(
            f'<rect class="bar {esc(bar.tone)}" x="{x0:.1f}" y="{y_mid - _BAR_H / 2:.1f}" '
            f'width="{max(x1 - x0, 1.0):.1f}" height="{_BAR_H}"><title>{esc(tip)}</title></rect>'
        )
        right = x1
        if _finite(bar.lower) and _finite(bar.upper):
            wl, wu = x(bar.lower), x(bar.upper)
            out.append(
                f'<path class="whisker" d="M{wl:.1f} {y_mid:.1f}H{wu:.1f}'
                f"M{wl:.1f} {y_mid - 5:.1f}V{y_mid + 5:.1f}"
                f'M{wu:.1f} {y_mid - 5:.1f}V{y_mid + 5:.1f}"/>'
            )
            right = max(right, wu)
        note = _fmt(bar.value, digits) + (f"  {bar.note}" if bar.note else "")
        out.append(
            f'<text class="value" x="{min(right + 6, width - 4):.1f}" y="{y_mid + 4:.1f}">'
            f"{esc(note)}</text>"
        )
    legend_y = plot_bottom + 30
    lx = plot_x0
    for line in lines:
        if not _finite(line.value) or not lo <= line.value <= hi:
            continue
        tx = x(line.value)
        cls = "threshold" if line.kind == "threshold" else "reference"
        out.append(
            f'<line class="{cls}" x1="{tx:.1f}" y1="{_TOP - 8}" x2="{tx:.1f}" '
            f'y2="{plot_bottom:.0f}"><title>{esc(line.label)}</title></line>'
        )
        out.append(
            f'<line class="{cls}" x1="{lx:.1f}" y1="{legend_y - 4}" x2="{lx + 18:.1f}" '
            f'y2="{legend_y - 4}"/>'
        )
        text = _shorten(line.label, 60)
        out.append(f'<text class="legend" x="{lx + 22:.1f}" y="{legend_y}">{esc(text)}</text>')
        lx += 30 + len(text) * _CHAR_PX
    if axis_label:
        axis_y = plot_bottom + (46 if lines else 30)
        out.append(
            f'<text class="axis" x="{(plot_x0 + plot_x1) / 2:.1f}" y="{axis_y}" '
            f'text-anchor="middle">{esc(axis_label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
