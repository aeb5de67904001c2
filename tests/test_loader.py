"""The loader turns every resource into typed columns, and rejects a bad cell with file, row and column."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from book_paths import DATA
from evidence import DataError, load


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of data/ that a test may corrupt; returns (descriptor path, folder)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("scripts", "__pycache__"))
    return target / "datapackage.json", target


def _rewrite(path, change):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(change(lines)), encoding="utf-8")


def test_every_resource_loads_with_schema_types():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        frame = load(res["name"])
        assert len(frame) > 0, res["name"]
        for field in res["schema"]["fields"]:
            dtype = frame[field["name"]].dtype
            expected = {
                "integer": pd.api.types.is_integer_dtype, "number": pd.api.types.is_float_dtype,
                "date": pd.api.types.is_datetime64_any_dtype, "boolean": pd.api.types.is_bool_dtype,
                "string": pd.api.types.is_string_dtype,
            }[field["type"]]
            assert expected(dtype), f"{res['name']}.{field['name']} has dtype {dtype}"


def test_a_frame_and_the_frames_made_from_it_carry_its_description_without_copying_it():
    import copy

    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    trade = load("trade")
    described = trade.attrs["resource"]
    assert described == next(r for r in descriptor["resources"] if r["name"] == "trade")
    # pandas deep-copies attrs into each derived frame; copying the description cost a fifth of a chapter's run
    derived = trade[trade["year"] > 2000][["year"]].reset_index(drop=True)
    assert derived.attrs["resource"] is described
    assert copy.deepcopy(trade).attrs["resource"] is described
    assert load("trade").attrs["resource"] is not described, "each load gets its own description to change"


def test_eras_are_typed_and_cover_1945_to_2024():
    eras = load("eras")
    assert eras["number"].tolist() == list(range(1, len(eras) + 1)), "eras are numbered 1, 2, 3... in order"
    assert eras["start"].iloc[0] == pd.Timestamp("1945-08-01")
    assert eras["end"].iloc[-1] == pd.Timestamp("2024-12-31")
    # eras follow each other without gap or overlap
    gaps = (eras["start"].iloc[1:].to_numpy() - eras["end"].iloc[:-1].to_numpy())
    assert all(g == pd.Timedelta(days=1) for g in gaps)


def test_missing_column_is_named(data_copy):
    descriptor, folder = data_copy
    # drop the 'short_title' column (the fourth) from every line of eras.csv
    _rewrite(folder / "eras.csv", lambda lines: [
        ",".join(part for i, part in enumerate(_split(line)) if i != 3) + "\n" for line in lines])
    with pytest.raises(DataError) as err:
        load("eras", descriptor)
    assert str(err.value) == "eras.csv, row 1, column 'short_title': this column is missing from the header"
    assert err.value.row == 1 and err.value.column == "short_title"


def test_non_numeric_value_is_named(data_copy):
    descriptor, folder = data_copy
    _rewrite(folder / "eras.csv", lambda lines: lines[:3] + [lines[3].replace(",3,", ",three,", 1)] + lines[4:])
    with pytest.raises(DataError) as err:
        load("eras", descriptor)
    assert err.value.row == 4 and err.value.column == "number"
    assert "eras.csv, row 4, column 'number'" in str(err.value)
    assert "'three' is not a whole number" in str(err.value)


def test_impossible_date_is_named(data_copy):
    descriptor, folder = data_copy
    _rewrite(folder / "eras.csv", lambda lines: lines[:2] + [lines[2].replace("1953-07-27", "1953-02-30")] + lines[3:])
    with pytest.raises(DataError) as err:
        load("eras", descriptor)
    assert (err.value.path.name, err.value.row, err.value.column) == ("eras.csv", 3, "end")
    assert "'1953-02-30' is not a real date" in str(err.value)


def test_value_outside_the_schema_enum_is_named(data_copy):
    descriptor, folder = data_copy
    _rewrite(folder / "events.csv", lambda lines: lines[:1] + [lines[1].replace(",day,", ",dai,", 1)] + lines[2:])
    with pytest.raises(DataError, match=r"events.csv, row 2, column 'date_precision': 'dai' is not one of"):
        load("events", descriptor)


def test_unknown_actor_code_is_named_with_the_known_ones(data_copy):
    descriptor, folder = data_copy
    _rewrite(folder / "events.csv", lambda lines: lines[:1] + [lines[1].replace("USSR;JPN", "USSR;XYZ", 1)] + lines[2:])
    with pytest.raises(DataError) as err:
        load("events", descriptor)
    assert (err.value.row, err.value.column) == (2, "actors")
    assert "'XYZ' is not a known code in actors.csv (known: DPRK, JPN, PRC, ROK, RUS, UKR, UN, USA, USSR, other)" in str(err.value)


def test_unknown_era_is_named(data_copy):
    descriptor, folder = data_copy
    _rewrite(folder / "events.csv", lambda lines: lines[:1] + [lines[1].replace(",liberation,", ",liberashun,", 1)] + lines[2:])
    with pytest.raises(DataError, match=r"events.csv, row 2, column 'era': 'liberashun' is not a known id in eras.csv"):
        load("events", descriptor)


def test_a_colour_for_every_actor_and_a_clear_error_for_an_unknown_one():
    from evidence import ACTOR_COLOURS

    used = set()
    for name, column in (("events", "actors"), ("deployments", "sent_to"), ("deployments", "sent_by"),
                         ("places", "country"), ("leader_meetings", "host_country")):
        used |= {code for cell in load(name)[column].dropna() for code in cell.split(";")}
    assert all(ACTOR_COLOURS[code].startswith("#") for code in used)
    with pytest.raises(KeyError, match="unknown actor code 'XYZ': data/actors.csv defines USSR, RUS"):
        ACTOR_COLOURS["XYZ"]



def test_confidence_legends_draw_without_warnings():
    """A warning in a chapter cell reaches stderr and fails the notebook: the bar legend once raised one."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evidence import confidence_bar, confidence_legend

    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for grade in ("high", "medium", "low"):
            ax.barh(0, 1, **confidence_bar(grade, "#0072B2"))
        legend = confidence_legend(ax, kind="bar")
        confidence_legend(ax, kind="marker")
    assert [t.get_text() for t in legend.get_texts()][0].startswith("high confidence")
    plt.close(fig)

