"""Problems found in a delivery, and the report an import returns."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from compliance.messages import message
from compliance.registry.contract import CONTROL_CHARACTERS

_SHOWN_CHARS = 200
_DELIVERED = frozenset({"value", "header", "key", "column"})  # params quoting a delivery


def _shown(name: str, text: str) -> str:
    """A parameter as a message may show it: control characters visible as ``\\xNN`` (an escape
    sequence must not reach the operator's terminal), delivered values cut when long."""
    if name in _DELIVERED and len(text) > _SHOWN_CHARS:
        more = f"{len(text):,}".replace(",", ".")
        text = f"{text[:_SHOWN_CHARS]}… ({more} ký tự)"
    return CONTROL_CHARACTERS.sub(lambda m: ascii(m.group())[1:-1], text)


class Severity(StrEnum):
    ERROR = "error"  # the row (or file) breaks the contract
    WARNING = "warning"  # something was ignored or kept; the import goes on


@dataclass(frozen=True)
class Issue:
    code: str
    file: str
    row: int | None  # spreadsheet row number: the header is row 1
    column: str | None  # the header as written in the file, else the contract name
    message: str
    severity: Severity = Severity.ERROR
    table: str | None = None
    key: str | None = None  # the row's key, for warnings kept in the import log

    @classmethod
    def make(
        cls,
        code: str,
        *,
        file: str,
        row: int | None = None,
        column: str | None = None,
        table: str | None = None,
        severity: Severity = Severity.ERROR,
        row_key: str | None = None,
        **params: Any,
    ) -> Issue:
        if column is not None:
            params.setdefault("column", column)
        if table is not None:
            params.setdefault("table", table)
        params = {k: _shown(k, v) if type(v) is str else v for k, v in params.items()}
        return cls(code, file, row, column, message(code, **params), severity, table, row_key)

    def location(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        return where

    def __str__(self) -> str:
        column = f" cột '{self.column}'" if self.column else ""
        return f"{self.location()}:{column} [{self.code}] {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            **({"table": self.table, "key": self.key} if self.key is not None else {}),
        }


class SourceError(Exception):
    """A file (or sheet) that cannot be read at all; carries the located issue."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


@dataclass
class TableCount:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0


@dataclass
class ImportReport:
    source: str
    issues: list[Issue] = field(default_factory=list)
    tables: dict[str, TableCount] = field(default_factory=dict)
    batch_id: int | None = None
    rejects_file: Path | None = None
    seconds: float = 0.0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    def warning_counts(self) -> dict[str, int]:
        """How many warnings of each code, most frequent first."""
        counts: dict[str, int] = {}
        for issue in self.warnings:
            counts[issue.code] = counts.get(issue.code, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def rows_read(self) -> int:
        return sum(t.read for t in self.tables.values())

    @property
    def rows_written(self) -> int:
        return sum(t.inserted + t.updated for t in self.tables.values())

    @property
    def rows_rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "batch_id": self.batch_id,
            "seconds": round(self.seconds, 3),
            "tables": {name: vars(count) for name, count in self.tables.items()},
            "rejects_file": str(self.rejects_file) if self.rejects_file else None,
            "warnings": self.warning_counts(),
            "issues": [i.as_dict() for i in self.issues],
        }


REJECTS_COLUMNS = ("table", "file", "row", "code", "column", "message", "data")


def write_rejects(path: Path, rejected: list[tuple[Issue, dict[str, Any]]]) -> None:
    """Keep the rows an import skipped, with why, so they can be fixed and loaded again.

    One CSV for all tables: the original cells go into ``data`` as JSON keyed by the headers
    of the delivery, so nothing the operator typed is lost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTS_COLUMNS)
        for issue, raw in rejected:
            writer.writerow(
                (
                    issue.table,
                    issue.file,
                    issue.row,
                    issue.code,
                    issue.column,
                    issue.message,
                    json.dumps(raw, ensure_ascii=False, default=str),
                )
            )
