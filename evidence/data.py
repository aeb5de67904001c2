"""Load one resource of ``data/datapackage.json`` as a typed pandas DataFrame.

The data package is a Frictionless Data Package: every CSV has a Table Schema
that names its fields, their types and their constraints. ``load`` reads the
CSV as text, checks every cell against that schema and only then converts the
columns, so that a bad value stops the chapter with one message that names the
file, the row and the column, instead of turning silently into a missing value.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

#: Where the data package lives. An installed checkout finds ``data/`` beside
#: the package; ``EVIDENCE_DATA`` points elsewhere (used by the tests).
DEFAULT_PACKAGE = Path(__file__).resolve().parent.parent / "data" / "datapackage.json"

_PANDAS_DTYPES = {
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "string": "string",
}


class DataError(ValueError):
    """A value in a data file breaks its schema.

    The message names the file, the row (as a line number in the CSV, the
    header being line 1) and the column, so the reader can open the file and
    fix that one cell.
    """

    def __init__(self, path: Path | str, row: int, column: str, problem: str):
        self.path, self.row, self.column, self.problem = Path(path), row, column, problem
        super().__init__(f"{Path(path).name}, row {row}, column '{column}': {problem}")


def package_path() -> Path:
    """Return the path of the data package's descriptor."""
    return Path(os.environ.get("EVIDENCE_DATA", DEFAULT_PACKAGE))


def _note_read(path: Path) -> None:
    """Record that a data file was read, when the build asks (``EVIDENCE_READ_LOG`` names a log file).

    The build's execution step uses the log to run a chapter again when, and only when, the
    evidence it read has changed. Outside the build this does nothing.
    """
    log = os.environ.get("EVIDENCE_READ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{Path(path).resolve()}\n")


@lru_cache(maxsize=4)
def _read_descriptor(path: Path) -> dict[str, Any]:
    _note_read(path)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def descriptor(datapackage: Path | str | None = None) -> dict[str, Any]:
    """Return the whole ``datapackage.json`` as a dictionary."""
    return _read_descriptor(Path(datapackage or package_path()).resolve())


def resource(name: str, datapackage: Path | str | None = None) -> dict[str, Any]:
    """Return the descriptor of one resource (its title, sources, schema...)."""
    for res in descriptor(datapackage)["resources"]:
        if res["name"] == name:
            return res
    names = ", ".join(r["name"] for r in descriptor(datapackage)["resources"])
    raise KeyError(f"no resource named {name!r} in the data package (there are: {names})")


def _parse_cell(text: str, field: dict[str, Any]) -> Any:
    """Convert one CSV cell to a Python value, or raise ValueError saying why."""
    kind = field.get("type", "string")
    if kind == "string":
        return text
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date in the form YYYY-MM-DD") from None
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise ValueError(f"{text!r} is not true or false")
    raise ValueError(f"the schema gives an unknown type {kind!r}")


def _check_constraints(value: Any, text: str, field: dict[str, Any]) -> None:
    rules = field.get("constraints", {})
    if "enum" in rules and text not in rules["enum"]:
        raise ValueError(f"{text!r} is not one of {', '.join(rules['enum'])}")
    if "minimum" in rules and value < _parse_cell(str(rules["minimum"]), field):
        raise ValueError(f"{text} is below the minimum {rules['minimum']}")
    if "maximum" in rules and value > _parse_cell(str(rules["maximum"]), field):
        raise ValueError(f"{text} is above the maximum {rules['maximum']}")
    if "pattern" in rules:
        import re

        if not re.fullmatch(rules["pattern"], text):
            raise ValueError(f"{text!r} does not match the pattern {rules['pattern']}")


