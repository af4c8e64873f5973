"""Errors raised on purpose are ComplianceErrors with a stable code; their texts did not change.

They keep their older base (ValueError, RuntimeError) too, so code catching that still does.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from compliance.engine.durable import RuleEngineFailed
from compliance.exceptions import ComplianceError
from compliance.rules.loaded import RulesInvalid
from compliance.rules.loader import YamlSyntaxError, load_yaml
from compliance.vocabulary import conditions
from compliance.vocabulary.conditions import ConditionError


def test_a_bad_condition_is_a_compliance_error() -> None:
    with pytest.raises(ConditionError) as info:
        conditions.parse("workers > 10")
    assert isinstance(info.value, ComplianceError) and isinstance(info.value, ValueError)
    assert info.value.code == "rules.condition"
    assert str(info.value) == "một điều kiện là một bảng khóa (fact: …), không phải str"
    assert info.value.path == ()


def test_a_yaml_syntax_error_is_a_compliance_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: a\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml(path)
    assert isinstance(info.value, ComplianceError) and isinstance(info.value, ValueError)
    assert info.value.code == "rules.yaml_syntax"
    assert info.value.message.startswith("lỗi cú pháp YAML: ")
    assert str(info.value) == info.value.message
    assert info.value.line >= 2


def test_invalid_rules_and_a_failing_rule_engine_have_codes() -> None:
    assert issubclass(RulesInvalid, ComplianceError) and RulesInvalid.code == "rules.invalid"
    failed = RuleEngineFailed("durable-rules did not run the catch-all rule")
    assert isinstance(failed, ComplianceError) and isinstance(failed, RuntimeError)
    assert failed.code == "engine.durable_failed"
    # raised in the durable-rules worker process: it must come back whole
    back = pickle.loads(pickle.dumps(failed))
    assert type(back) is RuleEngineFailed and str(back) == str(failed)
