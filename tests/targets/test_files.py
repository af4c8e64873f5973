"""Target files: the shipped ones load and quote the seeds; bad ones are refused at FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.formatting import number_vn
from compliance.rules.target_format import Target
from compliance.rules.validate import RulesInvalid, load_rules
from compliance.targets import figures
from compliance.targets.load import load_targets

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "rules" / "sources"  # the seed documents, copied from ../shared/seeds
GOOD = (ROOT / "rules" / "targets" / "tay_ninh" / "collective_agreements.2025.yaml").read_text(
    encoding="utf-8"
)


def test_the_shipped_targets_cover_the_three_provinces_of_the_seeds():
    targets = load_targets([ROOT / "rules" / "targets"])
    assert {t.target.province.code for t in targets} == {"66", "80", "86"}
    originals = {t.target.province.original.name for t in targets if t.target.province.original}
    assert originals == {"Tây Ninh", "Đắk Lắk", "Bến Tre"}
    areas = {t.id.split(".")[1] for t in targets}
    assert {"members", "union_coverage", "new_unions", "ratings", "inspection_coverage",
            "complaints", "workers_conference", "dialogue", "collective_agreements",
            "organised_share", "housing"} <= areas  # fmt: skip
    assert any(t.target.no_data for t in targets)  # new members: no registry data, said so


def plain(text: str) -> str:
    return " ".join(text.replace("*", "").split())


def test_every_quote_is_a_sentence_of_its_seed_document():
    for loaded in load_targets([ROOT / "rules" / "targets"]):
        source = loaded.target.source
        assert plain(source.quote) in plain((SEEDS / source.document).read_text("utf-8")), loaded.id


def test_every_rule_quote_is_in_its_seed_document():
    for loaded in load_rules([ROOT / "rules"]):
        source = loaded.rule.source
        document = (SEEDS / source.document).read_text("utf-8")
        assert plain(source.quote) in plain(document), loaded.id


def test_the_repository_copies_of_the_seeds_are_the_seeds():
    shared = ROOT.parent / "shared" / "seeds"
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(names) == 4
    if shared.is_dir():
        for name in names:
            assert (SEEDS / name).read_bytes() == (shared / name).read_bytes(), name


def test_the_rule_loader_checks_targets_but_returns_only_rules():
    rules = load_rules([ROOT / "rules"])
    files = [
        p
        for p in (ROOT / "rules").rglob("*.yaml")
        if not {"targets", "sources", "programmes"} & set(p.parts)
    ]
    assert len(rules) == len(files) == 19


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "target.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesInvalid) as info:
        load_targets([path])
    with pytest.raises(RulesInvalid) as through_rules:
        load_rules([path])
    assert [str(p) for p in through_rules.value.problems] == [str(p) for p in info.value.problems]
    return [str(p) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_a_misspelt_measure_is_refused_with_file_line_and_suggestion(tmp_path):
    text = GOOD.replace("measure: agreement_in_force", "measure: agrement_in_force")
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'target.yaml'}:{line_of(text, 'agrement')}: ")
    assert problem.endswith(
        "không có thước đo (measure) 'agrement_in_force'; có phải 'agreement_in_force'?"
    )


def test_schema_errors_name_their_lines(tmp_path):
    text = GOOD.replace("threshold: 85", "threshold: 185").replace(
        "comparison: '>='", "comparison: '=>'"
    )
    problems = problems_of(tmp_path, text)
    assert any(f":{line_of(text, 'comparison')}: comparison:" in p for p in problems), problems
    text = GOOD.replace("threshold: 85", "threshold: 185")
    [problem] = problems_of(tmp_path, text)
    assert f":{line_of(text, 'threshold')}: tỷ lệ phần trăm tối đa là 100" in problem


def test_a_measure_of_another_subject_and_a_wrong_province_name_are_refused(tmp_path):
    text = GOOD.replace("measure: agreement_in_force", "measure: rated_good").replace(
        "  name: Tây Ninh\n  original", "  name: Tay Ninh\n  original"
    )
    problems = problems_of(tmp_path, text)
    assert any("đếm union, còn nhóm 'enterprises_with_union' gồm enterprise" in p
               for p in problems)  # fmt: skip
    assert any("tỉnh mã 80 là 'Tây Ninh', không phải 'Tay Ninh'" in p for p in problems)


def test_an_unknown_waiver_rule_is_refused_when_rules_are_loaded_with_it(tmp_path):
    (tmp_path / "t.yaml").write_text(
        GOOD.replace("waiver_rule: collective_agreement.in_force",
                     "waiver_rule: collective_agreement.in_forse"), encoding="utf-8"
    )  # fmt: skip
    (tmp_path / "r.yaml").write_text(
        (ROOT / "rules" / "collective_agreement" / "in_force.yaml").read_text("utf-8"), "utf-8"
    )
    with pytest.raises(RulesInvalid) as info:
        load_rules([tmp_path])
    [problem] = [str(p) for p in info.value.problems]
    assert "không có quy tắc 'collective_agreement.in_forse' (waiver_rule); có phải" in problem


def _target(**changes: object) -> Target:
    import yaml

    data = yaml.safe_load(GOOD)
    data.update(changes)
    return Target.model_validate(data)


@pytest.mark.parametrize(
    ("comparison", "threshold", "num", "den", "gap"),
    [
        (">=", 85, 87, 111, 8),  # ceil(94.35) = 95 enterprises needed
        (">=", 85, 85, 100, 0),
        (">", 95, 19, 20, 1),  # "trên 95%": 19/20 is exactly 95%, one more is needed
        (">", 95, 20, 20, 0),
        ("<=", 0, 3, 174, 3),
    ],
)
def test_gap_counts(comparison, threshold, num, den, gap):
    target = _target(comparison=comparison, threshold=threshold)
    assert figures.figure(target, num, den, 0).gap == gap


def test_counts_and_wording():
    members = _target(unit="count", threshold=220000, levels=["province"],
                      gap={"noun": "đoàn viên", "action": "cần phát triển thêm"})  # fmt: skip
    fig = figures.figure(members, 8916, 0, 0)
    assert fig.gap == 211084 and not fig.met
    assert figures.gap_text(members, fig) == "còn thiếu 211.084 đoàn viên cần phát triển thêm"
    assert number_vn(1234.5, 1) == "1.234,5"


def test_projection_is_a_least_squares_line():
    assert figures.project([(2023, 70.0), (2024, 72.0), (2025, 74.0)], 2030) == pytest.approx(84)
    assert figures.project([(2025, 70.0)], 2030) is None
