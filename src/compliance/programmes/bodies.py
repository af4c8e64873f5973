"""The bodies that lead programme items, and the names documents give them.

``rules/programmes/bodies.yaml`` lists party committees, federation offices, inspection
committees, departments… with a code, a level and, where there is one, their province and union,
so that tasks, notifications, scopes and reports can address them. Documents name them as they
please ("Ban Dân vận Tỉnh uỷ", "BDV Tỉnh ủy"): every spelling is an alias, matched after
:func:`key` (NFC, case, "uỷ"/"ủy", spaces, final full stop).

A *class* lead ("Các huyện ủy, thị ủy, thành ủy") is kept as written; it is owed once by each
body whose ``class`` is that class's code, or once by the class itself when the registry lists
none of its members (:meth:`BodyRegistry.owing`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.formatting import did_you_mean
from compliance.programmes.schema import schema_problems
from compliance.rules.loaded import Problem, default_rules_dir
from compliance.rules.loader import LineDict, YamlSyntaxError, line_of, load_yaml

BODIES_FILE = "bodies.yaml"
Level = Literal[
    "central", "province", "district", "direct_superior", "grassroots", "sector", "industrial_zone"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BodyClass(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    level: Level
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")


class Body(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    level: Level
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")
    union_code: str | None = None
    class_: str | None = Field(default=None, alias="class")


class BodiesFile(_Strict):
    classes: list[BodyClass] = []
    bodies: list[Body] = []


def key(name: str) -> str:
    """The form names are compared in: "Ban Dân vận Tỉnh uỷ." = "ban dân vận tỉnh ủy"."""
    text = unicodedata.normalize("NFC", name).casefold()
    for old, new in (("uỷ", "ủy"), ("oà", "òa"), ("oá", "óa"), ("oạ", "ọa"), ("uý", "úy")):
        text = text.replace(old, new)
    return re.sub(r"\s+", " ", text).strip(" .;:")


@dataclass(frozen=True)
class BodyRegistry:
    bodies: tuple[Body, ...]
    classes: tuple[BodyClass, ...]

    @cached_property
    def _names(self) -> dict[str, Body | BodyClass]:
        found: dict[str, Body | BodyClass] = {}
        for entry in (*self.bodies, *self.classes):
            for name in (entry.name, *entry.aliases):
                found.setdefault(key(name), entry)
        return found

    def known_keys(self) -> frozenset[str]:
        return frozenset(self._names)

    def resolve(self, written: str) -> Body | None:
        found = self._names.get(key(written))
        return found if isinstance(found, Body) else None

    def resolve_class(self, written: str) -> BodyClass | None:
        found = self._names.get(key(written))
        return found if isinstance(found, BodyClass) else None

    def members(self, body_class: BodyClass) -> list[Body]:
        return [b for b in self.bodies if b.class_ == body_class.code]

    def owing(self, written: str) -> list[str]:
        """Who owes an item led by ``written``: itself, or each listed member of its class."""
        body_class = self.resolve_class(written)
        members = self.members(body_class) if body_class else []
        return [b.name for b in members] or [written]

    def unknown(self, written: str) -> str | None:
        """Why ``written`` names no body or class (Vietnamese, with "did you mean"), else None."""
        if key(written) in self._names:
            return None
        choices = {key(n): n for e in (*self.bodies, *self.classes) for n in (e.name, *e.aliases)}
        hint = did_you_mean(key(written), choices)
        for k, name in choices.items():  # show the suggestion as written in the registry
            hint = hint.replace(repr(k), repr(name))
        return (
            f"Cơ quan '{written}' chưa có trong danh mục cơ quan ({BODIES_FILE}){hint or '.'} Hãy "
            "sửa tên cho đúng hoặc thêm cơ quan (hay tên gọi khác trong 'aliases') vào danh mục."
        )


def bodies_path(root: Path | None = None) -> Path:
    return (root or default_rules_dir()) / "programmes" / BODIES_FILE


def load_bodies(path: Path) -> tuple[BodyRegistry, list[Problem]]:
    """The registry in ``path`` and its problems (an absent file is an empty registry)."""
    if not path.exists():
        return BodyRegistry((), ()), []
    try:
        data = load_yaml(path)
    except YamlSyntaxError as exc:
        return BodyRegistry((), ()), [Problem(path, exc.line, exc.message)]
    if not isinstance(data, LineDict):
        return BodyRegistry((), ()), [
            Problem(path, 1, "Danh mục cơ quan là một bảng có 'classes:' và 'bodies:'.")
        ]
    try:
        parsed = BodiesFile.model_validate(data)
    except ValidationError as exc:
        return BodyRegistry((), ()), schema_problems(path, data, exc, BodiesFile)
    problems: list[Problem] = []
    codes = {c.code for c in parsed.classes}
    seen_codes: set[str] = set()
    seen_names: dict[str, str] = {}
    for group, entries in (("classes", parsed.classes), ("bodies", parsed.bodies)):
        for index, entry in enumerate(entries):
            line = line_of(data, (group, index))
            if entry.code in seen_codes:
                problems.append(Problem(path, line, f"Mã cơ quan '{entry.code}' bị lặp."))
            seen_codes.add(entry.code)
            for name in (entry.name, *entry.aliases):
                owner = seen_names.setdefault(key(name), entry.code)
                if owner != entry.code:
                    problems.append(
                        Problem(
                            path,
                            line,
                            f"Tên '{name}' đã dùng cho '{owner}'; mỗi tên chỉ một cơ quan.",
                        )
                    )
            if isinstance(entry, Body) and entry.class_ and entry.class_ not in codes:
                problems.append(
                    Problem(
                        path,
                        line_of(data, (group, index, "class")),
                        f"Nhóm cơ quan '{entry.class_}' không có trong 'classes'"
                        f"{did_you_mean(entry.class_, codes) or '.'}",
                    )
                )
    return BodyRegistry(tuple(parsed.bodies), tuple(parsed.classes)), problems


@cache
def _default(path: Path, mtime: float) -> BodyRegistry:
    return load_bodies(path)[0]


def registry(root: Path | None = None) -> BodyRegistry:
    """The bodies of ``root`` (default: the rules folder), re-read when the file changes."""
    path = bodies_path(root)
    return _default(path, path.stat().st_mtime if path.exists() else 0.0)


def resolve(written: str, root: Path | None = None) -> Body | None:
    return registry(root).resolve(written)
