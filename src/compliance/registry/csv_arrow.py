"""The columnar fast path for CSV files: PyArrow reads a well-formed file, all cells as text.

Python's ``csv`` module, the NFC pass over the text and turning rows into columns took about half
of a national import. PyArrow parses the file in C++ on every core and hands over columns, so
this module only has to decide whether its answer is exactly what the strict reader
(:mod:`compliance.registry.csv_text`) would give. Whenever that is not certain — a quote
anywhere, a NUL, bytes that are not UTF-8, a row with more or fewer cells than the header, a blank
line, a cell or line beyond the limits — it returns ``None`` and the file is read the exact way,
which reports every problem with its line. Cells come out as the strict reader's: NFC, stripped,
empty as ``None``; row numbers count the header as 1 (a file read here has one record a line).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from compliance.registry.safety import MAX_LINE_CHARS


@dataclass
class ArrowColumns:
    """A whole CSV file as text columns, one per header position, as written (not yet NFC:
    Python's normaliser, per distinct value, is several times faster than Arrow's)."""

    table: pa.Table

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)

    def column(self, position: int, start: int, stop: int) -> list[Any]:
        """Cells ``start:stop`` of a column as the strict reader cleans them.

        A column that repeats its values (dates, choices, codes of a parent) is cleaned once per
        distinct value and expanded through the dictionary's indices, so the repeats are one
        shared Python object (a national registry holds millions of them until the write).
        """
        part = self.table.column(position).slice(start, stop - start)
        encoded = pc.dictionary_encode(part).combine_chunks()
        distinct = encoded.dictionary.to_pylist()
        if 2 * len(distinct) > len(part):  # mostly unique: keys, names, notes
            return _clean(part.to_pylist())
        cleaned = _clean(distinct)
        return list(map(cleaned.__getitem__, encoded.indices.to_pylist()))

    def row(self, position: int) -> list[Any]:
        """Every cell of one row, cleaned (for the rejects file)."""
        cells = [self.table.column(i)[position].as_py() for i in range(self.table.num_columns)]
        return [_nfc(c).strip() or None for c in cells]


def _clean(values: list[str]) -> list[Any]:
    cells = list(map(str.strip, map(_nfc, values)))  # C loops: no Python frame per cell
    return [c or None for c in cells] if "" in cells else cells


# Returns text already in NFC (ASCII included) unchanged after a quick check, in C.
_nfc = partial(unicodedata.normalize, "NFC")


def read_columns(
    path: Path,
    delimiter: str,
    width: int,
    *,
    most_rows: int,
    field_chars: int,
) -> ArrowColumns | None:
    """The file as columns, or ``None`` when only the strict reader can say what it holds."""
    if width < 2 or not _plain(path):
        return None
    names = [str(i) for i in range(width)]
    try:
        table = pacsv.read_csv(  # skips a UTF-8 byte order mark, as "utf-8-sig" does
            str(path),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None  # ragged or blank rows, bad UTF-8: the strict reader reports them
    if table.num_rows > most_rows or table.num_columns != width:
        return None
    longest = [_longest(table.column(i)) for i in range(width)]
    if max(longest, default=0) > field_chars or sum(longest) + width > MAX_LINE_CHARS:
        return None
    # A row whose first cell is only white space may be blank, which the strict reader skips.
    # Arrow finds the first cells without a letter or digit (a superset); Python's own strip
    # decides on those few.
    first = table.column(0)
    suspects = pc.filter(first, pc.match_substring_regex(first, _NO_WORD)).to_pylist()
    if not all(map(str.strip, suspects)):
        return None
    return ArrowColumns(table)


_NO_WORD = r"^[^\p{L}\p{N}]*$"


def _plain(path: Path) -> bool:
    """No quote (quoting rules differ between readers) and no NUL (an error there), read a
    block at a time so the file is never in memory twice."""
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            if b'"' in block or b"\x00" in block:
                return False
    return True


def _longest(column: pa.ChunkedArray) -> int:
    if len(column) == 0:
        return 0
    return int(pc.max(pc.binary_length(column)).as_py() or 0)


def chunk_bounds(rows: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, rows, size):
        yield start, min(start + size, rows)
