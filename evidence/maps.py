"""Maps in a few lines: coastlines, borders and labelled places of one named window.

The windows (their bounds, the region of ``geography.csv`` they are cut from, and where
to write the country names) are defined once, in ``data/datapackage.json`` under the
geography resource's ``"x-windows"``; the extraction script cuts the coastlines to the
same windows, so a map never shows a coast that stops short of the frame.

>>> fig, ax = plt.subplots()                                   # doctest: +SKIP
>>> draw_map(ax, "peninsula", places=load("places"), labels={"P005": (6, 0), "P015": (6, 0)})
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .data import load, package_path, resource
from .style import ACTOR_COLOURS, confidence_marker


def windows() -> dict[str, dict[str, Any]]:
    """Every map window of the data package, by name."""
    return resource("geography")["x-windows"]


def window(name: str) -> dict[str, Any]:
    """One map window: its title, region, west/east/south/north bounds and country labels."""
    known = windows()
    if name not in known:
        raise KeyError(f"no map window {name!r} in data/datapackage.json (there are: {', '.join(known)})")
    return known[name]


@lru_cache(maxsize=8)
def _geography(datapackage: str) -> pd.DataFrame:
    return load("geography", datapackage)


def inside(frame: pd.DataFrame, name: str, lon: str = "longitude", lat: str = "latitude") -> pd.Series:
    """Which rows of ``frame`` (for example the places) lie inside the window ``name``."""
    w = window(name)
    return frame[lon].between(w["west"], w["east"]) & frame[lat].between(w["south"], w["north"])


def draw_map(ax, name: str, places: pd.DataFrame | None = None, labels: dict | None = None,
             title: str | None = None, countries: bool = True) -> None:
    """Draw the window ``name`` on ``ax``: coasts (grey), borders (dashed), country names, places.

    ``places`` is a frame with the columns of ``places.csv`` (name, latitude, longitude, country,
    confidence); each place inside the window gets a dot in its country's colour, filled, half-filled
    or hollow by confidence. ``labels`` maps a place id (or row index) to ``(dx, dy)`` offsets in points,
    or to ``(text, dx, dy)`` to write something other than the place's name; places without a label
    are drawn unlabelled. A label to the left of its dot (negative ``dx``) is right-aligned.
    """
    w = window(name)
    lines = _geography(str(package_path()))
    lines = lines[lines["region"] == w["region"]]
    for (layer, _part), line in lines.groupby(["layer", "part"]):
        style = {"color": "#8c8c8c", "lw": 0.7} if layer == "coast" else {"color": "#333333", "lw": 0.9, "ls": "--"}
        ax.plot(line["lon"], line["lat"], **style)
    ax.set_xlim(w["west"], w["east"])
    ax.set_ylim(w["south"], w["north"])
    ax.set_aspect(1 / np.cos(np.radians((w["south"] + w["north"]) / 2)))  # a degree of longitude is shorter
    ax.grid(False)
    ax.xaxis.set_major_formatter("{x:g}°E")
    ax.yaxis.set_major_formatter("{x:g}°N")
    ax.tick_params(labelsize=7)
    if countries:
        for text, lon, lat in w.get("countries", []):
            ax.text(lon, lat, text, ha="center", va="center", fontsize=8, color="#767676", style="italic")
    if places is not None:
        shown = places[inside(places, name)]
        for key, place in shown.iterrows():
            ident = place["id"] if "id" in shown.columns else key
            ax.plot(place["longitude"], place["latitude"], ms=5, zorder=3,
                    **confidence_marker(place["confidence"], ACTOR_COLOURS[place["country"]]))
            label = (labels or {}).get(ident)
            if label is None:
                continue
            text, dx, dy = label if len(label) == 3 else (place["name"], *label)
            ax.annotate(text, (place["longitude"], place["latitude"]), xytext=(dx, dy), textcoords="offset points",
                        ha="right" if dx < 0 else ("center" if dx == 0 else "left"), va="center", fontsize=7.5,
                        zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
    ax.set_title(title if title is not None else w["title"])


def draw_parallel(ax, latitude: float, label: str | None = None, colour: str = "#D55E00", at: float = 0.99) -> None:
    """Draw a line of latitude across the map (for example the 38th parallel of 1945), labelled above it.

    ``at`` places the label along the line, as a fraction of the map's width (0 left, 1 right).
    """
    ax.axhline(latitude, color=colour, lw=1.2, ls=(0, (4, 2)), zorder=2)
    if label:
        ax.annotate(label, (at, latitude), xycoords=("axes fraction", "data"), xytext=(0, 3),
                    textcoords="offset points", fontsize=7.5, color=colour, va="bottom",
                    ha="right" if at > 0.5 else "left",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
