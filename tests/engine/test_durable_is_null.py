"""``is_null: true`` on its own, or a negated comparison (which becomes "null or the opposite"),
is judged by durable-rules like by SQL and Python. durable-rules 2.0.28 spins forever on a
"$nex" test that is not joined by "$and" to another (measured), so the compiled expression joins
it; without that this test never finished."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance import db
from compliance.engine.cases import write_registry
from compliance.engine.evaluate import Selection, evaluate
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules

RULE = """\
id: test.unknown_workers
title: T
description: D
source: {document: 000_14c18d3c2f2feb98.txt, section: II.1, quote: "q"}
applies_to: {subject: enterprise, active: any}
violation: CONDITION
severity: low
explanation: "{{ unit.code }}"
follow_up: {responsible: self, due_in_days: 1, title: "t", body: "b"}
"""


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{fact: workers, is_null: true}", {"EUNKNOWN"}),
        ("{not: {fact: workers, gte: 25}}", {"EUNKNOWN", "ESMALL"}),
        ("{any: [{fact: workers, is_null: true}, {fact: workers, gt: 100}]}", {"EUNKNOWN", "EBIG"}),
    ],
)
def test_unknown_facts_are_judged_alike_by_every_engine(
    sqlite_engine, tmp_path, condition, expected
):
    db.upgrade(sqlite_engine)
    write_registry(
        tmp_path / "delivery",
        {"enterprises": [{"tax_code": "EUNKNOWN", "status": "active"},
                         {"tax_code": "ESMALL", "workers": 3, "status": "active"},
                         {"tax_code": "EBIG", "workers": 300, "status": "active"}]},
    )  # fmt: skip
    import_folder(sqlite_engine, tmp_path / "delivery", effective_date=dt.date(2025, 1, 1))
    path = tmp_path / "rule.yaml"
    path.write_text(RULE.replace("CONDITION", condition), encoding="utf-8")
    rules = load_rules([path])
    with sqlite_engine.connect() as conn:
        for method in ("sql", "python", "durable"):
            found = evaluate(conn, rules, dt.date(2025, 1, 1), Selection(), method=method)
            assert {f.unit for f in found} == expected, method
