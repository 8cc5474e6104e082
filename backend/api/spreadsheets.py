"""CSV for spreadsheets: the one place a cell is made safe to open in Excel or LibreOffice.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by a
spreadsheet as a formula (OWASP, "CSV Injection"); a worker's name or a reference typed as
``=HYPERLINK(...)`` would run when a manager opens the export. Such a cell is prefixed with an
apostrophe, which spreadsheets show as text and do not display. Numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    """``text/csv`` with a header row, every cell made safe, for download as ``filename``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    response = Response(buffer.getvalue(), status=200, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
