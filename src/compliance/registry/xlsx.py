"""XLSX sheets read without trusting what the file says about itself.

openpyxl's read-only mode stops at the ``<dimension>`` a sheet declares (a sheet declaring
``A1:I10`` with 301 rows gives 9), reads a formula never calculated as an empty cell and an
Excel error (``#REF!``) as text. So the rows are read here from the sheet's XML with openpyxl's
own cell parser, to the last ``<row>``; a cell with no usable value becomes a
:class:`~compliance.registry.cells.BadCell` that validation reports with its coordinates; a
number shown with leading zeros (format ``0000000000``) is read as the text Excel shows.

Before openpyxl opens a workbook, :func:`check_workbook` refuses zip bombs and XML that Python's
expat parser (2.5 here) reads in quadratic time: it re-scans an unfinished token on every 16 KiB
it is fed, so one 64 MB comment takes minutes. A workbook has no DOCTYPE, no comment,
processing instruction or CDATA longer than 64 KiB, and no 256 KiB without markup (Excel's
longest cell is 32,767 characters): those are refused, and then no token is long enough to
matter.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from compliance.registry.cells import BadCell
from compliance.registry.issues import Issue
from compliance.registry.safety import limits

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_MAX_COLUMNS = 16_384  # Excel's last column, XFD
_MAX_PARTS = 10_000
_RATIO_FROM = 1 << 20  # parts smaller than this may compress as well as they like
_BLOCK = 256 * 1024  # a run without "<" this long (aligned) is refused
_READ = 4 * _BLOCK
_PADDED = re.compile(r"0{2,}")
_OPENER = re.compile(rb"<[?!]")
_CDATA = b"<![CDATA["
_MAX_SPECIAL = 64 * 1024  # longest comment, CDATA or processing instruction accepted


class WorkbookError(Exception):
    """Why a workbook may not be read (the caller names the file)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def issue(self, file: str, table: str | None = None) -> Issue:
        return Issue.make(self.code, file=file, table=table, **self.params)


def check_workbook(path: Path) -> None:
    """Raise :class:`WorkbookError` for a zip bomb or XML expat cannot read in linear time."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError("file.unreadable", reason=exc) from exc
    with archive:
        parts = archive.infolist()
        _check_sizes(parts)
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels")):
                _check_markup(archive, part)


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    """Sizes as the zip declares them: zipfile never inflates a part beyond its declared size."""
    bound = limits()
    if len(parts) > _MAX_PARTS:
        raise WorkbookError("file.zip_bomb", detail=f"{len(parts):,} phần".replace(",", "."))
    total = sum(p.file_size for p in parts)
    if total > bound.xlsx_uncompressed_bytes:
        detail = f"{total:,} byte khi giải nén, giới hạn {bound.xlsx_uncompressed_bytes:,}"
        raise WorkbookError("file.zip_bomb", detail=detail.replace(",", "."))
    for part in parts:
        if part.file_size > _RATIO_FROM and part.file_size > bound.xlsx_ratio * max(
            part.compress_size, 1
        ):
            detail = (
                f"phần {part.filename}: {part.file_size:,} byte từ {part.compress_size:,} "
                f"byte nén, gấp hơn {bound.xlsx_ratio} lần"
            )
            raise WorkbookError("file.zip_bomb", detail=detail.replace(",", "."))


def _check_markup(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    def unsafe(detail: str) -> WorkbookError:
        return WorkbookError("file.xml_unsafe", member=part.filename, detail=detail)

    with archive.open(part) as stream:
        pending = b""
        first = True
        while chunk := stream.read(_READ):
            if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
                raise unsafe("mã hóa UTF-16")
            first = False
            for start in range(0, len(chunk) - _BLOCK + 1, _BLOCK):
                if chunk.find(b"<", start, start + _BLOCK) < 0:
                    raise unsafe(f"một thẻ hoặc đoạn văn bản dài hơn {_BLOCK // 1024} KiB")
            pending = _check_declarations(pending + chunk, unsafe)


def _check_declarations(data: bytes, unsafe: Callable[[str], WorkbookError]) -> bytes:
    """Refuse DOCTYPEs and long comments, CDATA or processing instructions in ``data``; return
    the unfinished construct at its end (at most :data:`_MAX_SPECIAL` bytes) for the next read."""
    position = 0
    while match := _OPENER.search(data, position):
        start = match.start()
        head = data[start : start + len(_CDATA)]
        if head.startswith(b"<?"):
            end = b"?>"
        elif head.startswith(b"<!--"):
            end = b"-->"
        elif head.startswith(_CDATA):
            end = b"]]>"
        elif len(head) < len(_CDATA) and (_CDATA.startswith(head) or b"<!--".startswith(head)):
            return data[start:]  # cut by the read: decided with the next one
        else:
            raise unsafe("khai báo DOCTYPE hoặc <!…>")
        stop = data.find(end, start + 2, start + _MAX_SPECIAL)
        if stop < 0:
            if len(data) - start < _MAX_SPECIAL:
                return data[start:]
            raise unsafe(f"chú thích, CDATA hoặc chỉ dẫn <?…?> dài hơn {_MAX_SPECIAL // 1024} KiB")
        position = stop + len(end)
    return data[-1:] if data.endswith(b"<") else b""


def sheet_names(path: Path) -> list[str]:
    workbook = open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def open_workbook(path: Path) -> Workbook:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise WorkbookError("file.unreadable", reason=exc) from exc


def sheet_rows(path: Path, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for every ``<row>`` of the sheet, whatever its ``<dimension>`` says."""
    workbook = open_workbook(path)
    try:
        worksheet = workbook[sheet]
        with workbook._archive.open(worksheet._worksheet_path) as source:  # type: ignore[attr-defined]
            parser = _CellParser(
                source,
                workbook.shared_strings,  # type: ignore[attr-defined]
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,  # type: ignore[attr-defined]
                timedelta_formats=workbook._timedelta_formats,  # type: ignore[attr-defined]
            )
            parser.padded = _padded_styles(workbook)
            yield from _rows(parser, source)
    except WorkbookError:
        raise
    except Exception as exc:  # malformed XML, a bad shared-string index, a bad coordinate
        raise WorkbookError("file.unreadable", reason=exc) from exc
    finally:
        workbook.close()


