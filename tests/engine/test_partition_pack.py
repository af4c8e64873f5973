"""A share's findings packed for the trip back from a Dask worker come back the same."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

from sqlalchemy import Engine

from compliance.engine import partition
from compliance.engine.evaluate import evaluate
from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules

AS_OF = dt.date(2026, 10, 1)


def test_pack_and_unpack_keep_every_field(sqlite_engine: Engine, tmp_path: Path) -> None:
    generate_registry(tmp_path, GenerateOptions(provinces=("80",), enterprises=400))
    import_folder(sqlite_engine, tmp_path, effective_date=AS_OF)
    rules = load_rules()
    with sqlite_engine.connect() as conn:
        findings = evaluate(conn, rules, AS_OF, history=2)
    assert len({f.rule for f in findings}) > 5

    travelled = pickle.loads(pickle.dumps(partition.pack(findings)))
    back = partition.unpack(travelled, {r.id: r for r in rules})

    assert sorted(back, key=lambda f: f.key) == sorted(findings, key=lambda f: f.key)
    original = {f.key: f for f in findings}
    for f in back:
        o = original[f.key]
        assert (f.facts, f.params, f.period_bounds, f.as_of) == (
            o.facts,
            o.params,
            o.period_bounds,
            o.as_of,
        )
        assert f.loaded is not None and o.loaded is not None and f.loaded.id == o.loaded.id
        assert f.explanation == o.explanation
    assert len(pickle.dumps(travelled)) < len(pickle.dumps(findings)) / 2
