"""The shipped programme files (rules/programmes/): they validate, hold every item of the seeds
with its lead and time as written, and the body registry resolves every name in them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.programmes.bodies import load_bodies, registry
from compliance.programmes.load import LoadedProgramme, check_programmes, load_programmes
from compliance.programmes.schedule import Occurrence, occurrences
from compliance.rules.loaded import RulesInvalid
from compliance.rules.validate import load_rules
from tests.programmes.seed_000 import ITEMS_000

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"


@pytest.fixture(scope="module")
def programmes() -> dict[str, LoadedProgramme]:
    return {p.programme.id: p for p in load_programmes(RULES)}


def test_the_seed_programmes_validate_with_their_counts(programmes):
    counts = {pid: len(p.items) for pid, p in programmes.items()}
    assert counts == {"tay_ninh.ctr_02": 22, "duong_minh_chau.kh_94": 15, "ben_tre.ctr_02_2024": 1}


def test_seed_000_items_have_the_documents_leads_partners_and_times(programmes):
    items = {i.item.id: i.item for i in programmes["tay_ninh.ctr_02"].items}
    assert set(items) == set(ITEMS_000)
    for item_id, (lead, partners, time) in ITEMS_000.items():
        assert (items[item_id].lead, items[item_id].partners, items[item_id].time) == (
            lead,
            partners,
            time,
        ), item_id
        assert items[item_id].section == "II." + item_id.rsplit(".", 1)[0]


def test_seed_003_and_004_items(programmes):
    plan = {i.item.id: i for i in programmes["duong_minh_chau.kh_94"].items}
    assert plan["3.3"].item.time == (
        "Thực hiện việc chuyển giao, tiếp nhận chậm nhất ngày 31/10/2021 hoặc khi có phát sinh"
    )
    assert plan["3.3"].schedule.deadlines[0].due == dt.date(2021, 10, 31)
    assert plan["3.2"].item.time == "trong Quý II/2021"
    assert plan["7.2"].item.time == "trong năm 2021"
    assert {i.item.lead[0] for i in plan.values()} == {
        "Ban Thường vụ Liên đoàn Lao động huyện Dương Minh Châu"
    }
    (deadline,) = programmes["ben_tre.ctr_02_2024"].items
    assert deadline.item.section == "IV.2"
    assert deadline.item.lead == [
        "Các LĐLĐ huyện, thành phố, Công đoàn các Khu công nghiệp, Công đoàn ngành"
    ]
    assert deadline.item.time == "trước ngày 25/01/2024"
    assert "trước ngày 25/01/2024" in (deadline.item.quote or "")
    assert deadline.schedule.deadlines[0].due == dt.date(2024, 1, 25)


def test_every_quote_is_in_its_document(programmes):
    for loaded in programmes.values():
        source = (RULES / "sources" / loaded.programme.document).read_text(encoding="utf-8")
        flat = " ".join(source.replace("*", "").split())
        for item in loaded.items:
            assert item.item.quote
            for part in item.item.quote.split(". "):
                assert part.strip(" .") in flat, (loaded.programme.id, item.item.id, part)


def test_occurrences(programmes):
    ctr = programmes["tay_ninh.ctr_02"]
    by_id = {i.item.id: i for i in ctr.items}
    quarterly = occurrences(ctr, by_id["2.6.2"])
    assert quarterly[0] == Occurrence("2022-Q1", dt.date(2022, 3, 31), dt.date(2022, 1, 1))
    assert quarterly[-1].period == "2030-Q4" and len(quarterly) == 36
    mixed = occurrences(ctr, by_id["2.2.2"])
    assert [o.period for o in mixed][:3] == ["2022", "2022-12-31", "2023"]
    assert occurrences(ctr, by_id["2.1.1"]) == []  # thường xuyên: nothing owed
    single = occurrences(ctr, by_id["2.2.1"])
    assert single == [Occurrence(None, dt.date(2023, 9, 30), None)]


def test_recurring_without_until_runs_to_the_as_of_year(programmes):
    ctr = programmes["tay_ninh.ctr_02"]
    open_ended = LoadedProgramme(
        ctr.programme.model_copy(update={"until": None}), ctr.items, ctr.path
    )
    item = next(i for i in ctr.items if i.item.id == "2.3.4")
    assert [o.period for o in occurrences(open_ended, item, up_to=dt.date(2024, 5, 1))] == [
        "2022",
        "2023",
        "2024",
    ]


def test_every_name_resolves_and_class_leads_are_owed_by_their_members(programmes):
    bodies = registry(RULES)
    for loaded in programmes.values():
        for item in loaded.items:
            for name in (*item.item.lead, *item.item.partners):
                assert bodies.unknown(name) is None, name
    assert bodies.resolve("Ban Dân vận Tỉnh uỷ.").code == "tn.tu.dan_van"
    owing = bodies.owing("Các huyện ủy, thị ủy, thành ủy")
    assert len(owing) == 9 and "Huyện ủy Dương Minh Châu" in owing
    # a class without listed members is owed once, by the class as written
    assert bodies.owing("Các cơ quan tham mưu, giúp việc Tỉnh ủy") == [
        "Các cơ quan tham mưu, giúp việc Tỉnh ủy"
    ]
    assert bodies.owing("Ban Dân vận Tỉnh ủy") == ["Ban Dân vận Tỉnh ủy"]


def test_the_body_registry_itself_is_valid():
    _, problems = load_bodies(RULES / "programmes" / "bodies.yaml")
    assert problems == []


def _copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES / "programmes", rules / "programmes")
    shutil.copytree(RULES / "sources", rules / "sources")
    return rules


def test_problems_are_located_and_vietnamese(tmp_path):
    rules = _copy_rules(tmp_path)
    path = rules / "programmes" / "tay_ninh.ctr_02.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("time: Quý III/2023", "time: Quý IIII/2023", 1)
    text = text.replace("- Trường Chính trị tỉnh\n", "- Trường Chính trị tỉnhh\n", 1)
    text = text.replace("document: 000_14c18d3c2f2feb98.txt", "document: 000_14c18d3c2f2feb9.txt")
    text = text.replace("  section: II.2.2\n", "  section: II.2.2\n  sectoin: x\n", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    _, problems = check_programmes([rules])
    found = {(p.line, p.message.split(";")[0].split(" (")[0]) for p in problems}
    line = next(n for n, t in enumerate(lines, 1) if "sectoin" in t)
    assert (line, "Khóa 'sectoin' không có trong định dạng") in found
    # the schema error stops the file; fix it and the meaning checks run
    path.write_text(text.replace("  sectoin: x\n", ""), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    _, problems = check_programmes([rules])
    shown = [str(p) for p in problems]
    time_line = next(n for n, t in enumerate(lines, 1) if "Quý IIII" in t)
    body_line = next(n for n, t in enumerate(lines, 1) if "tỉnhh" in t)
    doc_line = next(n for n, t in enumerate(lines, 1) if "document:" in t)
    assert any(s.startswith(f"{path}:{time_line}: Quý 'IIII' không hợp lệ") for s in shown)
    assert any(
        s.startswith(f"{path}:{body_line}: Cơ quan 'Trường Chính trị tỉnhh' chưa có")
        and "có phải 'Trường Chính trị tỉnh'?" in s
        for s in shown
    )
    assert any(s.startswith(f"{path}:{doc_line}: Văn bản") for s in shown)
    with pytest.raises(RulesInvalid):
        load_programmes(rules)


def test_rules_validate_reports_programme_files_too(tmp_path):
    rules = _copy_rules(tmp_path)
    path = rules / "programmes" / "ben_tre.ctr_02_2024.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("trước ngày 25/01/2024\n", "sớm\n"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["rules", "validate", str(rules)])
    assert result.exit_code == 1
    assert f"{path}:" in result.output and "Không đọc được thời gian 'sớm'" in result.output
    ok = CliRunner().invoke(app, ["rules", "validate", str(RULES)])
    assert ok.exit_code == 0, ok.output
    assert "3 chương trình (38 mục) hợp lệ" in ok.output


def test_the_rule_loader_skips_programmes():
    rules = load_rules([RULES])
    assert all("programmes" not in r.path.parts for r in rules)
    assert load_rules([RULES / "programmes"]) == []
