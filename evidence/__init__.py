"""Helpers for "Moscow and Pyongyang, 1945–2024": load the evidence, draw it in the house style.

Three things and nothing else:

* ``load(name)``: one resource of ``data/datapackage.json`` as a typed DataFrame;
* ``use_house_style()``, ``era_bands()``, ``mark_events()``: the house chart style;
* ``source_line(fig, name)``: the source line under a figure, from the data's own metadata.
"""

from .data import DataError, descriptor, load, resource
from .style import ACTOR_COLOURS, PALETTE, era_bands, mark_events, source_line, source_text, use_house_style

__all__ = [
    "ACTOR_COLOURS", "DataError", "PALETTE", "descriptor", "era_bands", "load", "mark_events",
    "resource", "source_line", "source_text", "use_house_style",
]
