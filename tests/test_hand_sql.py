"""The benchmarks' hand-written SQL (benchmarks/hand_sql.py on SQLite, hand_sql_pg.py on
PostgreSQL) prints exactly what ``compliance evaluate --format jsonl`` prints: the reference the
evaluate figure is compared with is one only while the output is the same. Nothing is timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.commands import CONTRACT_RULES, _hand_parameters
from benchmarks.evaluation import AS_OF

from compliance import db
from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules

ROOT = Path(__file__).resolve().parent.parent
COMPLIANCE = str(Path(sys.executable).with_name("compliance"))


def _output(command: list[str], url: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    env["COMPLIANCE_DATABASE_URL"] = url
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_hand_sql_writes_the_jsonl_of_compliance_evaluate(engine, tmp_path):
    db.upgrade(engine)
    folder = tmp_path / "registry"
    generate_registry(folder, GenerateOptions(provinces=("80",), enterprises=1_500))
    import_folder(engine, folder, effective_date=AS_OF)
    url = engine.url.render_as_string(hide_password=False)
    given = tmp_path / "params.json"
    rules = [r for r in load_rules() if r.id in CONTRACT_RULES]
    given.write_text(json.dumps(_hand_parameters(rules)), encoding="utf-8")

    command = [COMPLIANCE, "evaluate", "--as-of", AS_OF.isoformat(), "--format", "jsonl"]
    ours = _output([*command, *(f"--rule={rule}" for rule in CONTRACT_RULES)], url)
    if engine.dialect.name == "postgresql":
        hand = [sys.executable, "benchmarks/hand_sql_pg.py", url, str(given)]
    else:
        hand = [sys.executable, "benchmarks/hand_sql.py", str(engine.url.database), str(given)]
    theirs = _output(hand, url)

    found = {json.loads(line)["rule"] for line in ours.splitlines()}
    assert found == set(CONTRACT_RULES)  # every rule's SQL, its due dates and order, compared
    assert ours == theirs
