"""Read rule YAML keeping the line of every key, so errors can say ``FILE:LINE``.

Rule files come from people, so the reader is also the first wall: a file is read only under
:data:`MAX_FILE_BYTES`; anchors and aliases are refused (a 1.4 KB "billion laughs" file took 71 s
and ended in MemoryError; rule authors have no use for them); a key given twice is refused at its
second occurrence (YAML would silently keep the last); nesting is bounded (the composer recurses);
integers must fit SQLite's 64-bit integers and floats be finite; an impossible date (2025-02-30)
is a located error, not a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from compliance.exceptions import ComplianceError


class LineDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys stood in the file."""

    line: int = 0
    lines: dict[str, int]


class LineList(list[Any]):
    line: int = 0
    lines: list[int]


MAX_FILE_BYTES = 1_000_000
MAX_NESTING = 120  # YAML levels; a condition 50 deep (MAX_CONDITION_DEPTH) needs ~102
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # SQLite's INTEGER


class YamlSyntaxError(ComplianceError, ValueError):
    """A rule or target file that is not the YAML we read; ``line`` locates it."""

    code = "rules.yaml_syntax"

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _refuse(mark: yaml.Mark | None, message: str) -> YamlSyntaxError:
    return YamlSyntaxError(mark.line + 1 if mark else 1, message)


class _Loader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _refuse(
                event.start_mark,
                "Tệp quy tắc không dùng neo/bí danh YAML (&, *); hãy viết đầy đủ giá trị.",
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _refuse(
                    event.start_mark,
                    f"Lồng nhau quá sâu (quá {MAX_NESTING} mức); hãy viết phẳng hơn.",
                )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | dt.date) and key is not None:
            raise _refuse(key_node.start_mark, "Khóa phải là một giá trị đơn (chữ, số).")
        if key in result:
            raise _refuse(
                key_node.start_mark,
                f"Khóa '{key}' lặp lại (đã có ở dòng {result.lines[key]}); hãy giữ lại một lần.",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _shown(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:40]}…"


def _int(loader: _Loader, node: yaml.ScalarNode) -> int:
    try:
        value = yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        value = INT_MAX + 1
    if not INT_MIN <= value <= INT_MAX:
        raise _refuse(
            node.start_mark,
            f"Số {_shown(node.value)} quá lớn: số nguyên phải nằm trong khoảng "
            f"{INT_MIN}..{INT_MAX} (giới hạn của cơ sở dữ liệu).",
        )
    return value


def _float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise _refuse(
            node.start_mark, f"Số {_shown(node.value)} không hữu hạn; hãy ghi một số cụ thể."
        )
    return value  # type: ignore[no-any-return]


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> dt.date:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[no-any-return]
    except (ValueError, OverflowError):
        raise _refuse(
            node.start_mark, f"Ngày '{_shown(node.value)}' không tồn tại trong lịch."
        ) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlSyntaxError(1, f"Không đọc được tệp: {exc.strerror}.") from exc
    if size > MAX_FILE_BYTES:
        raise YamlSyntaxError(
            1,
            f"Tệp quá lớn ({size} byte; tối đa {MAX_FILE_BYTES}); mỗi tệp chỉ chứa một nghĩa vụ.",
        )
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(1, f"not UTF-8 text: {exc}") from exc
    try:
        return yaml.load(source, Loader=_Loader)  # noqa: S506
    except yaml.reader.ReaderError as exc:  # a control character: located by position only
        line = source.count("\n", 0, exc.position) + 1
        raise YamlSyntaxError(
            line, f"Ký tự không được phép trong tệp (mã #x{exc.character:04x}); hãy xóa ký tự này."
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(p for p in (exc.context, exc.problem) if p)
        raise YamlSyntaxError(line, f"YAML syntax error: {message}") from exc
    except (yaml.YAMLError, RecursionError) as exc:  # any other refusal of the reader, located
        raise YamlSyntaxError(1, f"YAML syntax error: {exc}") from exc


def line_of(data: Any, path: Sequence[str | int]) -> int:
    """The line of the deepest element of ``path`` that exists in ``data``."""
    line = getattr(data, "line", 1)
    node = data
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.lines[step]  # type: ignore[index]
            node = node[step]  # type: ignore[index]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
    return line


SOURCES = "sources"  # the seed documents and their catalogue (rules/documents.py), not rules
PROGRAMMES = "programmes"  # action programmes and their bodies (compliance.programmes), not rules


def rule_files(paths: Sequence[Path]) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` under the given files and folders, sorted (but the sources and
    the programmes, which compliance.programmes reads)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in path.rglob("*")
                if p.suffix in (".yaml", ".yml")
                and not {SOURCES, PROGRAMMES} & set(p.relative_to(path).parts)
                and path.name != PROGRAMMES
            )
        elif path.exists() and path.parent.name != PROGRAMMES:
            found.append(path)
    return sorted(found)
