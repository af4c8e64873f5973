"""Writing a generated registry: one CSV file or XLSX workbook per table, cells preformatted.

Kept apart from :mod:`compliance.generate`, which only decides what the rows say. Rows reach a
:class:`Sink` with finished cells: dates come from :func:`date_cells` (a string per day for CSV,
a ``date`` for XLSX), booleans from :func:`boolean_cells`, None is an empty cell. Output is
byte-for-byte reproducible: XLSX files carry the ``until`` day as their timestamps.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from compliance.generate.options import GenerateOptions
from compliance.registry.contract import Table

PROGRESS_EVERY = 10_000
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
FIRST_DAY = date(1900, 1, 1)  # the earliest date a cell table holds

_BOOLEANS: dict[str, tuple[Any, Any]] = {
    "en": ("false", "true"),
    "vi": ("không", "có"),
    "xlsx": (False, True),  # typed cells, read back as booleans whatever the language
}

Progress = Callable[[str, int], None]


def date_cells(options: GenerateOptions, last: int) -> list[Any]:
    """Day ordinal → finished cell, up to ordinal ``last``; index 0 (and any before 1900) is None.

    A date then costs the generator one list lookup: ISO or DD/MM/YYYY text for CSV, a real
    ``date`` for XLSX (shown DD/MM/YYYY by :class:`Sink` when Vietnamese dates are asked for).
    """
    first = FIRST_DAY.toordinal()
    days: list[Any] = [date.fromordinal(o) for o in range(first, last + 1)]
    if options.fmt == "csv":
        days = [f"{d:%d/%m/%Y}" if options.dates == "vn" else d.isoformat() for d in days]
    return [None] * first + days


def boolean_cells(options: GenerateOptions) -> tuple[Any, Any]:
    """(false, true) as cells: Vietnamese words under Vietnamese headers, typed in XLSX."""
    return _BOOLEANS["xlsx" if options.fmt == "xlsx" else options.headers]


class Sink:
    """One table's file. Cells arrive finished (dates and booleans mapped); None is empty."""

    def __init__(
        self, folder: Path, table: Table, options: GenerateOptions, progress: Progress | None
    ) -> None:
        self.table, self.rows, self.progress = table.name, 0, progress
        self.path = folder / f"{table.name}.{options.fmt}"
        self.stamp = datetime.combine(options.until, datetime.min.time())
        self.vn_dates = options.dates == "vn"
        header = [c.label_vi if options.headers == "vi" else c.name for c in table.columns]
        if options.fmt == "csv":
            self.file = self.path.open("w", encoding="utf-8", newline="", buffering=1 << 20)
            self.append: Callable[[list[Any]], object] = csv.writer(
                self.file, lineterminator="\n"
            ).writerow
        else:
            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet(table.name)
            self.append = self._append_xlsx
        self.append(header)

    def _append_xlsx(self, row: list[Any]) -> None:
        if self.rows >= XLSX_MAX_ROWS:
            raise ValueError(f"{self.table}: an XLSX sheet holds {XLSX_MAX_ROWS:,} rows; use csv")
        if self.vn_dates:  # still a real date cell, shown the Vietnamese way
            row = [self._vn_cell(v) if type(v) is date else v for v in row]
        self.sheet.append(row)

    def _vn_cell(self, value: date) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell

    def write(self, row: list[Any]) -> None:
        self.append(row)
        self.rows += 1
        if self.progress and self.rows % PROGRESS_EVERY == 0:
            self.progress(self.table, self.rows)

    def close(self) -> None:
        if self.path.suffix == ".csv":
            self.file.close()
        else:
            self.book.properties.created = self.stamp
            self.book.save(self.path)
            _pin_zip(self.path, self.stamp)
        if self.progress:
            self.progress(self.table, self.rows)


def _pin_zip(path: Path, stamp: datetime) -> None:
    """Make an XLSX reproducible: openpyxl stamps the save time into the zip and core.xml."""
    with zipfile.ZipFile(path) as old:
        entries = [(info.filename, old.read(info)) for info in old.infolist()]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, data)
            info = zipfile.ZipInfo(name, stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, data)
