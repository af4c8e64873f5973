"""Pydantic's complaints about a programme or body file, as Vietnamese FILE:LINE problems."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from compliance.formatting import did_you_mean
from compliance.rules.loaded import Problem
from compliance.rules.loader import line_of


def _describe(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc) or "(đầu tệp)"


def schema_problems(
    path: Path, data: Any, error: ValidationError, model: type[BaseModel]
) -> list[Problem]:
    """Pydantic's complaints as Vietnamese problems, each at its key's line."""
    known = _keys(model)
    problems = []
    for item in error.errors(include_url=False):
        loc = item["loc"]
        if item["type"] == "extra_forbidden":
            word = str(loc[-1])
            message = f"Khóa '{word}' không có trong định dạng{did_you_mean(word, known) or '.'}"
        elif item["type"] == "missing":
            message = f"Thiếu khóa '{_describe(loc)}'."
            loc = loc[:-1]
        else:
            message = (
                f"{_describe(loc)}: giá trị {item.get('input')!r} không hợp lệ ({item['msg']})."
            )
        problems.append(Problem(path, line_of(data, loc), message))
    return problems


def _keys(model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
            for inner in (arg, *getattr(arg, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    keys |= _keys(inner)
    return keys
