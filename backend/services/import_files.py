"""Reading a case file into numbered case mappings: a JSON array of cases, or a CSV.

A file that cannot be read as a whole (not UTF-8, not JSON, nested too deeply, no header)
raises ``InvalidCase`` naming the file or the line; the rows themselves are checked later,
one by one (services/imports.py).

CSV columns (header row required, in any order):
  reference, name, date_of_birth, plan_type, plan_start, plan_end, placement,
  social_worker_email, personal_adviser_email
and optionally household (the child's family or sibling-group key).
Rows sharing a reference are one child with several episodes; empty cells mean none.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..core.errors import InvalidCase

CSV_COLUMNS = (
    "reference",
    "name",
    "date_of_birth",
    "plan_type",
    "plan_start",
    "plan_end",
    "placement",
    "social_worker_email",
    "personal_adviser_email",
)
CSV_ALLOCATION_COLUMNS = {"social_worker_email": "social_worker", "personal_adviser_email": "personal_adviser"}


def decode_case_file(data: bytes) -> str:
    """The file's text. UTF-8 only, with or without the byte-order mark Excel writes: a
    Latin-1 or Windows-1252 file is refused rather than guessed at, as a wrong guess turns
    names into other names without any error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data.count(b"\n", 0, problem.start) + 1
        raise InvalidCase(
            None, f"(line {line})", "the file is not UTF-8; save it as UTF-8 (CSV UTF-8 in Excel)"
        ) from None


def read_case_rows(text: str, filename: str) -> list[tuple[int, Any]]:
    """(row number, case mapping) for each case in a JSON array or a CSV file."""
    return read_import_rows(text, filename)[0]


def read_import_rows(text: str, filename: str) -> tuple[list[tuple[int, Any]], list[tuple[int, Any]]]:
    """(cases, carers), each as (row number, mapping): a JSON array of cases, a JSON object
    ``{"cases": [...], "carers": [...]}`` (either list may be left out), or a CSV of cases."""
    if filename.lower().endswith(".csv"):
        return csv_cases(text), []
    try:
        document = json.loads(text)
    except RecursionError:
        # json recurses once per level; 100,000 nested brackets exceed the interpreter's limit.
        raise InvalidCase(None, "(file)", "not a case file: nested too deeply") from None
    except ValueError as problem:
        # JSONDecodeError, and the ValueError of an integer longer than Python converts.
        raise InvalidCase(None, "(file)", f"not valid JSON: {problem}") from None
    # An object is an import document only if it says so; a lone case object stays refused as before.
    if isinstance(document, dict) and ("cases" in document or "carers" in document):
        unknown = sorted(set(document) - {"cases", "carers"})
        if unknown:
            raise InvalidCase(None, "(file)", f"unknown key {unknown[0]!r}: expected 'cases' and 'carers'")
        cases, carers = document.get("cases", []), document.get("carers", [])
        if not isinstance(cases, list) or not isinstance(carers, list):
            raise InvalidCase(None, "(file)", "'cases' and 'carers' must be JSON arrays")
        return list(enumerate(cases, start=1)), list(enumerate(carers, start=1))
    if not isinstance(document, list):
        raise InvalidCase(None, "(file)", "expected a JSON array of cases (or an object of 'cases' and 'carers')")
    return list(enumerate(document, start=1)), []


def csv_cases(text: str) -> list[tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return merged_csv_rows(reader)
    except csv.Error as problem:  # a cell over csv's size limit, a stray quote in strict mode
        raise InvalidCase(None, f"(line {reader.line_num})", f"not a readable CSV: {problem}") from None


def merged_csv_rows(reader: csv.DictReader[str]) -> list[tuple[int, Any]]:
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InvalidCase(None, "(header)", f"missing columns: {', '.join(missing)}")
    merged: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, row in enumerate(reader, start=2):
        # A row longer than the header keeps its extra cells under the key None, as a list.
        cells = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        first_row, case = merged.setdefault(cells["reference"] or f"(row {number})", (number, csv_case(cells)))
        if first_row != number:
            more = csv_case(cells)
            case["episodes"].extend(more["episodes"])
            held = {allocation["role"] for allocation in case["allocations"]}
            case["allocations"].extend(item for item in more["allocations"] if item["role"] not in held)
    return list(merged.values())


def csv_case(cells: dict[str, str]) -> dict[str, Any]:
    episode = {
        "type": cells["plan_type"] or None,
        "start": cells["plan_start"] or None,
        "end": cells["plan_end"] or None,
        "placement": cells["placement"] or None,
    }
    allocations = [
        {"worker_email": cells[column], "role": role}
        for column, role in CSV_ALLOCATION_COLUMNS.items()
        if cells[column]
    ]
    return {
        "reference": cells["reference"],
        "name": cells["name"],
        "date_of_birth": cells["date_of_birth"] or None,
        "household": cells.get("household") or None,
        "episodes": [episode] if cells["plan_type"] or cells["plan_start"] else [],
        "allocations": allocations,
    }
