"""``compliance rules preview``: the delta equals evaluating both catalogues and diffing by hand,
grouped where the units are; bad drafts and settings are refused with what to fix."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, text

from compliance import db
from compliance.engine.evaluate import Selection, evaluate
from compliance.engine.findings import Finding
from compliance.engine.preview import PreviewRefused, catalogues, diff, preview
from compliance.engine.preview_groups import groups, headlines, province_name
from compliance.formatting import number_vn
from compliance.generate import GenerateOptions, generate_registry
from compliance.messages import MESSAGES
from compliance.registry.importer import import_folder
from compliance.rules.validate import load_rules
from tests.conftest import _postgres_engine
from tests.registry.helpers import snapshot

AS_OF = dt.date(2026, 10, 1)
SETTING_20 = "union.establishment.min_workers=20"
COMMAND = str(Path(sys.executable).parent / "compliance")
NEW_RULE = """\
id: union.establishment_large
title: Doanh nghiệp từ 100 lao động phải có công đoàn cơ sở
description: Bản nháp một nghĩa vụ mới cho doanh nghiệp lớn.
source:
  document: 000_14c18d3c2f2feb98.txt
  section: II.1
  quote: "100% doanh nghiệp có từ 25 lao động trở lên thành lập được tổ chức công đoàn."
applies_to:
  subject: enterprise
  active: as_of
period: none
parameters:
  min_workers:
    default: 100
    description: Số lao động từ đó doanh nghiệp phải có công đoàn cơ sở.
violation:
  all:
    - {fact: workers, gte: $min_workers}
    - {fact: has_active_grassroots_union, eq: false}
severity: high
explanation: Doanh nghiệp {{ unit.name }} có {{ facts.workers | number }} lao động.
follow_up:
  responsible: provincial_federation
  due_in_days: 90
  title: "Vận động thành lập công đoàn cơ sở tại {{ unit.name }}"
  body: Đề nghị vận động thành lập công đoàn cơ sở.
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("preview")
    generate_registry(folder / "d", GenerateOptions(provinces=("80", "66"), enterprises=2_500))

    @contextmanager
    def database() -> Iterator[Engine]:
        if request.param == "postgresql":
            with contextmanager(_postgres_engine)() as engine:
                yield engine
        else:
            engine = db.make_engine(f"sqlite:///{folder / 'r.db'}")
            yield engine
            engine.dispose()

    with database() as engine:
        import_folder(engine, folder / "d", effective_date=AS_OF)
        yield engine


def _keys(findings: list[Finding]) -> dict[tuple, str]:
    return {f.key: f.status for f in findings}


def test_a_threshold_change_adds_exactly_the_units_between_the_thresholds(registry: Engine):
    published = load_rules()
    chosen = catalogues(published, [], ["union.establishment.min_workers=20"])
    before_snapshot = snapshot(registry)
    with registry.connect() as conn:
        result = preview(conn, chosen, AS_OF)
        found = groups(conn, result)
        rule = [r for r in published if r.id == "union.establishment"]
        scope = Selection.of(["union.establishment"])
        by_hand_before = _keys(evaluate(conn, rule, AS_OF, scope))
        overrides = {"union.establishment": {"min_workers": 20}}
        by_hand_after = _keys(evaluate(conn, rule, AS_OF, scope, overrides=overrides))
        # and from the registry rows themselves: active, 20–24 workers, no active union
        oracle = set(
            conn.execute(
                text(
                    "SELECT e.tax_code FROM enterprises e WHERE e.status = 'active' "
                    "AND (e.registered_on IS NULL OR e.registered_on <= :d) "
                    "AND e.workers >= 20 AND e.workers < 25 AND NOT EXISTS (SELECT 1 FROM "
                    "unions u WHERE u.enterprise_tax_code = e.tax_code AND u.kind = "
                    "'grassroots_union' AND (u.founded_on IS NULL OR u.founded_on <= :d) "
                    "AND (u.dissolved_on IS NULL OR u.dissolved_on > :d))"
                ),
                {"d": AS_OF},
            ).scalars()
        )
    assert snapshot(registry) == before_snapshot  # a preview only reads
    added = {d.finding.key for d in result.deltas if d.change == "added"}
    assert added == by_hand_after.keys() - by_hand_before.keys()
    assert {unit for _, unit, _ in added} == oracle and len(oracle) > 10
    assert not [d for d in result.deltas if d.change != "added"]
    assert (result.findings_before, result.findings_after) == (
        len(by_hand_before),
        len(by_hand_after),
    )
    by_province = Counter(d.finding.province_code for d in result.deltas)
    top, most = min(by_province.items(), key=lambda item: (-item[1], item[0]))
    assert headlines(result) == [
        f"union.establishment, ngưỡng min_workers 25 → 20: thêm {number_vn(len(added))} phát "
        f"hiện, trong đó {province_name(top)} {number_vn(most)}"
    ]
    assert sum(len(g.deltas) for g in found) == len(added)
    with registry.connect() as conn:
        sectors = dict(conn.execute(text("SELECT tax_code, sector FROM enterprises")).all())
    for group in found:
        assert {sectors[d.finding.unit] for d in group.deltas} == {group.place.sector}
        assert {d.finding.province_code for d in group.deltas} == {group.place.province}


