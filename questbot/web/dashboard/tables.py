"""Tables, shown as HTML and downloaded as CSV. A CSV cell that a spreadsheet would run as a
formula (starting with = + - @, or a tab or carriage return) gets a leading apostrophe."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiohttp import web

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FILE_NAME = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Cell = str | int | float | Link | None


@dataclass
class Table:
    """One table of a page: its name (the CSV's file name and its ?csv= value), headings
    and rows."""

    name: str
    headings: Sequence[str]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    caption: str = ""


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Link):
        return cell.text
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def defused(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([defused(h) for h in table.headings])
    for row in table.rows:
        writer.writerow([defused(cell_text(cell)) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: spreadsheets read UTF-8


def csv_response(table: Table, stem: str) -> web.Response:
    name = _FILE_NAME.sub("-", f"{stem}-{table.name}".lower()).strip("-")[:80] or "table"
    return web.Response(body=csv_bytes(table), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"',
                                 "Cache-Control": "no-store"})
