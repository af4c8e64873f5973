"""Rule-defined facts mean what the contract says, on SQLite and PostgreSQL, by every engine:
count and sum are 0 when nothing matches, exists false, min/max unknown; ``during`` keeps the
judged period (both ends), the days up to the day judged, or every row (undated included);
``where`` takes a value, a list, comparisons and ``$parameter``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from compliance import db
from compliance.engine.cases import write_registry
from compliance.engine.evaluate import Selection, evaluate
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules

D = dt.date
AS_OF = D(2025, 1, 1)  # judges the year 2024

REGISTRY = {
    "enterprises": [{"tax_code": c, "status": "active"} for c in ("E1", "E2", "E3")],
    "conferences": [
        {"id": "C1", "enterprise_tax_code": "E1", "kind": "dialogue", "date": D(2024, 1, 1)},
        {"id": "C2", "enterprise_tax_code": "E1", "kind": "dialogue", "date": D(2024, 12, 31)},
        {"id": "C3", "enterprise_tax_code": "E1", "kind": "workers_conference",
         "date": D(2024, 6, 1)},
        {"id": "C4", "enterprise_tax_code": "E1", "kind": "dialogue", "date": D(2025, 1, 1)},
        {"id": "C5", "enterprise_tax_code": "E1", "kind": "dialogue", "date": D(2025, 1, 2)},
        {"id": "C6", "enterprise_tax_code": "E2", "kind": "workers_conference",
         "date": D(2023, 12, 31)},
        {"id": "C7", "enterprise_tax_code": "E2", "kind": "dialogue"},  # undated
    ],
    "fee_payments": [
        {"enterprise_tax_code": "E1", "period": "2024-11", "due_on": D(2024, 12, 15),
         "amount_due": 1000, "amount_paid": 500},
        {"enterprise_tax_code": "E1", "period": "2024-12", "due_on": D(2025, 1, 15),
         "amount_due": 2000},
        {"enterprise_tax_code": "E1", "period": "2025-01"},
        {"enterprise_tax_code": "E2", "period": "2024-11", "due_on": D(2024, 12, 20),
         "amount_due": 300},
    ],
}  # fmt: skip

FACTS = """\
facts:
  dialogues_year:
    count: conferences
    match: {enterprise_tax_code: tax_code}
    where: {kind: dialogue}
    during: period
  dialogues_as_of:
    count: conferences
    match: {enterprise_tax_code: tax_code}
    where: {kind: dialogue}
    during: as_of
  dialogues_ever:
    count: conferences
    match: {enterprise_tax_code: tax_code}
    where: {kind: dialogue}
  any_conference:
    exists: conferences
    match: {enterprise_tax_code: tax_code}
  other_kinds:
    count: conferences
    match: {enterprise_tax_code: tax_code}
    where: {kind: {ne: dialogue}}
  listed_late_2024:
    count: conferences
    match: {enterprise_tax_code: tax_code}
    where:
      kind: [dialogue, workers_conference]
      date: {gt: 2024-06-01, lte: $period_end}
  due_total:
    sum: fee_payments
    of: amount_due
    match: {enterprise_tax_code: tax_code}
  latest_due:
    max: fee_payments
    of: due_on
    match: {enterprise_tax_code: tax_code}
  earliest_large_due:
    min: fee_payments
    of: due_on
    match: {enterprise_tax_code: tax_code}
    where: {amount_due: {gte: $min_amount}}
  payments_due_in_year:
    count: fee_payments
    match: {enterprise_tax_code: tax_code}
    during: period
    date: due_on
"""
NAMES = [line.strip().rstrip(":") for line in FACTS.splitlines() if line.startswith("  ") and
         not line.startswith("    ")]  # fmt: skip

SHOWN = " ".join("{{ facts." + name + " }}" for name in NAMES)  # so every fact is selected
RULE = f"""\
id: test.defined_facts
title: T
description: D
source:
  document: 000_14c18d3c2f2feb98.txt
  section: II.1
  quote: "q"
applies_to:
  subject: enterprise
  active: any
period: year
parameters:
  min_amount:
    default: 1000
    description: Số tiền.
{FACTS}violation: {{fact: dialogues_ever, gte: 0}}
severity: low
explanation: "{SHOWN}"
follow_up:
  responsible: self
  due_in_days: 30
  title: "t"
  body: "b"
"""

EXPECTED = {
    "E1": {"dialogues_year": 2, "dialogues_as_of": 3, "dialogues_ever": 4, "any_conference": True,
           "other_kinds": 1, "listed_late_2024": 1, "due_total": 3000.0,
           "latest_due": D(2025, 1, 15), "earliest_large_due": D(2024, 12, 15),
           "payments_due_in_year": 1},
    "E2": {"dialogues_year": 0, "dialogues_as_of": 0, "dialogues_ever": 1, "any_conference": True,
           "other_kinds": 1, "listed_late_2024": 0, "due_total": 300.0,
           "latest_due": D(2024, 12, 20), "earliest_large_due": None, "payments_due_in_year": 1},
    "E3": {"dialogues_year": 0, "dialogues_as_of": 0, "dialogues_ever": 0, "any_conference": False,
           "other_kinds": 0, "listed_late_2024": 0, "due_total": 0.0, "latest_due": None,
           "earliest_large_due": None, "payments_due_in_year": 0},
}  # fmt: skip


def _loaded(tmp_path: Path) -> list:
    path = tmp_path / "rule.yaml"
    path.write_text(RULE, encoding="utf-8")
    return load_rules([path])


def _facts(engine, rules, overrides=None) -> dict[str, dict[str, dict]]:
    with engine.connect() as conn:
        return {
            method: {
                f.unit: {n: f.facts[n] for n in NAMES}
                for f in evaluate(
                    conn, rules, AS_OF, Selection(), method=method, overrides=overrides
                )  # fmt: skip
            }
            for method in ("sql", "durable", "python")
        }


def test_each_aggregate_and_filter_means_what_the_contract_says(engine, tmp_path):
    db.upgrade(engine)
    write_registry(tmp_path / "delivery", REGISTRY)
    import_folder(engine, tmp_path / "delivery", effective_date=AS_OF)
    rules = _loaded(tmp_path)
    for method, found in _facts(engine, rules).items():
        assert found == EXPECTED, method
        assert isinstance(found["E3"]["due_total"], float) and found["E3"]["dialogues_year"] == 0
    overridden = _facts(engine, rules, {"test.defined_facts": {"min_amount": 300}})
    assert {m: f["E2"]["earliest_large_due"] for m, f in overridden.items()} == dict.fromkeys(
        ("sql", "durable", "python"), D(2024, 12, 20)
    )