def test_a_corrupt_copy_leaves_the_original_untouched(data_copy):
    descriptor, folder = data_copy
    before = (DATA / "eras.csv").read_bytes()
    (folder / "eras.csv").write_text("nonsense\n", encoding="utf-8")
    with pytest.raises(DataError):
        load("eras", descriptor)
    assert (DATA / "eras.csv").read_bytes() == before


def _split(line: str) -> list[str]:
    import csv

    return next(csv.reader([line.rstrip("\n")]))


RESOURCES = [r["name"] for r in json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]]


@pytest.mark.parametrize("name", RESOURCES)
def test_a_corrupt_copy_of_every_resource_is_rejected_with_file_row_and_column(name, data_copy):
    """Put a value of the wrong type (or an empty required cell) in the third data row of each CSV."""
    import csv

    descriptor, folder = data_copy
    res = next(r for r in json.loads(descriptor.read_text(encoding="utf-8"))["resources"] if r["name"] == name)
    typed = [f for f in res["schema"]["fields"] if f.get("type") in ("integer", "number", "date", "boolean")]
    field = typed[0] if typed else next(f for f in res["schema"]["fields"] if f.get("constraints", {}).get("required"))
    bad = "n/a" if typed else ""
    path = folder / res["path"]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index(field["name"])] = bad
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(DataError) as err:
        load(name, descriptor)
    assert (err.value.path.name, err.value.row, err.value.column) == (res["path"], 4, field["name"])
    assert str(err.value).startswith(f"{res['path']}, row 4, column '{field['name']}': ")


def test_the_helpers_glue_writes_what_myst_nb_glue_writes(monkeypatch):
    """evidence.glue avoids importing myst-nb; its output must stay the one myst-nb reads."""
    import IPython.display
    from myst_nb.ext import glue as myst_glue

    from evidence import style

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *args, **kwargs: calls.append((args, kwargs)))
    for value in (1234, "text", pd.DataFrame({"a": [1]})):
        style.glue("n", value)
        myst_glue.glue("n", value, display=False)
        assert calls[-2] == calls[-1]
    assert style.GLUE_PREFIX == myst_glue.GLUE_PREFIX

def test_the_confidence_legend_for_bars_draws_without_a_warning():
    """A warning is stderr in a notebook, and stderr fails the build: the bar legend once warned on every call."""
    import warnings

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evidence import confidence_bar, confidence_legend

    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.barh([0], [1], **confidence_bar("high", "#D55E00"))
        legend = confidence_legend(ax, kind="bar", colour="#D55E00")
    solid, hatched, outlined = legend.get_patches()
    assert solid.get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb("#D55E00"))
    assert hatched.get_hatch() == "////" and outlined.get_facecolor()[:3] == pytest.approx((1, 1, 1))
    plt.close(fig)