def test_a_new_rule_adds_all_its_findings_grouped_by_superior_and_sector(
    registry: Engine, tmp_path: Path
):
    draft = tmp_path / "large.yaml"
    draft.write_text(NEW_RULE, encoding="utf-8")
    drafted = load_rules([draft])
    chosen = catalogues(load_rules(), drafted, ["union.establishment_large.min_workers=60"])
    assert chosen.involved == ["union.establishment_large"] and chosen.before == []
    with registry.connect() as conn:
        result = preview(conn, chosen, AS_OF, province="80")
        found = groups(conn, result)
        overrides = {"union.establishment_large": {"min_workers": 60}}
        by_hand = evaluate(conn, drafted, AS_OF, Selection.of(province="80"), overrides=overrides)
    assert [(d.change, d.finding.key, d.after) for d in result.deltas] == [
        ("added", f.key, "violation") for f in by_hand
    ]
    assert by_hand and all(f.facts["workers"] >= 60 for f in by_hand)
    assert headlines(result) == [
        f"quy tắc mới union.establishment_large: thêm {number_vn(len(by_hand))} phát hiện, "
        f"tất cả ở {province_name('80')}"
    ]
    assert {g.place.province for g in found} == {"80"}
    assert sum(len(g.deltas) for g in found) == len(by_hand)


def test_a_changed_rule_reports_findings_removed_and_their_units(registry: Engine, tmp_path):
    """A draft replacing a published rule (same id): the warning window of agreements shrinks,
    so agreements expiring in 31–90 days are no longer at risk."""
    published = load_rules()
    source = next(r for r in published if r.id == "collective_agreement.in_force").path
    draft = tmp_path / "in_force.yaml"
    draft.write_text(
        source.read_text(encoding="utf-8").replace("default: 90", "default: 30"), encoding="utf-8"
    )
    chosen = catalogues(published, load_rules([draft]), [])
    with registry.connect() as conn:
        result = preview(conn, chosen, AS_OF)
        rule = [r for r in published if r.id == "collective_agreement.in_force"]
        scope = Selection.of([rule[0].id])
        before = _keys(evaluate(conn, rule, AS_OF, scope))
        after = _keys(
            evaluate(conn, rule, AS_OF, scope, overrides={rule[0].id: {"warning_days": 30}})
        )
    removed = {d.finding.key: d.before for d in result.deltas if d.change == "removed"}
    assert removed == {k: before[k] for k in before.keys() - after.keys()}
    assert removed and set(removed.values()) == {"at_risk"}
    assert headlines(result)[0].startswith(
        "collective_agreement.in_force sửa đổi, ngưỡng warning_days 90 → 30: bớt "
        f"{number_vn(len(removed))} phát hiện"
    )


def _finding(unit: str, status: str) -> Finding:
    return Finding("r", unit, None, status, "v1", None, "80", AS_OF, {}, {})


