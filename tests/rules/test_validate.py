"""Rule files are refused with every problem as FILE:LINE: message, all at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.rules.model import json_schema
from compliance.rules.validate import RulesInvalid, load_rules
from tests.engine.oracle import CONTRACT_RULES, DATA_QUALITY_RULES

ROOT = Path(__file__).parents[2]
COMMAND = str(Path(sys.executable).parent / "compliance")
GOOD = (ROOT / "rules" / "union" / "establishment.yaml").read_text(encoding="utf-8")


def problems_of(tmp_path: Path, text: str, name: str = "rule.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesInvalid) as info:
        load_rules([path])
    return [str(p) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_shipped_catalogue_validates():
    loaded = load_rules([ROOT / "rules"])
    ids = {r.id for r in loaded}
    assert {*CONTRACT_RULES, *DATA_QUALITY_RULES, "womens_committee.established",
            "party.introduction", "training.new_chair", "dialogue.annual"} == ids  # fmt: off
    for rule in loaded:
        assert rule.rule.source.document.endswith(".txt") and rule.rule.source.quote
        assert rule.rule.tests, f"{rule.id} ships no cases"


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    broken = GOOD.replace("period: none", "period: [none")
    [problem] = problems_of(tmp_path, broken)
    assert problem.startswith(f"{tmp_path / 'rule.yaml'}:")
    assert "lỗi cú pháp YAML" in problem
    line = int(problem.split(":")[1])
    assert abs(line - line_of(GOOD, "period: none")) <= 2


def test_a_misspelt_key_is_refused_with_a_suggestion(tmp_path):
    text = GOOD.replace("severity: high", "severty: high")
    problems = problems_of(tmp_path, text)
    expected_line = line_of(text, "severty")
    [misspelt] = [p for p in problems if "khóa 'severty'" in p]
    assert misspelt.startswith(f"{tmp_path / 'rule.yaml'}:{expected_line}: khóa 'severty' không có")
    assert misspelt.endswith("có phải 'severity'?")
    # the missing required key is reported too, at once
    assert any("thiếu khóa 'severity'" in p for p in problems)


def test_nested_misspelt_key(tmp_path):
    text = GOOD.replace("  section: II.1", "  sectoin: II.1")
    problems = problems_of(tmp_path, text)
    assert any(
        f":{line_of(text, 'sectoin')}: khóa 'sectoin' không có trong source; có phải 'section'?"
        in p
        for p in problems
    )


def test_wrong_type(tmp_path):
    text = GOOD.replace("severity: high", "severity: 3")
    [problem] = problems_of(tmp_path, text)
    assert f":{line_of(text, 'severity: 3')}: severity:" in problem


def test_unknown_fact_in_a_condition(tmp_path):
    text = GOOD.replace("{fact: workers, gte", "{fact: worker, gte")
    [problem] = problems_of(tmp_path, text)
    assert (
        f":{line_of(text, 'fact: worker,')}: đối tượng enterprise không có dữ kiện 'worker'"
        in problem
    )
    assert "có phải 'workers'?" in problem


def test_undefined_template_variable(tmp_path):
    text = GOOD.replace(
        "{{ unit.name }} ({{ facts.workers | number }} lao động)", "{{ uint.name }}"
    )
    [problem] = problems_of(tmp_path, text)
    assert "biến 'uint' trong follow_up.title không có; có phải 'unit'?" in problem
    assert f":{line_of(text, 'uint.name')}:" in problem


def test_undefined_fact_and_parameter_in_templates_and_conditions(tmp_path):
    text = GOOD.replace("có {{ facts.workers | number }} lao\n", "có {{ facts.worker }} lao\n")
    text = text.replace("gte: $min_workers", "gte: $min_worker")
    problems = problems_of(tmp_path, text)
    assert any(
        "tham số '$min_worker' chưa được khai báo; có phải '$min_workers'?" in p for p in problems
    )
    assert any(
        "'facts.worker' trong explanation không có; có phải 'workers'?" in p for p in problems
    )


def test_every_file_and_every_error_is_reported_at_once(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD.replace("severity: high", "severty: high"), "utf-8")
    (tmp_path / "b.yaml").write_text("id: [", "utf-8")
    (tmp_path / "c.yaml").write_text(
        GOOD.replace("id: union.establishment", "id: other.rule"), "utf-8"
    )
    (tmp_path / "d.yaml").write_text(GOOD, "utf-8")
    (tmp_path / "e.yaml").write_text(GOOD, "utf-8")  # the same id twice
    with pytest.raises(RulesInvalid) as info:
        load_rules([tmp_path])
    files = {p.file.name for p in info.value.problems}
    assert files == {"a.yaml", "b.yaml", "e.yaml"}


def test_cli_validate_exits_non_zero_with_file_line_messages(tmp_path):
    (tmp_path / "bad.yaml").write_text(GOOD.replace("severity: high", "severty: high"), "utf-8")
    result = subprocess.run(
        [COMMAND, "rules", "validate", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}:{line_of(GOOD, 'severity: high')}: khóa" in result.stderr
    ok = subprocess.run(
        [COMMAND, "rules", "validate"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr


def test_schema_command_prints_the_json_schema():
    result = subprocess.run(
        [COMMAND, "rules", "schema"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    schema = json.loads(result.stdout)
    assert schema == json_schema()
    assert {"id", "source", "violation", "follow_up", "parameters"} <= set(schema["properties"])


def test_cli_rules_test_runs_every_case_on_every_engine():
    result = subprocess.run(
        [COMMAND, "rules", "test"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed")


def test_a_failing_rule_case_fails_the_command(tmp_path):
    text = GOOD.replace("      - {unit: E25}\n", "      - {unit: E24}\n")
    (tmp_path / "rule.yaml").write_text(text, "utf-8")
    result = subprocess.run(
        [COMMAND, "rules", "test", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "missing [('E24', None, 'violation')]" in result.stdout
    assert "unexpected [('E25', None, 'violation')]" in result.stdout
