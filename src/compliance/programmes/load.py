"""Load the programme files (``rules/programmes/*.yaml``), refusing them with FILE:LINE problems.

Programme files are checked like rule files — YAML syntax, the schema, then meaning: unique ids,
a time phrase the product reads, lead and partner names the body registry knows, a document
that exists — and refused with :class:`~compliance.rules.loaded.RulesInvalid`, so ``compliance
rules validate`` reports both in one list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from compliance.formatting import did_you_mean
from compliance.programmes.bodies import BODIES_FILE, BodyRegistry, load_bodies
from compliance.programmes.model import Item, Programme, ProgrammeFile
from compliance.programmes.schema import schema_problems
from compliance.programmes.timephrase import Schedule, TimePhraseError, parse_time
from compliance.rules.loaded import Problem, RulesInvalid, default_rules_dir
from compliance.rules.loader import LineDict, YamlSyntaxError, line_of, load_yaml

FOLDER = "programmes"


@dataclass(frozen=True)
class LoadedItem:
    item: Item
    schedule: Schedule
    line: int


@dataclass(frozen=True)
class LoadedProgramme:
    programme: Programme
    items: list[LoadedItem]
    path: Path


def programme_files(paths: Sequence[Path]) -> list[Path]:
    """The programme files among ``paths``: a folder's ``programmes/`` subfolder (or the folder
    itself when it is one), and files given by name that sit in a ``programmes`` folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            folder = path if path.name == FOLDER else path / FOLDER
            if folder.is_dir():
                found.extend(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.exists() and FOLDER in path.parent.parts:
            found.append(path)
    return sorted(p for p in set(found) if p.name != BODIES_FILE)


def _bodies_file(path: Path) -> Path:
    """The body registry a programme file is checked against: the nearest ``bodies.yaml`` in its
    folder or above, else the default rules folder's."""
    for folder in path.resolve().parents:
        if (folder / BODIES_FILE).is_file():
            return folder / BODIES_FILE
        if folder.name == FOLDER:
            break
    return default_rules_dir() / FOLDER / BODIES_FILE


def _documents(path: Path) -> set[str]:
    sources = path.resolve().parents
    for folder in sources:
        if (folder / "sources").is_dir():
            return {p.name for p in (folder / "sources").iterdir()}
    return set()


def check_file(
    path: Path, bodies: BodyRegistry | None = None
) -> tuple[LoadedProgramme | None, list[Problem]]:
    """One programme file: the loaded programme, or None, and every problem found in it."""
    try:
        data = load_yaml(path)
    except YamlSyntaxError as exc:
        return None, [Problem(path, exc.line, exc.message)]
    if not isinstance(data, LineDict):
        return None, [Problem(path, 1, "Tệp chương trình là một bảng có 'programme:' và 'items:'.")]
    try:
        parsed = ProgrammeFile.model_validate(data)
    except ValidationError as exc:
        return None, schema_problems(path, data, exc, ProgrammeFile)
    problems: list[Problem] = []
    if bodies is None:
        bodies, found = load_bodies(_bodies_file(path))
        problems += found
    programme = parsed.programme
    documents = _documents(path)
    if documents and programme.document not in documents:
        problems.append(
            Problem(
                path,
                line_of(data, ("programme", "document")),
                f"Văn bản '{programme.document}' không có trong rules/sources"
                f"{did_you_mean(programme.document, documents) or '.'}",
            )
        )
    if programme.until and programme.until < programme.issued_on:
        line = line_of(data, ("programme", "until"))
        problems.append(Problem(path, line, "'until' phải sau ngày ban hành 'issued_on'."))
    items: list[LoadedItem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(parsed.items):
        line = line_of(data, ("items", index))
        if item.id in seen:
            problems.append(
                Problem(path, line, f"Mục '{item.id}' bị lặp (đã có ở dòng {seen[item.id]}).")
            )
        seen.setdefault(item.id, line)
        for field in ("lead", "partners"):
            for position, name in enumerate(getattr(item, field)):
                reason = bodies.unknown(name) if bodies.bodies or bodies.classes else None
                if reason:
                    where = line_of(data, ("items", index, field, position))
                    problems.append(Problem(path, where, reason))
        try:
            schedule = parse_time(item.time, programme.issued_on)
        except TimePhraseError as exc:
            problems.append(Problem(path, line_of(data, ("items", index, "time")), str(exc)))
            continue
        items.append(LoadedItem(item, schedule, line))
    return LoadedProgramme(programme, items, path), problems


def _line_of_id(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, text in enumerate(lines, 1) if text.strip().startswith("id:")), 1)


def check_programmes(paths: Sequence[Path]) -> tuple[list[LoadedProgramme], list[Problem]]:
    """Every programme under ``paths`` and every problem (files, ids across files, bodies)."""
    problems: list[Problem] = []
    loaded: list[LoadedProgramme] = []
    seen: dict[str, Path] = {}
    registries: dict[Path, BodyRegistry] = {}
    for path in paths:  # a folder's body registry is checked even without programme files
        folder = path if path.name == FOLDER else path / FOLDER
        if (folder / BODIES_FILE).is_file():
            registries[folder / BODIES_FILE], found = load_bodies(folder / BODIES_FILE)
            problems += found
    for path in programme_files(paths):
        registry_path = _bodies_file(path)
        if registry_path not in registries:
            registries[registry_path], found = load_bodies(registry_path)
            problems += found
        programme, found = check_file(path, registries[registry_path])
        problems += found
        if programme is None:
            continue
        pid = programme.programme.id
        if pid in seen:
            line = _line_of_id(path)
            problems.append(Problem(path, line, f"Mã chương trình '{pid}' đã có ở {seen[pid]}."))
            continue
        seen[pid] = path
        loaded.append(programme)
    return loaded, problems


def load_programmes(root: Path | None = None) -> list[LoadedProgramme]:
    """The programmes under ``root`` (default: the rules folder), or :class:`RulesInvalid`."""
    loaded, problems = check_programmes([root or default_rules_dir()])
    if problems:
        raise RulesInvalid(sorted(problems, key=lambda p: (str(p.file), p.line)))
    return loaded
