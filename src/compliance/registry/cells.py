"""Cell parsers: the Vietnamese ways of writing a number, a date, a yes/no or a choice.

Each parser takes what the reader produced (an NFC, stripped ``str`` or ``None`` from CSV; a
typed value from XLSX) and returns the canonical value or raises ``PydanticCustomError`` whose
type is one of our stable error codes (see ``compliance.messages``). They run inside pydantic
validation, so every failing cell of a batch is reported at once with its row and column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError

from compliance.registry.contract import (
    BOOLEANS,
    CONTROL_CHARACTERS,
    DIGIT_CODES,
    IDENTIFIER,
    Column,
    choice_index,
    fold,
    is_code_column,
)
from compliance.registry.safety import limits

Parser = Callable[[Any], Any]

_GROUPED_INT = re.compile(r"([+-]?)(\d{1,3}(?:([.,])\d{3})(?:\3\d{3})*)")
_PLAIN_INT = re.compile(r"[+-]?\d+")
_INTEGRAL_DECIMAL = re.compile(r"([+-]?\d+)[.,]0+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_VN_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_PERIOD = re.compile(r"(\d{4})[-/](\d{1,2})|(\d{1,2})[-/](\d{4})")
_YEAR = re.compile(r"(?:nam\s*)?(\d{4})")
_QUARTER = re.compile(  # on folded text: "2024-Q3" is "2024 q3", "Quý III/2024" "quy iii/2024"
    r"(\d{4})\s*q\s*([1-4])|(?:quy|q)\s*(i{1,3}|iv|[1-4])\s*(?:/|nam)?\s*(\d{4})"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
CONTROL = CONTROL_CHARACTERS
# The database columns are 32-bit on PostgreSQL: a larger count would fail at the write.
MAX_COUNT = 2_147_483_647


@dataclass(frozen=True)
class BadCell:
    """A spreadsheet cell with no usable value: a formula never calculated, an Excel error.

    The reader puts one where the value would be, so the cell is reported with its own code
    and coordinates instead of being read as empty.
    """

    code: str
    cell: str
    detail: str

    def params(self) -> dict[str, Any]:
        key = "formula" if self.code == "value.formula_without_value" else "value"
        return {"cell": self.cell, key: self.detail, "value": self.detail}


def _fail(code: str, value: Any, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, {"value": value, **ctx})


def _to_int(value: Any) -> int:
    """A whole number as Vietnamese spreadsheets write it: ``1.234``, ``1,234``, ``25.0``.

    A dot or comma followed by groups of exactly three digits is a thousands separator (the
    Vietnamese convention); ``25.0`` is accepted as 25; ``1.5`` is refused.
    """
    if type(value) is int:
        return value
    if type(value) is float:
        if value.is_integer():
            return int(value)
        raise _fail("value.not_integer", value)
    if not isinstance(value, str):
        raise _fail("value.not_integer", value)
    text = value.replace(" ", "").replace("\u00a0", "")
    if _PLAIN_INT.fullmatch(text):
        return int(text)
    if match := _GROUPED_INT.fullmatch(text):
        digits = match.group(2).replace(".", "").replace(",", "")
        return -int(digits) if match.group(1) == "-" else int(digits)
    if match := _INTEGRAL_DECIMAL.fullmatch(text):
        return int(match.group(1))
    raise _fail("value.not_integer", value)


def parse_count(value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is str and value.isdecimal() and value.isascii() and len(value) < 10:
        return int(value)
    number = _to_int(value)
    if number < 0:
        raise _fail("value.negative", value)
    if number > MAX_COUNT:
        raise _fail("value.out_of_range", value, low=0, high=f"{MAX_COUNT:,}".replace(",", "."))
    return number


def parse_year(value: Any) -> int | None:
    if value is None:
        return None
    year = _to_int(value)
    if not 1900 <= year <= 2100:
        raise _fail("value.out_of_range", value, low=1900, high=2100)
    return year


def parse_amount(value: Any) -> float | None:
    """Money in đồng: ``1.500.000``, ``1,500,000``, ``1500000``, ``1.234.567,5``."""
    if value is None:
        return None
    if type(value) in (int, float):
        amount = float(value)
    elif isinstance(value, str):
        if value.isdigit() and value.isascii():  # the common case: plain đồng, in C
            amount = float(value)
        else:
            text = value.replace(" ", "").replace("\u00a0", "").removesuffix("đ")
            amount = _decimal(text, value)
    else:
        raise _fail("value.not_number", value)
    if not math.isfinite(amount):  # nan, inf, 1e400: no rule can compare them
        raise _fail("value.not_finite", value)
    if amount < 0:
        raise _fail("value.negative", value)
    return amount


def _decimal(text: str, original: str) -> float:
    if "." in text and "," in text:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        text = text.replace(group_mark, "").replace(decimal_mark, ".")
    else:
        for mark in ".,":
            parts = text.split(mark)
            if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
                text = text.replace(mark, "")  # thousands groups
            elif len(parts) == 2:
                text = text.replace(mark, ".")
    try:
        return float(text)
    except ValueError:
        raise _fail("value.not_number", original) from None


def parse_date(value: Any) -> dt.date | None:
    """ISO ``2024-01-31`` or Vietnamese ``31/01/2024`` (also ``31-01-2024``, ``31.01.2024``)."""
    if type(value) is str:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return dt.date.fromisoformat(value)  # the common case, in C
            except ValueError:
                pass  # impossible, or digits out of place: the general path says which
    elif value is None or type(value) is dt.date:
        return value
    elif isinstance(value, dt.datetime):
        return value.date()
    else:
        raise _fail("value.bad_date", value)
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match.group(1, 2, 3)
    elif match := _VN_DATE.fullmatch(value):
        day, month, year = match.group(1, 2, 3)
    else:
        raise _fail("value.bad_date", value)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise _fail("value.impossible_date", value) from None


def parse_period(value: Any) -> str | None:
    """A month: ``2024-03``, ``2024/3``, ``03/2024``; an Excel date counts as its month."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str) or not (match := _PERIOD.fullmatch(value)):
        raise _fail("value.bad_period", value)
    year, month = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
    if not 1 <= int(month) <= 12:
        raise _fail("value.bad_period", value)
    return f"{int(year):04d}-{int(month):02d}"