def _rows(parser: _CellParser, source: Any) -> Iterator[tuple[int, list[Any]]]:
    sheet_data = None
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            if element.tag == _SHEET_DATA:
                sheet_data = element
            continue
        if element.tag == _ROW:
            number, cells = parser.parse_row(element)
            if sheet_data is not None:
                sheet_data.remove(element)  # keep memory flat: the row is done with
            yield number, _values(cells)
        elif element.tag == _SHEET_DATA:
            return  # what follows the data (merged cells, hyperlinks…) is not needed


def _values(cells: list[dict[str, Any]]) -> list[Any]:
    if not cells:
        return []
    width = max(c["column"] for c in cells)
    if width > _MAX_COLUMNS:
        raise ValueError(f"cột {width} vượt quá cột cuối cùng của Excel ({_MAX_COLUMNS})")
    values: list[Any] = [None] * width
    for cell in cells:
        values[cell["column"] - 1] = cell["value"]
    return values


def _padded_styles(workbook: Workbook) -> dict[int, int]:
    """Style index → digits, for styles whose number format pads with zeros (``00000``)."""
    padded: dict[int, int] = {}
    formats = workbook._number_formats  # type: ignore[attr-defined]
    for index, style in enumerate(workbook._cell_styles):  # type: ignore[attr-defined]
        number_format = style.numFmtId
        if number_format < BUILTIN_FORMATS_MAX_SIZE:
            code = BUILTIN_FORMATS.get(number_format, "General")
        else:
            code = formats[number_format - BUILTIN_FORMATS_MAX_SIZE]
        if _PADDED.fullmatch(code):
            padded[index] = len(code)
    return padded


class _CellParser(WorkSheetParser):  # type: ignore[misc]
    padded: dict[int, int] = {}

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        value = cell["value"]
        if value is None:
            formula = element.find(_FORMULA)
            # An empty <v/> is a cached empty text only for a text result (t="str").
            if formula is not None and (element.find(_VALUE) is None or element.get("t") != "str"):
                text = "=" + (formula.text or "")
                cell["value"] = BadCell("value.formula_without_value", _name(cell), text)
        elif cell["data_type"] == "e":
            cell["value"] = BadCell("value.excel_error", _name(cell), str(value))
        elif (
            cell["data_type"] == "n"
            and (digits := self.padded.get(cell["style_id"]))
            and type(value) in (int, float)
            and value >= 0
            and float(value).is_integer()
        ):
            cell["value"] = f"{int(value):0{digits}d}"  # the text the sheet shows
        return cell


def _name(cell: dict[str, Any]) -> str:
    return f"{get_column_letter(cell['column'])}{cell['row']}"
