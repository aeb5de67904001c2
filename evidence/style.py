"""The house chart style: palette, fonts, era bands, event markers, source line.

Chart code stays in the chapters; this module only gives every chart the same
look and the same honest footer, so that a student reading a chapter sees
pandas and matplotlib, not a private plotting library.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .data import load, package_path, resource

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

@lru_cache(maxsize=4)
def _actor_table(datapackage: str) -> dict[str, str]:
    actors = load("actors", datapackage)
    return dict(zip(actors["code"], actors["colour"]))


class _ActorColours(Mapping):
    """The colour of each actor code, read from ``data/actors.csv`` on first use.

    ``ACTOR_COLOURS["USSR"]`` gives Moscow's colour in every chapter. A code that
    ``actors.csv`` does not define raises a ``KeyError`` that lists the known codes,
    so a typo or a new actor without a colour stops the chart instead of drawing it grey.
    """

    def _table(self) -> dict[str, str]:
        return _actor_table(str(package_path()))

    def __getitem__(self, code: str) -> str:
        table = self._table()
        if code not in table:
            raise KeyError(f"unknown actor code {code!r}: data/actors.csv defines {', '.join(table)}")
        return table[code]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


#: One colour per actor (from data/actors.csv), so that a colour always means the same side.
ACTOR_COLOURS = _ActorColours()

#: The three confidence grades of the data, from most to least sure.
CONFIDENCE = ("high", "medium", "low")
_CONFIDENCE_WORDS = {"high": "high confidence (filled)", "medium": "medium confidence (half-filled / hatched)",
                     "low": "low confidence (hollow)"}


def _grade(confidence: str) -> str:
    if confidence not in CONFIDENCE:
        raise ValueError(f"confidence must be one of {', '.join(CONFIDENCE)}, not {confidence!r}")
    return confidence


def confidence_marker(confidence: str, colour: str) -> dict:
    """Keyword arguments for ``ax.plot`` that draw a marker graded by confidence.

    The one convention of the book: *high* is a filled marker, *medium* half-filled,
    *low* hollow. For example ``ax.plot(x, y, **confidence_marker("low", "#0072B2"))``.
    """
    style = {"marker": "o", "linestyle": "none", "color": colour, "markeredgecolor": colour,
             "markeredgewidth": 1.2, "markerfacecoloralt": "white"}
    return style | {"high": {"markerfacecolor": colour, "fillstyle": "full"},
                    "medium": {"markerfacecolor": colour, "fillstyle": "left"},
                    "low": {"markerfacecolor": "white", "fillstyle": "full"}}[_grade(confidence)]


def confidence_bar(confidence: str, colour: str) -> dict:
    """Keyword arguments for ``ax.bar``/``ax.barh`` graded by confidence: solid, hatched or outlined."""
    # facecolor, not color: a legend Patch given both color and edgecolor warns that one overrides the other
    return {"high": {"facecolor": colour, "edgecolor": colour},
            "medium": {"facecolor": "white", "edgecolor": colour, "hatch": "////", "linewidth": 1.2},
            "low": {"facecolor": "white", "edgecolor": colour, "linewidth": 1.2}}[_grade(confidence)]


def confidence_legend(ax, kind: str = "marker", loc: str = "lower right", colour: str = "#444444", **kwargs):
    """Add a small legend that explains the confidence convention, without replacing another legend.

    ``kind`` is ``"marker"`` (filled, half-filled, hollow dots) or ``"bar"`` (solid, hatched, outlined bars).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if kind == "marker":
        handles = [Line2D([], [], ms=7, **confidence_marker(c, colour)) for c in CONFIDENCE]
    elif kind == "bar":
        handles = [Patch(**confidence_bar(c, colour)) for c in CONFIDENCE]
    else:
        raise ValueError(f"kind must be 'marker' or 'bar', not {kind!r}")
    previous = ax.get_legend()
    legend = ax.legend(handles, [_CONFIDENCE_WORDS[c] for c in CONFIDENCE], loc=loc, fontsize=7.5,
                       title="Confidence in the source", title_fontsize=7.5, frameon=True, framealpha=0.9,
                       edgecolor="#cccccc", **kwargs)
    if previous is not None:
        ax.add_artist(previous)
    return legend


