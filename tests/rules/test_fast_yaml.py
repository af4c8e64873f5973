"""Rule YAML read through libyaml (compliance.rules.loader._parse) gives what the Python loader
gives: the same values, the same line of every key, the same refusals and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.rules.loader import YamlSyntaxError, _Loader, _parse, load_yaml, rule_files

ROOT = Path(__file__).resolve().parents[2]


def lines(data: Any) -> Any:
    if isinstance(data, dict):
        return data.line, dict(data.lines), {k: lines(v) for k, v in data.items()}
    if isinstance(data, list):
        return data.line, list(data.lines), [lines(v) for v in data]
    return data


def test_libyaml_is_used_here():
    assert yaml.__with_libyaml__  # else every file takes the Python path (correct, slower)


@pytest.mark.parametrize("path", rule_files([ROOT / "rules"]), ids=lambda p: p.name)
def test_shipped_files_read_alike(path):
    text = path.read_text(encoding="utf-8")
    assert lines(_parse(text)) == lines(yaml.load(text, Loader=_Loader))  # noqa: S506


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: 1\nb: [\n",  # syntax
        "id: x\nid: y\n",  # a key twice
        "x: " + "[" * 130 + "]" * 130 + "\n",  # nesting
        "a: b\n c: \x07\n",  # a control character
        "d: 2025-02-30\n",  # an impossible date
        "n: 99999999999999999999999\n",  # past 64 bits
    ],
)
def test_refusals_are_the_python_loaders(tmp_path, text):
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as fast:
        load_yaml(path)
    with pytest.raises((yaml.YAMLError, YamlSyntaxError)) as slow:
        yaml.load(text, Loader=_Loader)  # noqa: S506
    assert fast.value.line >= 1
    if isinstance(slow.value, YamlSyntaxError):
        assert (fast.value.line, fast.value.message) == (slow.value.line, slow.value.message)
