"""Helpers for "Moscow and Pyongyang, 1945–2024": load the evidence, draw it in the house style.

Small on purpose, so that a student reading a chapter sees pandas and matplotlib:

* ``load(name)``: one resource of ``data/datapackage.json`` as a typed DataFrame;
* ``use_house_style()``, ``era_bands()``, ``mark_events()``, ``ACTOR_COLOURS``: the house chart style;
* ``confidence_marker()``, ``confidence_bar()``, ``confidence_legend()``: one way to draw confidence;
* ``draw_map()``, ``draw_parallel()``: a map of a named window from ``geography`` and ``places``;
* ``source_line(fig, name)``: the source line under a figure, from the data's own metadata;
* ``glue()``: hands a number to the book's prose (does nothing outside the book's build environment).
"""

from .data import DataError, descriptor, load, resource
from .maps import draw_map, draw_parallel, window, windows
from .style import (ACTOR_COLOURS, CONFIDENCE, PALETTE, confidence_bar, confidence_legend, confidence_marker,
                    era_bands, glue, mark_events, source_line, source_text, use_house_style)

__all__ = [
    "ACTOR_COLOURS", "CONFIDENCE", "DataError", "PALETTE", "confidence_bar", "confidence_legend",
    "confidence_marker", "descriptor", "draw_map", "draw_parallel", "era_bands", "glue", "load",
    "mark_events", "resource", "source_line", "source_text", "use_house_style", "window", "windows",
]