def parse_programme_period(value: Any) -> str:
    """The period a programme report covers, as the evaluation names it.

    ``2024`` (``năm 2024``) a year; ``2024-Q3`` (``Quý III/2024``, ``Q3/2024``, ``quý 3 năm
    2024``) a quarter; a date (``30/11/2022``) a review milestone, written ``2022-11-30``. An
    empty cell is an item's single deadline and becomes ``""``: the period is part of the key,
    and a key part may not be NULL (PostgreSQL refuses it, SQLite would never match it again).
    """
    if value is None:
        return ""
    if type(value) is int or (type(value) is float and value.is_integer()):
        value = str(int(value))
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if not isinstance(value, str):
        raise _fail("value.bad_programme_period", value)
    folded = fold(value)
    if match := _YEAR.fullmatch(folded):
        return match.group(1)
    if match := _QUARTER.fullmatch(folded):
        year, quarter = match.group(1, 2) if match.group(1) else match.group(4, 3)
        number = _ROMAN.get(quarter) or int(quarter)
        return f"{year}-Q{number}"
    try:
        day = parse_date(value)
    except PydanticCustomError:
        raise _fail("value.bad_programme_period", value) from None
    assert day is not None
    return day.isoformat()


_BOOLEANS = {
    fold(spelling): truth for truth, spellings in BOOLEANS.items() for spelling in spellings
}


def parse_bool(value: Any) -> bool | None:
    if value is None or type(value) is bool:
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and (truth := _BOOLEANS.get(fold(value))) is not None:
        return truth
    raise _fail("value.bad_boolean", value)


def text_parser(column: Column) -> Parser:
    """Text as delivered, refused when it holds control characters or is too long.

    A number in a code column (an XLSX cell typed as a number) is read as the text Excel shows,
    unless it cannot be the code: codes with a fixed number of digits (tax, province and ward
    codes) whose number is shorter lost their leading zeros when the cell became a number.
    """
    digits = DIGIT_CODES.get(column.name)
    code = is_code_column(column)
    identifier = column.identifier

    def parse(value: Any) -> Any:
        if type(value) is str:
            if len(value) > (limit := limits().cell_chars):
                raise _fail("value.too_long", value[:40] + "…", length=len(value), limit=limit)
            if match := CONTROL.search(value):
                raise _fail(
                    "value.control_character",
                    value,
                    char=f"U+{ord(match.group()):04X}",
                    position=match.start() + 1,
                )
            if identifier and not IDENTIFIER.fullmatch(value):
                raise _fail("value.bad_identifier", value, suggestion=identifier_hint(value))
            return value
        if identifier and value is not None:
            raise _fail("value.bad_identifier", value, suggestion="")
        if code and type(value) is float:
            raise _fail("value.numeric_code", value, expected="mã không có phần thập phân")
        if code and type(value) is int:
            text = str(value)
            if digits and len(text) not in digits:
                wanted = " hoặc ".join(map(str, digits))
                raise _fail("value.numeric_code", value, expected=f"mã này có {wanted} chữ số")
            return text
        return value  # pydantic turns other numbers into text and refuses other types

    return parse


def identifier_hint(value: str) -> str:
    """The likely identifier meant ("Housing handover" → housing_handover): a slip of case."""
    guess = re.sub(r"[^a-z0-9]+", "_", fold(value)).strip("_")
    return f"; có phải '{guess}'?" if IDENTIFIER.fullmatch(guess) and guess != value else ""


def choice_parser(column: Column) -> Parser:
    """Accept the English value or any Vietnamese spelling of it (case and accents aside)."""
    assert column.choices is not None
    canonical = frozenset(column.choices)
    spellings = choice_index(column)
    listing = ", ".join(
        f"{value} ({names[0]})" if names else value for value, names in column.choices.items()
    )

    def parse(value: Any) -> str | None:
        if value is None or value in canonical:
            return value  # type: ignore[no-any-return]
        if isinstance(value, str) and (found := spellings.get(fold(value))) is not None:
            return found
        raise _fail("value.unknown_choice", value, choices=listing)

    return parse
