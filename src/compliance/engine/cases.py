"""``compliance rules test``: run the cases each rule ships, like ``opa test``.

A case is a few registry rows, an "as of" day and exactly the findings expected. Each case is
loaded through the real import (CSV files into a fresh SQLite database) and evaluated by every
method — SQL, durable-rules and the Python reference — so a case also proves they agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance import db
from compliance.engine.evaluate import Method, Selection, evaluate
from compliance.engine.findings import Finding
from compliance.registry.importer import import_folder
from compliance.rules.loaded import LoadedRule
from compliance.rules.model import RuleCase
from compliance.rules.render import evaluate_expression, render
from compliance.rules.templates import describe_error

METHODS: tuple[Method, ...] = ("sql", "durable", "python")
Key = tuple[str, str | None, str]


@dataclass
class CaseResult:
    rule: str
    case: str
    expected: set[Key]
    got: dict[Method, set[Key]] = field(default_factory=dict)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(found == self.expected for found in self.got.values())

    def problems(self) -> list[str]:
        if self.error:
            return [self.error]
        lines = []
        for method, found in self.got.items():
            if missing := self.expected - found:
                lines.append(f"{method}: missing {sorted(missing, key=str)}")
            if extra := found - self.expected:
                lines.append(f"{method}: unexpected {sorted(extra, key=str)}")
        return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_registry(folder: Path, registry: dict[str, list[dict[str, Any]]]) -> None:
    """A case's rows as a delivery folder, one CSV per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in registry.items():
        header = list(dict.fromkeys(column for row in rows for column in row))
        if not header:
            continue
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([_cell(row.get(c)) for c in header] for row in rows)


def _text_failure(loaded: LoadedRule, findings: Sequence[Finding]) -> str | None:
    """The first text that fails on a case's unit: at run time it would only give a fallback
    (``compliance.rules.render.render_or_fallback``), so a case is where to see it."""
    rule = loaded.rule
    texts = [("explanation", rule.explanation), ("follow_up.title", rule.follow_up.title),
             ("follow_up.body", rule.follow_up.body)]  # fmt: skip
    for finding in findings:
        where = "due"
        try:
            if rule.due:
                evaluate_expression(rule.due, finding.context())
            for where, source in texts:  # noqa: B007 (``where`` names the failing text)
                render(source, finding.template_values)
        except Exception as exc:  # the rule's text, reported as the case's failure
            return f"{finding.unit}: {where}: không hiển thị được: {describe_error(exc)}"
    return None


def run_case(loaded: LoadedRule, case: RuleCase, template: Path, workdir: Path) -> CaseResult:
    expected = {(e.unit, e.period, e.status) for e in case.expect}
    result = CaseResult(loaded.id, case.name, expected)
    database = workdir / "case.db"
    shutil.copy(template, database)
    engine = db.make_engine(f"sqlite:///{database}")
    try:
        write_registry(workdir / "registry", case.registry)
        import_folder(engine, workdir / "registry", effective_date=case.as_of)
        overrides = {loaded.id: case.params} if case.params else None
        with engine.connect() as conn:
            for method in METHODS:
                findings = evaluate(
                    conn, [loaded], case.as_of, Selection(), method=method, overrides=overrides
                )
                result.got[method] = {(f.unit, f.period, f.status) for f in findings}
        result.error = _text_failure(loaded, findings)
    except Exception as exc:  # a case that cannot run is a failed case, with the reason
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        engine.dispose()
        shutil.rmtree(workdir / "registry", ignore_errors=True)
        database.unlink(missing_ok=True)
    return result


def run_all(rules: Sequence[LoadedRule]) -> list[CaseResult]:
    with tempfile.TemporaryDirectory(prefix="compliance-rule-tests-") as tmp:
        root = Path(tmp)
        template = root / "template.db"
        engine = db.make_engine(f"sqlite:///{template}")
        db.upgrade(engine)
        engine.dispose()
        results = []
        for loaded in rules:
            for number, case in enumerate(loaded.rule.tests):
                workdir = root / f"{loaded.id}-{number}"
                workdir.mkdir()
                results.append(run_case(loaded, case, template, workdir))
        return results