def test_diff_sees_added_removed_and_changed_status_and_nothing_else():
    before = [_finding("A", "violation"), _finding("B", "at_risk"), _finding("C", "violation")]
    after = [_finding("B", "violation"), _finding("C", "violation"), _finding("D", "at_risk")]
    assert [(d.change, d.finding.unit, d.before, d.after) for d in diff(before, after)] == [
        ("removed", "A", "violation", None),
        ("changed", "B", "at_risk", "violation"),
        ("added", "D", None, "at_risk"),
    ]


@pytest.mark.parametrize(
    ("setting", "code", "words"),
    [
        ("union.establishment.min_workers", "preview.bad_setting", "QUY_TẮC.THAM_SỐ=GIÁ_TRỊ"),
        ("union.establisment.min_workers=20", "preview.unknown_rule", "'union.establishment'?"),
        ("union.establishment.min_worker=20", "preview.unknown_parameter", "'min_workers'?"),
        ("union.establishment.min_workers=hai mươi", "preview.bad_value", "số nguyên"),
        ("union.establishment.min_workers=20.5", "preview.bad_value", "số nguyên"),
    ],
)
def test_a_bad_setting_is_refused_with_what_to_fix(setting: str, code: str, words: str):
    with pytest.raises(PreviewRefused) as info:
        catalogues(load_rules(), [], [setting])
    assert info.value.code == code and words in str(info.value)


def test_nothing_to_preview_is_refused():
    with pytest.raises(PreviewRefused) as info:
        catalogues(load_rules(), [], [])
    assert info.value.code == "preview.nothing_to_preview"
    with pytest.raises(PreviewRefused) as info:  # draft files that hold no rule (a target)
        catalogues(load_rules(), [], [SETTING_20], draft_files=1)
    assert info.value.code == "preview.no_rules"


# -- the command ------------------------------------------------------------------------------


def _run(*args: str, cwd: Path, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    env.update(COMPLIANCE_DATABASE_URL=url, COLUMNS="200")
    return subprocess.run(
        [COMMAND, "rules", "preview", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_the_command_prints_the_grouped_delta_in_every_format(registry: Engine, tmp_path: Path):
    url = registry.url.render_as_string(hide_password=False)
    setting = ("--as-of", "2026-10-01", "--set", "union.establishment.min_workers=20")
    table = _run(*setting, cwd=tmp_path, url=url)
    assert table.returncode == 0, table.stderr
    lines = _run(*setting, "--format", "jsonl", cwd=tmp_path, url=url)
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert rows and {r["change"] for r in rows} == {"added"}
    assert {r["rule"] for r in rows} == {"union.establishment"}
    assert "ngưỡng min_workers 25 → 20: thêm " + number_vn(len(rows)) in table.stdout
    assert all(r["unit"] in table.stdout for r in rows)  # every unit listed
    no_file = _run(*setting, "--format", "xlsx", cwd=tmp_path, url=url)
    assert no_file.returncode == 2  # preview.xlsx_needs_out
    assert MESSAGES["preview.xlsx_needs_out"] in no_file.stderr.replace("\n", " ")
    out = tmp_path / "xem-truoc.xlsx"
    book = _run(*setting, "--format", "xlsx", "--out", str(out), cwd=tmp_path, url=url)
    assert book.returncode == 0, book.stderr
    sheets = openpyxl.load_workbook(out)
    assert sheets.sheetnames == ["Tóm tắt", "Thay đổi"]
    assert sheets["Thay đổi"].max_row - 1 == len(rows)


def test_an_invalid_draft_exits_non_zero_with_file_and_line(registry: Engine, tmp_path: Path):
    draft = tmp_path / "bad.yaml"
    draft.write_text(NEW_RULE.replace("{fact: workers,", "{fact: worker,"), encoding="utf-8")
    url = registry.url.render_as_string(hide_password=False)
    result = _run(str(draft), "--as-of", "2026-10-01", cwd=tmp_path, url=url)
    assert result.returncode == 1
    line = NEW_RULE.splitlines().index("    - {fact: workers, gte: $min_workers}") + 1
    assert f"bad.yaml:{line}:" in result.stderr and "workers" in result.stderr
    assert result.stdout == ""
