"""The worked example of docs/authoring.md is true: its rule validates, its cases pass on every
engine, and the errors it shows are what ``compliance rules validate`` prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance.engine.cases import run_all
from compliance.rules.validate import RulesInvalid, load_rules

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"<!-- example: (\S+) -->\n```yaml\n(.*?)```", DOC, re.S)


def _write(tmp_path: Path, text: str) -> Path:
    assert EXAMPLE is not None
    path = tmp_path / EXAMPLE.group(1)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_validates_and_its_cases_pass_on_every_engine(tmp_path):
    assert EXAMPLE is not None
    [loaded] = load_rules([_write(tmp_path, EXAMPLE.group(2))])
    assert set(loaded.rule.facts) == {"charter_checks", "last_charter_check"}
    results = run_all([loaded])
    assert len(results) == 2 and all(r.passed for r in results), [r.problems() for r in results]


def test_the_errors_the_example_shows_are_the_ones_printed(tmp_path):
    assert EXAMPLE is not None
    text = EXAMPLE.group(2).replace("count: inspections", "count: inspection", 1)
    text = text.replace(
        "    where: {kind: charter}\n    during: as_of",
        "    where: {kind: charte}\n    during: as_of",
    )
    path = _write(tmp_path, text)
    with pytest.raises(RulesInvalid) as info:
        load_rules([path])
    shown = re.search(r"```text\n(rules/charter.*?)\n\d+ lỗi", DOC, re.S)
    assert shown is not None
    printed = [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems]
    assert printed == shown.group(1).splitlines()
