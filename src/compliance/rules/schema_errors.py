"""Pydantic's validation errors as a catalogue author reads them: the line, in Vietnamese.

Rule files and target files are checked against pydantic models; the authors are a federation's
inspection office, so the English of pydantic ("Input should be a valid integer") is translated
here, once, for both formats. A kind of error not listed keeps pydantic's own words after the
Vietnamese location rather than being lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from compliance.formatting import did_you_mean
from compliance.rules.loaded import Problem
from compliance.rules.loader import line_of

_MESSAGES = {
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "float_type": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là một chuỗi chữ",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "list_type": "phải là một danh sách (- …)",
    "dict_type": "phải là một bảng khóa (khóa: giá trị)",
    "model_type": "phải là một bảng khóa (khóa: giá trị)",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
    "greater_than_equal": "phải ≥ {ge}",
    "greater_than": "phải > {gt}",
    "less_than_equal": "phải ≤ {le}",
    "less_than": "phải < {lt}",
    "too_short": "cần ít nhất {min_length} phần tử",
    "too_long": "có nhiều nhất {max_length} phần tử",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_too_long": "dài nhất {max_length} ký tự",
    "string_pattern_mismatch": "không đúng dạng {pattern}",
}


def known_keys(root: type[BaseModel]) -> set[str]:
    """Every key any model reachable from ``root`` accepts: what a misspelt key may have meant."""
    keys: set[str] = set()
    pending: list[type[BaseModel]] = [root]
    seen: set[type[BaseModel]] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for name, field in cls.model_fields.items():
            keys.add(field.alias or name)
            pending.extend(_model_args(field.annotation))
    return keys


def _model_args(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _model_args(arg)


def location(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc) or "(gốc tệp)"


def explain(item: Any) -> str:
    """One pydantic error detail in Vietnamese, with the value the author wrote."""
    template = _MESSAGES.get(item["type"])
    if template is None:
        text = item["msg"]
    else:
        try:
            text = template.format(**(item.get("ctx") or {}))
        except (KeyError, IndexError):
            text = template
    return f"{location(item['loc'])}: {text} (đang ghi: {item.get('input')!r})"


def schema_problems(
    data: Any, error: ValidationError, root: type[BaseModel]
) -> list[tuple[int, str]]:
    """``(line, message)`` for each error: unknown keys with a suggestion, missing keys at their
    parent's line, wrong values with what was written."""
    problems: list[tuple[int, str]] = []
    known = known_keys(root)
    for item in error.errors(include_url=False):
        loc = item["loc"]
        if item["type"] == "extra_forbidden":
            key = str(loc[-1])
            where = location(loc[:-1])
            problems.append(
                (
                    line_of(data, loc),
                    f"khóa '{key}' không có trong {where}{did_you_mean(key, known)}",
                )
            )
        elif item["type"] == "missing":
            problems.append((line_of(data, loc[:-1]), f"thiếu khóa '{location(loc)}'"))
        else:
            problems.append((line_of(data, loc), explain(item)))
    return problems


def file_problems(
    path: Path, data: Any, error: ValidationError, root: type[BaseModel]
) -> list[Problem]:
    """:func:`schema_problems` as ``FILE:LINE`` problems of the file at ``path``."""
    return [Problem(path, line, message) for line, message in schema_problems(data, error, root)]
