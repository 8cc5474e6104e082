"""Reading a directory of SSD CSV extracts (``<table>.csv``, one per table) into rows.

A file is checked as a whole first: UTF-8 (with or without Excel's byte-order mark), a
header naming every column this service reads (columns.REQUIRED, exact names; extra columns
are ignored). Cells are stripped text; a row's number is its line in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InvalidCase
from ..services.import_files import decode_case_file
from .columns import REQUIRED

# ssd_person is the list of children: without it there is nothing to import.
NEEDED_TABLES = ("ssd_person",)

Row = tuple[int, dict[str, str]]


@dataclass
class Extract:
    tables: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])


def read_extract(directory: Path) -> Extract:
    extract = Extract()
    for table, columns in REQUIRED.items():
        path = directory / f"{table}.csv"
        if not path.is_file():
            if table in NEEDED_TABLES:
                extract.problems.append(f"{path.name}: missing; it lists the children")
            continue
        try:
            extract.tables[table] = read_table(decode_case_file(path.read_bytes()), columns)
        except InvalidCase as problem:
            extract.problems.append(f"{path.name}: {problem.field}: {problem.problem}")
    return extract


def read_table(text: str, columns: tuple[str, ...]) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in columns if name not in header]
        if missing:
            raise InvalidCase(None, "(header)", f"missing columns: {', '.join(missing)}")
        reader.fieldnames = header
        return [
            (reader.line_num, {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)})
            for row in reader
        ]
    except csv.Error as problem:
        raise InvalidCase(None, f"(line {reader.line_num})", f"not a readable CSV: {problem}") from None
