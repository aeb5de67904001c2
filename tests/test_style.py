"""The PNGs a chapter shows: 256 colours, no timestamp, and cropped exactly where matplotlib's "tight" crops.

``evidence.style._light_png`` measures a figure once instead of letting ``savefig(bbox_inches="tight")``
draw it an extra time first. These tests build charts of every kind the chapters draw (and a few they do
not yet), render each both ways, and require the same pixels.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from evidence import (ACTOR_COLOURS, confidence_bar, confidence_legend, confidence_marker, draw_map,  # noqa: E402
                      draw_parallel, era_bands, load, source_line, use_house_style)
from evidence import style  # noqa: E402


def _timeline():
    fig, ax = plt.subplots()
    ax.plot([1950, 1970, 1990, 2010], [1, 3, 2, 4], marker="o", label="a series")
    ax.set_xlim(1945, 2025)
    era_bands(ax, years=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))          # outside the axes, to the right
    ax.set_title("A timeline whose legend and source line lie outside the canvas")
    source_line(fig, ["eras", "events"])
    return fig


def _map():
    fig, ax = plt.subplots(figsize=(5, 6))
    places = load("places").set_index("id")
    draw_map(ax, "peninsula", places=places.head(6), title="Equal aspect, places and a parallel")
    draw_parallel(ax, 38, "38th parallel")
    source_line(fig, ["geography", "places"])
    return fig


def _log_bars_and_twin():
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5), gridspec_kw={"width_ratios": [2, 1]})
    for y, confidence in enumerate(["high", "medium", "low"]):
        left.barh(y, 10 ** (y + 2), left=50, **confidence_bar(confidence, ACTOR_COLOURS["USSR"]))
        left.plot(10 ** (y + 2), y, **confidence_marker(confidence, ACTOR_COLOURS["DPRK"]))
    left.set(xscale="log", xlim=(30, 20_000), yticks=[])
    left.xaxis.set_major_formatter("{x:,.0f}")
    confidence_legend(left, kind="bar", loc="upper left", bbox_to_anchor=(0, -0.2), ncol=3)
    twin = right.twinx()
    right.bar([1, 2], [3, 5])
    twin.plot([1, 2], [100, 50], color="black")
    twin.set_ylabel("a second axis, on the right")
    right.annotate("a note far outside", (2, 5), xytext=(60, 40), textcoords="offset points",
                   arrowprops={"arrowstyle": "->"})
    fig.suptitle("Two panels, a suptitle, a twin axis, a legend in the best place")
    right.plot([], [], label="best place")
    right.legend(loc="best")
    fig.text(1.02, 0.5, "text beyond the right edge", rotation=90)
    source_line(fig, "trade")
    return fig


def _wrapped_text():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(0.5, 0.5, "a long label that matplotlib wraps when it draws the figure " * 3, wrap=True,
            ha="center", transform=ax.transAxes)
    ax.set_ylabel("Кириллица и 한글")   # the style must cover both (see the last test)
    return fig


CHARTS = {"timeline": _timeline, "map": _map, "log bars and twin axes": _log_bars_and_twin,
          "wrapped text, Cyrillic and Hangul": _wrapped_text}


@pytest.fixture(autouse=True)
def house_style():
    with plt.rc_context():
        use_house_style()
        yield
    plt.close("all")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("name", CHARTS)
def test_a_chart_is_cropped_as_matplotlibs_tight_crops_it(name, monkeypatch):
    build = CHARTS[name]
    fig = build()
    assert style._tight_box(fig) != "tight", "the one-pass measurement was not used, so nothing is compared"
    fast = _pixels(style._light_png(fig))
    monkeypatch.setattr(style, "_tight_box", lambda fig: "tight")
    reference = _pixels(style._light_png(build()))
    assert fast.shape == reference.shape
    assert np.array_equal(fast, reference), f"{name}: {np.count_nonzero((fast != reference).any(axis=2))} pixels differ"


def test_a_layout_engine_or_another_resolution_gets_matplotlibs_own_tight():
    fig, ax = plt.subplots(layout="constrained")
    assert style._tight_box(fig) == "tight"
    fig, ax = plt.subplots()
    with plt.rc_context({"savefig.dpi": 200}):
        assert style._tight_box(fig) == "tight"


def test_the_png_has_at_most_256_colours_and_no_timestamp_or_software():
    png = style._light_png(_timeline())
    image = Image.open(io.BytesIO(png))
    assert image.mode == "P" and len(image.getcolors(256)) <= 256
    assert not {"Software", "Creation Time", "date:create"} & set(image.info)
    assert b"tIME" not in png


def test_hangul_and_cyrillic_in_a_chart_are_drawn_not_boxes():
    """matplotlib falls back glyph by glyph only along font.family; a missing glyph is a warning (and a box)."""
    import warnings

    fig, ax = plt.subplots()
    ax.set_title("김일성 (Kim Il-sung), Ким Ир Сен")
    ax.set_xlabel("평양 Pyongyang")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        style._light_png(fig)