def read_rows(name: str, datapackage: Path | str | None = None) -> tuple[list[dict[str, Any]], dict]:
    """Read and check every cell of a resource; return the parsed rows and its descriptor.

    Raises ``DataError`` at the first cell that breaks the schema.
    """
    desc_path = Path(datapackage or package_path()).resolve()
    res = resource(name, desc_path)
    csv_path = desc_path.parent / res["path"]
    fields = res["schema"]["fields"]
    _note_read(csv_path)
    with open(csv_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(csv_path, 1, "(header)", "the file is empty") from None
        wanted = [f["name"] for f in fields]
        for column in wanted:
            if column not in header:
                raise DataError(csv_path, 1, column, "this column is missing from the header")
        for column in header:
            if column not in wanted:
                raise DataError(csv_path, 1, column, "this column is not described in datapackage.json")
        rows = []
        for line_no, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                raise DataError(
                    csv_path, line_no, header[min(len(cells), len(header)) - 1],
                    f"the row has {len(cells)} cells but the header has {len(header)}",
                )
            raw = dict(zip(header, cells))
            row = {}
            for field in fields:
                text = raw[field["name"]].strip()
                if text == "":
                    if field.get("constraints", {}).get("required"):
                        raise DataError(csv_path, line_no, field["name"], "a value is required here")
                    row[field["name"]] = None
                    continue
                try:
                    value = _parse_cell(text, field)
                    _check_constraints(value, text, field)
                except ValueError as err:
                    raise DataError(csv_path, line_no, field["name"], str(err)) from None
                row[field["name"]] = value
            rows.append(row)
    _check_references(rows, res, csv_path, desc_path)
    return rows, res


def _check_references(rows: list[dict[str, Any]], res: dict, csv_path: Path, desc_path: Path) -> None:
    """Check the resource's foreign keys: every code it uses must be defined in the resource it names.

    ``foreignKeys`` are Table Schema's own (one value per cell); ``x-listForeignKeys`` are this book's
    extension for cells that hold several codes separated by ``separator`` (e.g. "USSR;DPRK").
    """
    schema = res["schema"]
    checks = [(fk, None) for fk in schema.get("foreignKeys", [])]
    checks += [(fk, fk["separator"]) for fk in schema.get("x-listForeignKeys", [])]
    for fk, separator in checks:
        column, target = fk["fields"], fk["reference"]
        target_rows, target_res = read_rows(target["resource"], desc_path)
        known = {r[target["fields"]] for r in target_rows}
        for line_no, row in enumerate(rows, start=2):
            cell = row[column]
            if cell is None:
                continue
            for value in (cell.split(separator) if separator else [cell]):
                if value not in known:
                    raise DataError(
                        csv_path, line_no, column,
                        f"{value!r} is not a known {target['fields']} in {target_res['path']} "
                        f"(known: {', '.join(sorted(map(str, known)))})",
                    )


def load(name: str, datapackage: Path | str | None = None) -> pd.DataFrame:
    """Return one resource of the data package as a typed DataFrame.

    Integer columns become pandas ``Int64`` (which can hold a missing value),
    numbers ``float64``, dates ``datetime64``, text ``string``. The schema is
    kept in ``df.attrs["resource"]`` so that a chart can cite its sources.

    >>> trade = load("trade")          # doctest: +SKIP
    """
    rows, res = read_rows(name, datapackage)
    columns = [f["name"] for f in res["schema"]["fields"]]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for field in res["schema"]["fields"]:
        col = field["name"]
        kind = field.get("type", "string")
        if kind == "date":
            frame[col] = pd.to_datetime(frame[col])
        else:
            frame[col] = frame[col].astype(_PANDAS_DTYPES[kind])
    frame.attrs["resource"] = _Description(res)
    return frame


class _Description(dict):
    """A resource's description, as kept in ``df.attrs``: shared, not copied.

    pandas deep-copies ``attrs`` into every frame derived from another (each filter, each column), and
    a description with its schema and sources is a few hundred small objects: about a fifth of a
    chapter's run went into those copies. The description is only read, so every frame derived from a
    loaded one shares it.
    """

    def __deepcopy__(self, memo):
        return self
