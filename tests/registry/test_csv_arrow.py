"""The columnar CSV reader gives exactly what the strict reader gives, or steps aside.

Each file below is read twice, through :func:`compliance.registry.reader.read_chunks` as it is
(PyArrow where it can) and with the columnar reader switched off (Python's csv module): row
numbers, cleaned cells and the cells the rejects file keeps must be the same.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from compliance.registry import reader
from compliance.registry.csv_arrow import read_columns
from compliance.registry.reader import discover, read_chunks

HEADER = "tax_code,name,sector,province_code,ward_code,workers,female_workers,status,registered_on"
ROW = "0100000001,Công ty A,non_state,80,25000,30,1,active,2015-03-01"


def _chunks(folder: Path, monkeypatch: pytest.MonkeyPatch, columnar: bool) -> list[Any]:
    with monkeypatch.context() as patch:
        if not columnar:
            patch.setattr(reader, "_arrow_columns", lambda *_: None)
        sources, _ = discover(folder)
        result = []
        for source in sources:
            for chunk in read_chunks(source, 3):
                result.append(
                    (
                        list(chunk.numbers),
                        chunk.columns,
                        [chunk.values(i) for i in range(len(chunk.numbers))],
                        chunk.ragged,
                    )
                )
        return result


def _write(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "enterprises.csv"
    path.write_text(text, encoding=encoding, newline="")
    return path


NFD = unicodedata.normalize("NFD", "Công ty Đồng Nai")
FILES = {
    "plain": f"{HEADER}\n{ROW}\n" + ROW.replace("01,", "02,", 1) + "\n",
    "decomposed, padded, empty cells": (
        f"{HEADER}\n0100000001, {NFD} ,non_state,80,,  7 ,,active,\n"
        f"0100000002,\u3000x\u00a0,fdi,80,25000,3,1,active,01/02/2020\n"
    ),
    "crlf and no final newline": f"{HEADER}\r\n{ROW}\r\n{ROW.replace('01,', '03,', 1)}",
    "semicolons": f"{HEADER.replace(',', ';')}\n{ROW.replace(',', ';')}\n",
    "white-space row": f"{HEADER}\n{ROW}\n \u3000,,,,,,,,\n{ROW}\n",
    "first cell without letters": f"{HEADER}\n-,x,fdi,80,1,2,3,active,\n",
    "quoted": f'{HEADER}\n0100000001,"Công ty ""A"", B",fdi,80,1,2,3,active,\n',
    "blank line": f"{HEADER}\n{ROW}\n\n{ROW}\n",
    "ragged": f"{HEADER}\n{ROW},extra\n0100000009,short\n{ROW}\n",
    "unknown column": f"{HEADER},ghi chú\n{ROW},{NFD}\n",
    "control character": f"{HEADER}\n0100000001,a\x07b,fdi,80,1,2,3,active,\n",
}


COLUMNAR = {  # the files the columnar reader takes itself (the others go the strict way)
    "plain",
    "decomposed, padded, empty cells",
    "crlf and no final newline",
    "semicolons",
    "first cell without letters",
    "unknown column",
    "control character",
}


@pytest.mark.parametrize("name", list(FILES))
def test_columnar_reader_matches_the_strict_reader(name, tmp_path, monkeypatch):
    folder = tmp_path / "d"
    path = _write(folder, FILES[name])
    header = FILES[name].splitlines()[0]
    delimiter = ";" if ";" in header else ","
    taken = read_columns(
        path, delimiter, header.count(delimiter) + 1, most_rows=10, field_chars=1000
    )
    assert (taken is not None) == (name in COLUMNAR)
    fast = _chunks(folder, monkeypatch, columnar=True)
    strict = _chunks(folder, monkeypatch, columnar=False)
    assert fast == strict
    assert fast, "every file above has rows"


def test_bom_file_is_read_by_the_columnar_reader(tmp_path, monkeypatch):
    path = _write(tmp_path / "d", f"{HEADER}\n{ROW}\n", encoding="utf-8-sig")
    columns = read_columns(path, ",", 9, most_rows=10, field_chars=1000)
    assert columns is not None and columns.column(0, 0, 1) == ["0100000001"]
    fast = _chunks(tmp_path / "d", monkeypatch, columnar=True)
    assert fast == _chunks(tmp_path / "d", monkeypatch, columnar=False)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (f'{HEADER}\n0100000001,"A",fdi,80,1,2,3,active,\n', "a quote"),
        (f"{HEADER}\n{ROW}\n\n", "a blank line"),
        (f"{HEADER}\n{ROW},x\n", "a long row"),
        (f"{HEADER}\n{ROW}\n ,,,,,,,,\n", "a row that may be blank"),
        (f"{HEADER}\n{ROW[:-1]}\x00\n", "a NUL"),
    ],
)
def test_the_columnar_reader_steps_aside(text, why, tmp_path):
    path = _write(tmp_path / "d", text)
    assert read_columns(path, ",", 9, most_rows=10, field_chars=1000) is None, why


def test_limits_send_the_file_to_the_strict_reader(tmp_path):
    path = _write(tmp_path / "d", f"{HEADER}\n{ROW}\n{ROW}\n")
    assert read_columns(path, ",", 9, most_rows=10, field_chars=1000) is not None
    assert read_columns(path, ",", 9, most_rows=1, field_chars=1000) is None
    assert read_columns(path, ",", 9, most_rows=10, field_chars=5) is None


def test_invalid_utf8_goes_to_the_strict_reader(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    path = folder / "enterprises.csv"
    path.write_bytes(f"{HEADER}\n".encode() + b"0100000001,\xff\xfe,fdi,80,1,2,3,active,\n")
    assert read_columns(path, ",", 9, most_rows=10, field_chars=1000) is None