def use_house_style() -> None:
    """Apply the house matplotlib style (call once at the top of a chapter).

    In a notebook it also makes figures lighter: each is shown as a PNG of at most 256 colours,
    which charts of flat colours need (about a third of the bytes, the same look), and with no
    timestamp, so that two builds of the book give the same files.
    """
    plt.style.use(STYLE_FILE)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        from matplotlib.figure import Figure

        # Resolve the backend now: the inline backend registers its own PNG formatter when it loads,
        # which would otherwise happen at the first figure and replace ours.
        plt.switch_backend(plt.get_backend())
        shell.display_formatter.formatters["image/png"].for_type(Figure, _light_png)
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _plain_table)


def _plain_table(frame: pd.DataFrame) -> str:
    """A table as plain, valid HTML (what notebooks display under use_house_style).

    pandas' own notebook HTML carries a ``<style scoped>`` block, which HTML no longer allows, and an empty
    header cell over the index, which screen readers announce as nothing. A meaningful index becomes a
    named column instead.
    """
    named = not isinstance(frame.index, pd.RangeIndex) or frame.index.name
    frame = frame.reset_index() if named else frame.copy()   # never change the reader's own frame
    frame.columns = [str(c) if str(c).strip() else "value" for c in frame.columns]
    return frame.to_html(index=False, border=0, classes="dataframe", na_rep="")


def _tight_box(fig):
    """What ``savefig(bbox_inches="tight")`` crops the figure to, measured in one pass, or ``"tight"``.

    For "tight", matplotlib first draws the whole figure without painting it, so that anything placed at
    drawing time is in place, and then measures it. Measuring the figure does that placing itself (axes,
    aspect, ticks, titles, legends) unless a layout engine moves the axes at drawing time, so without one
    the first drawing is skipped: the same pixels (tests/test_style.py compares them, and the 57 charts of
    the book were compared when this was written), about an eighth less time per chart. Anything unusual
    (a layout engine, a saving resolution other than the figure's, a canvas that cannot measure) gets
    matplotlib's own "tight".
    """
    import matplotlib as mpl

    dpi, pad = mpl.rcParams["savefig.dpi"], mpl.rcParams["savefig.pad_inches"]
    measure = getattr(fig.canvas, "get_renderer", None)
    if fig.get_layout_engine() is not None or dpi not in ("figure", fig.dpi) or measure is None \
            or not isinstance(pad, (int, float)):
        return "tight"
    return fig.get_tightbbox(measure()).padded(pad)


def _light_png(fig) -> bytes:
    """The figure as a 256-colour PNG (what notebooks display under use_house_style)."""
    import io

    from PIL import Image

    raw = io.BytesIO()
    # An uncompressed TIFF in between: the same pixels as a PNG, written and read back four times faster.
    fig.savefig(raw, format="tiff", bbox_inches=_tight_box(fig))
    image = Image.open(raw).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                     dither=Image.Dither.NONE)
    out = io.BytesIO()
    # zlib level 8: within 1% of the smallest file (level 9, or Pillow's optimize), in a third of the time.
    image.save(out, format="PNG", compress_level=8)
    return out.getvalue()


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
    renderer = fig.canvas.get_renderer()   # measuring needs a renderer, not a full drawing of the figure
    to_figure = fig.transFigure.inverted()
    bottom = min(ax.get_tightbbox(renderer).transformed(to_figure).y0 for ax in fig.axes)
    fig.text(0.01, bottom - 0.02, textwrap.fill(source_text(names), width), ha="left", va="top",
             fontsize=7, color="#444444")


#: The MIME prefix myst-nb's glue gives to values stored for the prose (myst_nb.ext.glue.GLUE_PREFIX).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = False) -> None:
    """Hand ``value`` to the book's prose, where ``{glue}`name``` prints it.

    This writes exactly what myst-nb's own ``glue`` writes (a display output whose metadata names the
    value; tests/test_loader.py compares the two), without importing myst-nb, which takes seconds and
    is not installed in Colab. Outside a notebook it does nothing, so a downloaded notebook still runs.
    """
    try:
        import IPython
        from IPython.display import display as ipy_display
    except ImportError:
        return
    mimebundle, metadata = IPython.core.formatters.format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix)
    ipy_display({prefix + key: data for key, data in mimebundle.items()}, raw=True, metadata=metadata)
