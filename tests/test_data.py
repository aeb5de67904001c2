"""The evidence base: valid against its schemas, every source resolvable, every estimate a sane range."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from frictionless import Package

from book_paths import DATA, ROOT, bib_keys
from evidence import load

DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = [r["name"] for r in DESCRIPTOR["resources"]]
WITH_KEYS = [r["name"] for r in DESCRIPTOR["resources"] if r["schema"].get("primaryKey")]
WITH_RANGES = [r["name"] for r in DESCRIPTOR["resources"]
               if any(f["name"].endswith("_low") for f in r["schema"]["fields"])]
WITH_SOURCES = [r["name"] for r in DESCRIPTOR["resources"]
                if any(f["name"] == "sources" for f in r["schema"]["fields"])]


def test_data_package_validates_with_frictionless():
    report = Package(str(DATA / "datapackage.json")).validate()
    problems = [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + \
               [f"{e.type}: {e.message}" for e in report.errors]
    assert report.valid, "\n".join(problems[:20])


def test_every_csv_in_data_is_described():
    described = {r["path"] for r in DESCRIPTOR["resources"]}
    on_disk = {p.name for p in DATA.glob("*.csv")}
    assert on_disk == described


@pytest.mark.parametrize("name", RESOURCES)
def test_resource_metadata_is_complete(name):
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    for key in ("title", "description", "licenses", "sources", "x-caveats"):
        assert res.get(key), f"{name}: '{key}' is missing or empty"
    for field in res["schema"]["fields"]:
        assert field.get("description"), f"{name}.{field['name']} has no description"


@pytest.mark.parametrize("name", WITH_SOURCES)
def test_every_source_key_resolves_in_the_bibliography(name):
    keys = bib_keys()
    frame = load(name)
    missing = sorted({k for cell in frame["sources"].dropna() for k in cell.split(";")} - keys)
    assert not missing, f"{name}: keys not in book/references.bib: {missing}"


def test_resource_level_sources_resolve():
    keys = bib_keys()
    for res in DESCRIPTOR["resources"]:
        for source in res["sources"]:
            if "key" in source:
                assert source["key"] in keys, f"{res['name']}: {source['key']}"


@pytest.mark.parametrize("name", WITH_KEYS)
def test_identifiers_are_unique(name):
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    key = res["schema"]["primaryKey"]
    frame = load(name)
    dupes = frame[frame.duplicated(key, keep=False)]
    assert dupes.empty, dupes[key].to_string()


@pytest.mark.parametrize("name", WITH_RANGES)
def test_low_never_exceeds_high(name):
    frame = load(name)
    pairs = [(c, c.replace("_low", "_high")) for c in frame.columns
             if c.endswith("_low") and c.replace("_low", "_high") in frame.columns]
    assert pairs, f"{name} has a *_low field without its *_high"
    for low, high in pairs:
        bad = frame[(frame[low] > frame[high]).fillna(False)]
        assert bad.empty, f"{name}: {low} > {high} in rows {list(bad.index + 2)}"


def test_event_dates_fall_in_their_era():
    events, eras = load("events"), load("eras").set_index("id")
    start = events["era"].map(eras["start"])
    end = events["era"].map(eras["end"])
    wrong = events[(events["date"] < start) | (events["date"] > end)]
    assert wrong.empty, wrong[["id", "date", "era"]].to_string()


def test_day_precision_dates_are_not_placeholders():
    """A date given to the month or year is stored as its first day; say so, rather than claim a day."""
    events = load("events")
    for row in events.itertuples():
        if row.date_precision == "month":
            assert row.date.day == 1, row.id
        if row.date_precision == "year":
            assert (row.date.month, row.date.day) == (1, 1), row.id


def test_low_confidence_rows_say_why():
    for name in WITH_SOURCES:
        frame = load(name)
        if "confidence" not in frame or "note" not in frame:
            continue
        silent = frame[(frame["confidence"] == "low") & frame["note"].isna()]
        assert silent.empty, f"{name}: low-confidence rows without a note: {list(silent.index + 2)}"


def test_mic_korean_war_matches_the_published_ranges():
    """Spot-check the extract against the figures of the dataset itself (stevedata states_war, MIC 51)."""
    mic = load("mic_korean_war").set_index("ccode")
    assert mic.loc[731, ["fatalities_low", "fatalities_high"]].tolist() == [215692, 369411]  # DPRK
    assert mic.loc[710, ["fatalities_low", "fatalities_high"]].tolist() == [198128, 382856]  # PRC
    assert 365 not in mic.index  # no Soviet row: the USSR never formally took part


def test_extracted_files_match_their_recorded_checksums():
    for res in DESCRIPTOR["resources"]:
        if "x-extracted" not in res:
            continue
        digest = hashlib.sha256((DATA / res["path"]).read_bytes()).hexdigest()
        assert res["x-extracted"]["csv_sha256"] == digest, f"{res['path']} was edited by hand"
        assert res["hash"] == f"sha256:{digest}"
        for key in ("package", "version", "file", "file_sha256"):
            assert res["x-extracted"].get(key), f"{res['name']}: provenance lacks {key}"


def test_extraction_from_the_installed_packages_reproduces_the_files():
    result = subprocess.run([sys.executable, str(DATA / "scripts" / "extract_packaged.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("matches the recorded checksum") == sum("x-extracted" in r for r in DESCRIPTOR["resources"])


def test_bibliography_entries_have_a_title_and_year():
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    for entry in re.split(r"\n(?=@)", text):
        if not entry.strip().startswith("@"):
            continue
        key = re.match(r"@\w+\{([^,]+),", entry.strip()).group(1)
        assert re.search(r"\btitle\s*=", entry), f"{key} has no title"
        assert re.search(r"\byear\s*=", entry), f"{key} has no year"


def test_every_era_has_at_least_eight_events():
    counts = load("events")["era"].value_counts()
    for era in load("eras")["id"]:
        assert counts.get(era, 0) >= 8, f"era {era} has only {counts.get(era, 0)} events"


def test_every_leader_meeting_security_council_decision_and_nuclear_test_is_an_event():
    events = load("events")
    days = set(events["date"])
    for row in load("leader_meetings").itertuples():
        end = row.end_date if not pd.isna(row.end_date) else row.start_date
        during = events["date"].between(row.start_date - pd.Timedelta(days=1), end + pd.Timedelta(days=1))
        assert during.any(), f"meeting {row.id} ({row.start_date.date()}) has no event"
    for row in load("unsc_votes").itertuples():
        assert row.date in days, f"{row.id} ({row.date.date()}) has no event"
    for date in load("nuclear_tests")["date"].unique():
        assert date in days, f"nuclear test of {date.date()} has no event"


def test_trade_never_mixes_units_within_a_series():
    trade = load("trade")
    units = trade.groupby("series")["unit"].nunique()
    assert (units == 1).all(), units[units > 1].to_dict()


def test_trade_rows_are_unique_per_year_and_series():
    trade = load("trade")
    dupes = trade[trade.duplicated(["year", "series"], keep=False)]
    assert dupes.empty, dupes[["year", "series"]].to_string()


SCRIPTS = {"Hangul": r"[\uac00-\ud7a3]", "Cyrillic": r"[\u0400-\u04ff]", "Hanzi": r"[\u4e00-\u9fff]"}


def test_native_place_names_are_written_in_their_declared_script():
    places = load("places")
    wrong = [
        f"{p.id} {p.name}: {p.native_name!r} is not {p.script}"
        for p in places.itertuples()
        if not re.fullmatch(rf"({SCRIPTS[p.script]}|[\s\-–.,()])+", p.native_name)
    ]
    assert not wrong, wrong


# Rough boxes (west, east, south, north) that hold each country's part of the book's maps.
COUNTRY_BOXES = {
    "DPRK": [(124.1, 130.7, 37.6, 43.1)],
    "ROK": [(124.5, 131.0, 33.0, 38.7)],
    "PRC": [(73.0, 135.0, 18.0, 53.6)],
    "UKR": [(22.0, 40.3, 44.3, 52.4)],
    "RUS": [(27.0, 60.0, 41.0, 70.0), (60.0, 180.0, 42.2, 78.0)],
}


def test_place_coordinates_fall_inside_their_country():
    """A swapped digit in a coordinate moves a place out of its country; this catches it."""
    places = load("places")
    outside = [
        f"{p.id} {p.name} ({p.latitude}, {p.longitude}) is not in {p.country}"
        for p in places.itertuples()
        if not any(w <= p.longitude <= e and s <= p.latitude <= n for w, e, s, n in COUNTRY_BOXES[p.country])
    ]
    assert not outside, outside


def test_every_event_description_is_one_sentence():
    """The schema promises one sentence per event: generated rows once read 'a draft that would have (US draft) would have...'."""
    events = load("events")
    abbreviations = r"\b(?:Lt|Gen|Adm|Col|Dr|St|No|[A-Z])\.|\b[ap]\.m\."
    bad = []
    for event in events.itertuples():
        text = re.sub(abbreviations, "", event.description)
        if re.search(r"[.!?]['\"’”)]*\s+[A-Z0-9]", text) or not event.description.endswith((".", ".'", '."')):
            bad.append(f"{event.id}: {event.description}")
        if re.search(r"\bwould have\b.*\bwould have\b", event.description) or re.search(r"\b(\w+) \1\b", event.description):
            bad.append(f"{event.id} repeats itself: {event.description}")
    assert not bad, bad
