"""CSV text as the contract reads it: strict quoting, NFC lines, bounded reads, located errors.

A quote left open or misplaced is an error with the line it starts on, never a cell that swallows
the rest of the file; a file with no line break cannot fill memory.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

from compliance.registry.issues import Issue, SourceError
from compliance.registry.safety import MAX_LINE_CHARS, limits

# Lines end at \n, \r\n or \r only: str.splitlines also cuts at \x0b, \x0c, \x1c–\x1e, \x85,
# U+2028 and U+2029, which would split a record in two where such a character is in a cell.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LINES = re.compile(r"[^\r\n]*(?:\r\n?|\n)")


class TooManyRows(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class LineTooLong(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@contextmanager
def csv_errors(path: Path, label: str, table: str) -> Iterator[None]:
    """Turn what reading a CSV file can raise into a located :class:`SourceError`."""

    def refuse(code: str, **params: Any) -> SourceError:
        return SourceError(Issue.make(code, file=label, table=table, **params))

    try:
        yield
    except UnicodeDecodeError as exc:
        raise refuse("file.encoding", reason=exc) from exc
    except csv.Error as exc:
        raise SourceError(_csv_issue(path, label, table)) from exc
    except LineTooLong as exc:
        raise refuse(
            "file.line_too_long", row=exc.line, line=exc.line, limit=MAX_LINE_CHARS
        ) from exc
    except TooManyRows as exc:
        raise refuse("file.too_many_rows", limit=exc.limit) from exc


def _csv_issue(path: Path, label: str, table: str) -> Issue:
    """The CSV syntax error of ``source`` with the line it starts on: the fast read lost track
    of lines, so the file is read again record by record (only when it is broken)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv_reader(handle)
        start = 1
        try:
            while next(reader, None) is not None:
                start = reader.line_num + 1
        except csv.Error as exc:
            reason = str(exc)
            where = {"file": label, "table": table}
            if "unexpected end of data" in reason:
                return Issue.make("file.unclosed_quote", row=start, line=start, **where)
            if "field larger than field limit" in reason:
                limit = limits().field_chars
                return Issue.make(
                    "file.cell_too_large", row=start, line=start, limit=limit, **where
                )
            if "expected after" in reason:
                line = reader.line_num
                return Issue.make("file.stray_quote", row=line, line=line, **where)
            return Issue.make(
                "file.unreadable", row=start, reason=f"dòng {start}: {reason}", **where
            )
    return Issue.make("file.unreadable", file=label, reason="lỗi CSV")


def csv_reader(handle: Any) -> Any:
    """A strict ``csv.reader`` (a quote left open or misplaced is an error, never a cell that
    swallows the rest of the file) over NFC lines; the delimiter is the header line's most
    frequent of comma, semicolon and tab."""
    first = handle.readline(1 << 20)
    handle.seek(0)
    csv.field_size_limit(limits().field_chars)
    return csv.reader(_nfc_lines(handle), delimiter=delimiter(first), strict=True)


def delimiter(header: str) -> str:
    """The header line's most frequent of comma, semicolon and tab."""
    return max((",", ";", "\t"), key=header.count)


def _nfc_lines(handle: Any) -> Iterator[str]:
    """Lines in NFC, normalised about a megabyte at a time (whole lines, so no character is
    split from its combining marks): one C call per batch instead of one per cell. Reads are
    bounded, so a file with no line break (``/dev/zero`` behind a name) cannot fill memory."""
    return chain.from_iterable(_nfc_batches(handle))


def _nfc_batches(handle: Any) -> Iterator[list[str]]:
    rest = ""
    lines = 0
    while block := handle.read(1 << 20):
        text = rest + block
        cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
        if not cut:
            if len(text) > MAX_LINE_CHARS:
                raise LineTooLong(lines + 1)
            rest = text
            continue
        rest = text[cut:]
        batch = _nfc_split(text[:cut])
        lines += len(batch)
        yield batch
    if rest:
        yield _nfc_split(rest)


def _nfc_split(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends=True)
    lines = _LINES.findall(text)
    tail = text[sum(map(len, lines)) :]
    return [*lines, tail] if tail else lines
