"""The house chart style: palette, fonts, era bands, event markers, source line.

Chart code stays in the chapters; this module only gives every chart the same
look and the same honest footer, so that a student reading a chapter sees
pandas and matplotlib, not a private plotting library.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Iterable

import matplotlib.pyplot as plt
import pandas as pd

from .data import load, resource

STYLE_FILE = Path(__file__).with_name("house.mplstyle")

#: Okabe & Ito's colour-blind-safe palette, by name.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#767676",
}

#: One colour per actor, used in every chapter so that a colour always means the same side.
ACTOR_COLOURS = {
    "USSR": PALETTE["vermillion"],
    "RUS": PALETTE["vermillion"],
    "DPRK": PALETTE["blue"],
    "PRC": PALETTE["orange"],
    "ROK": PALETTE["green"],
    "USA": PALETTE["sky"],
    "UN": PALETTE["purple"],
}


def use_house_style() -> None:
    """Apply the house matplotlib style (call once at the top of a chapter)."""
    plt.style.use(STYLE_FILE)


def _to_x(value, years: bool):
    """Place a date on the axis: as a fractional year, or as a matplotlib date."""
    stamp = pd.Timestamp(value)
    if years:
        return stamp.year + (stamp.day_of_year - 1) / 365.25
    return stamp


def era_bands(ax, years: bool = False, label: bool = True, shade: str = "#f0f0f0") -> None:
    """Shade alternate eras of the book behind a time axis and name them along the top.

    ``years=True`` when the x axis holds plain year numbers (e.g. 1950, 1951)
    rather than dates. Only the eras that overlap the current x limits are drawn.
    """
    left, right = ax.get_xlim()
    eras = load("eras")
    for i, era in enumerate(eras.itertuples()):
        start, end = _to_x(era.start, years), _to_x(era.end + pd.Timedelta(days=1), years)
        if not years:
            import matplotlib.dates as mdates

            start, end = mdates.date2num(start), mdates.date2num(end)
        if end < left or start > right:
            continue
        if i % 2 == 0:
            ax.axvspan(max(start, left), min(end, right), color=shade, zorder=0, lw=0)
        if label:
            shown_start, shown_end = max(start, left), min(end, right)
            # a narrow band gets the era's number instead of its name, so labels never collide
            text = era.short_title if (shown_end - shown_start) / (right - left) > 0.09 else str(era.number)
            ax.text((shown_start + shown_end) / 2, 1.0, text, transform=ax.get_xaxis_transform(),
                    ha="center", va="bottom", fontsize=8, color="#555555")
    ax.set_xlim(left, right)


def mark_events(ax, events: pd.DataFrame, years: bool = False, label_column: str = "title",
                width: int = 28, colour: str = "#444444") -> None:
    """Draw a thin vertical line at each event's date, labelled with its (wrapped) title.

    Labels are staggered in height so that neighbouring events stay readable.
    """
    heights = [0.95, 0.75, 0.55, 0.35]
    for i, event in enumerate(events.sort_values("date").itertuples()):
        x = _to_x(event.date, years)
        ax.axvline(x, color=colour, lw=0.8, ls=":", zorder=1)
        ax.text(x, heights[i % len(heights)], textwrap.fill(str(getattr(event, label_column)), width),
                transform=ax.get_xaxis_transform(), fontsize=7.5, ha="left", va="top",
                color=colour, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.85})


def source_text(names: Iterable[str] | str) -> str:
    """The text of a figure's source line, built from the resources' own metadata."""
    if isinstance(names, str):
        names = [names]
    parts = []
    for name in names:
        res = resource(name)
        cited = "; ".join(s["title"] for s in res.get("sources", []))
        parts.append(f"{res['title']} ({res['path']}): {cited}")
    return "Source: " + " | ".join(parts)


def source_line(fig, names: Iterable[str] | str, width: int = 140) -> None:
    """Write the source line under a figure, from the resources' ``sources`` metadata.

    It goes below everything already drawn (tick labels, axis titles), so call it last.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_figure = fig.transFigure.inverted()
    bottom = min(ax.get_tightbbox(renderer).transformed(to_figure).y0 for ax in fig.axes)
    fig.text(0.01, bottom - 0.02, textwrap.fill(source_text(names), width), ha="left", va="top",
             fontsize=7, color="#444444")
