"""Write a programme file: the keys in the contract's order, Vietnamese text as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ITEM_KEYS = ("id", "section", "text", "lead", "partners", "time", "quote")


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(programme: dict[str, Any], items: list[dict[str, Any]]) -> str:
    data = {
        "programme": {k: v for k, v in programme.items() if v is not None},
        "items": [{k: item[k] for k in ITEM_KEYS if k in item} for item in items],
    }
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write(folder: Path, programme: dict[str, Any], items: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{programme['id']}.yaml"
    path.write_text(dump(programme, items), encoding="utf-8")
    return path
