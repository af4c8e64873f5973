"""Ad-hoc evaluation: the command-line contract, explanations, scope, and that it only reads."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.engine.cases import write_registry
from compliance.engine.evaluate import Selection, evaluate
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules
from tests.registry.helpers import snapshot

ROOT = Path(__file__).parents[2]
COMMAND = str(Path(sys.executable).parent / "compliance")
AS_OF = "2025-03-01"

REGISTRY = {
    "enterprises": [
        {"tax_code": "0300000001", "name": "Công ty TNHH Hưng Thịnh", "workers": 120,
         "status": "active", "province_code": "80"},
        {"tax_code": "0300000002", "name": "Công ty CP Đắk Lắk Xanh", "workers": 40,
         "status": "active", "province_code": "66"},
        {"tax_code": "0300000003", "name": "Công ty TNHH Bến Tre", "workers": 10,
         "status": "active", "province_code": "80"},
    ],
    "unions": [
        {"code": "LDLD-80", "kind": "provincial_federation", "province_code": "80"},
        {"code": "CDCS-3", "kind": "grassroots_union", "enterprise_tax_code": "0300000003",
         "superior_code": "LDLD-80", "province_code": "80", "name": "Công đoàn cơ sở Bến Tre"},
    ],
    "complaints": [
        {"id": "K1", "union_code": "CDCS-3", "accepted_on": dt.date(2025, 1, 2), "complex": True},
    ],
    "fee_payments": [
        {"enterprise_tax_code": "0300000003", "period": "2025-01", "due_on": dt.date(2025, 1, 31),
         "amount_due": 1_500_000, "amount_paid": 1_000_000},
    ],
}  # fmt: off


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    write_registry(tmp_path / "delivery", REGISTRY)
    env = _env(tmp_path)
    result = subprocess.run(
        [COMMAND, "import", "delivery", "--no-progress"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path


def _env(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    env["COMPLIANCE_RULES_DIR"] = str(ROOT / "rules")
    env["COLUMNS"] = "250"
    return env


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, "evaluate", "--as-of", AS_OF, *args], cwd=cwd, env=_env(cwd),
        capture_output=True, text=True, check=False,
    )  # fmt: off


def jsonl(result: subprocess.CompletedProcess[str]) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_has_the_contract_fields(registry_dir):
    rows = jsonl(run(registry_dir, "--format", "jsonl"))
    keys = {(r["rule"], r["unit"], r["period"], r["status"]) for r in rows}
    assert ("union.establishment", "0300000001", None, "violation") in keys
    assert ("complaint.resolution", "K1", None, "violation") in keys
    assert ("union_fee.paid", "0300000003", "2025-01", "violation") in keys
    assert ("review.quarterly", "CDCS-3", "2024-Q4", "violation") in keys
    for row in rows:
        assert {"rule", "unit", "period", "status", "due"} <= set(row)
        assert row["status"] in ("violation", "at_risk", "open")
    due = {(r["rule"], r["unit"]): r["due"] for r in rows}
    assert due[("complaint.resolution", "K1")] == "2025-02-16"  # complex: 45 days
    assert due[("union_fee.paid", "0300000003")] == "2025-01-31"
    assert due[("review.quarterly", "CDCS-3")] == "2024-12-31"
    assert due[("union.establishment", "0300000001")] is None


def test_evaluation_never_writes(registry_dir):
    from compliance import db

    engine = db.make_engine(f"sqlite:///{registry_dir / 'compliance.db'}")
    before = snapshot(engine)
    for args in (("--format", "jsonl"), ("--unit", "0300000001"), ("--explain",)):
        assert run(registry_dir, *args).returncode == 0
    assert snapshot(engine) == before
    engine.dispose()


def test_scope_by_rule_unit_and_province(registry_dir):
    by_rule = jsonl(run(registry_dir, "--format", "jsonl", "--rule", "union.establishment"))
    assert {r["unit"] for r in by_rule} == {"0300000001", "0300000002"}
    by_province = jsonl(
        run(registry_dir, "--format", "jsonl", "--rule", "union.establishment", "--province", "66")
    )
    assert [r["unit"] for r in by_province] == ["0300000002"]
    by_unit = jsonl(run(registry_dir, "--format", "jsonl", "--unit", "0300000003"))
    assert {r["rule"] for r in by_unit} == {
        "union_fee.paid",  # 500.000 đồng still owed for 2025-01
        "collective_agreement.in_force",  # a union but no agreement
        "workers_conference.annual",  # a union all of 2024, no conference
        "dialogue.annual",  # nor a dialogue (a conference of kind dialogue)
    }


def test_the_same_findings_from_every_engine(registry_dir):
    results = [
        run(registry_dir, "--format", "jsonl", "--engine", engine).stdout
        for engine in ("sql", "durable", "python")
    ]
    assert results[0] and results[0] == results[1] == results[2]


def test_a_rule_from_an_aggregate_target_says_so(registry_dir):
    """source.binds: target — the unit does not yet count toward a share, it breached nothing."""
    result = run(
        registry_dir, "--format", "json", "--explain", "--rule", "collective_agreement.in_force"
    )
    findings = [f for f in json.loads(result.stdout) if f["status"] == "violation"]
    assert findings
    assert all("(Căn cứ chỉ tiêu chung, đơn vị chưa được tính vào chỉ tiêu — không phải vi phạm "
               "nghĩa vụ riêng của đơn vị: " in f["explanation"] for f in findings)  # fmt: skip
    table = run(registry_dir, "--rule", "collective_agreement.in_force").stdout
    assert "chưa đạt (chỉ tiêu chung)" in table and "vi phạm" not in table


def test_explain_gives_a_vietnamese_sentence_with_facts_threshold_and_source(registry_dir):
    result = run(registry_dir, "--format", "json", "--explain", "--unit", "0300000001")
    assert result.returncode == 0, result.stderr
    [finding] = [f for f in json.loads(result.stdout) if f["rule"] == "union.establishment"]
    assert finding["explanation"] == (
        "Doanh nghiệp Công ty TNHH Hưng Thịnh (mã số thuế 0300000001) có 120 lao động (ngưỡng 25) "
        "nhưng đến ngày 01/03/2025 chưa có công đoàn cơ sở đang hoạt động. "
        "(Căn cứ: Chương trình hành động của Ban Thường vụ Tỉnh ủy Tây Ninh thực hiện Nghị quyết "
        "số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị về “Đổi mới tổ chức và hoạt động của Công "
        "đoàn Việt Nam trong tình hình mới”, mục II.1.)"
    )
    assert finding["facts"] == {"workers": 120, "has_active_grassroots_union": False}
    assert finding["params"] == {"min_workers": 25}
    assert finding["source"]["quote"].startswith("100% doanh nghiệp có từ 25 lao động")
    assert len(finding["rule_version"]) == 12


def test_table_format_and_errors(registry_dir, tmp_path):
    table = run(registry_dir, "--rule", "complaint.resolution", "--explain")
    assert table.returncode == 0
    assert "vi phạm" in table.stdout and "16/02/2025" in table.stdout
    unknown = run(registry_dir, "--rule", "union.establishmnt")
    assert unknown.returncode == 2
    assert "có phải 'union.establishment'?" in unknown.stderr
    (tmp_path / "empty").mkdir()
    empty = run(tmp_path / "empty")
    assert empty.returncode == 1 and "compliance db upgrade" in empty.stderr


def test_history_judges_older_periods_too(sqlite_engine, tmp_path):
    write_registry(tmp_path / "d", {"unions": [{"code": "G", "kind": "grassroots_union"}]})
    import_folder(sqlite_engine, tmp_path / "d")
    rules = [r for r in load_rules([ROOT / "rules"]) if r.id == "review.quarterly"]
    with sqlite_engine.connect() as conn:
        findings = evaluate(conn, rules, dt.date(2025, 3, 1), Selection(), history=3)
    assert [f.period for f in findings] == ["2024-Q2", "2024-Q3", "2024-Q4"]


def test_each_periodic_rule_judges_its_own_period(sqlite_engine, tmp_path):
    """A year rule evaluated before a quarter rule must not lend it its period."""
    write_registry(tmp_path / "d", {"unions": [{"code": "G", "kind": "grassroots_union"}]})
    import_folder(sqlite_engine, tmp_path / "d")
    rules = [
        r for r in load_rules([ROOT / "rules"]) if r.id in ("rating.annual", "review.quarterly")
    ]
    assert [r.id for r in rules] == ["rating.annual", "review.quarterly"]
    with sqlite_engine.connect() as conn:
        findings = evaluate(conn, rules, dt.date(2025, 3, 1), Selection())
    assert {(f.rule, f.period) for f in findings} == {
        ("rating.annual", "2024"),
        ("review.quarterly", "2024-Q4"),
    }
