"""``compliance programmes extract``: the three seeds give the shipped programme files, and two
documents written here in the same layout with other wording extract as well (or say, by line,
what they lack)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml

from compliance.programmes.bodies import load_bodies, registry
from compliance.programmes.extract import extract
from compliance.programmes.load import check_file
from tests.programmes.seed_000 import ITEMS_000

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
SOURCES = RULES / "sources"
COMMAND = str(Path(sys.executable).parent / "compliance")


def run(*args: str, cwd: Path, rules: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    env.update(COLUMNS="250", COMPLIANCE_RULES_DIR=str(rules or RULES))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return subprocess.run(
        [COMMAND, "programmes", "extract", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def shipped(programme_id: str) -> dict:
    return yaml.safe_load((RULES / "programmes" / f"{programme_id}.yaml").read_text("utf-8"))


def test_seed_000_gives_all_22_items_with_their_leads_and_times(tmp_path):
    result = run(
        str(SOURCES / "000_14c18d3c2f2feb98.txt"),
        "--out", str(tmp_path), "--issued-on", "2022-01-10", "--id", "tay_ninh.ctr_02",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "22 mục" in result.stdout
    written = yaml.safe_load((tmp_path / "tay_ninh.ctr_02.yaml").read_text("utf-8"))
    got = {i["id"]: (i["lead"], i["partners"], i["time"]) for i in written["items"]}
    assert got == ITEMS_000
    keys = ("id", "section", "text", "lead", "partners", "time", "quote")
    hand = [{k: i[k] for k in keys} for i in shipped("tay_ninh.ctr_02")["items"]]
    assert [{k: i[k] for k in keys} for i in written["items"]] == hand
    assert written["programme"]["issued_on"] == dt.date(2022, 1, 10)
    _, problems = check_file(tmp_path / "tay_ninh.ctr_02.yaml", registry(RULES))
    assert problems == []


def test_seed_000_without_a_date_line_asks_for_issued_on(tmp_path):
    result = run(str(SOURCES / "000_14c18d3c2f2feb98.txt"), "--out", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "000_14c18d3c2f2feb98.txt:1: Không tìm thấy dòng ngày ban hành" in result.stderr
    assert "--issued-on" in result.stderr
    assert not list(tmp_path.glob("*.yaml"))


@pytest.mark.parametrize(
    ("document", "programme_id", "options"),
    [
        (
            "003_bfdd288f7f0b5cf7.txt",
            "duong_minh_chau.kh_94",
            {"lead": "Ban Thường vụ Liên đoàn Lao động huyện Dương Minh Châu"},
        ),
        ("004_61b455b33068824b.txt", "ben_tre.ctr_02_2024", {}),
    ],
)
def test_seeds_003_and_004_give_the_shipped_items(document, programme_id, options):
    found = extract(
        (SOURCES / document).read_text("utf-8"),
        document,
        bodies=registry(RULES),
        programme_id=programme_id,
        **options,
    )
    assert found.problems == []
    hand = shipped(programme_id)
    assert found.items == hand["items"]
    assert found.programme["issued_on"] == hand["programme"]["issued_on"]  # from the date line


def test_seed_003_without_a_lead_says_which_items_lack_one():
    text = (SOURCES / "003_bfdd288f7f0b5cf7.txt").read_text("utf-8")
    found = extract(text, "003.txt", bodies=registry(RULES))
    lines = text.splitlines()
    assert found.problems and all("Cơ quan chủ trì" in p.message for p in found.problems)
    first = found.problems[0].line
    assert lines[first - 1].startswith("- Tiếp tục thực hiện Chỉ thị số 05-CT/TW")


# A provincial programme written here: other province, other bodies, other wording, the same
# layout — a numbered heading that is itself an item, "(n)" items, bullets with a broken line,
# two bullets before one block, ";" and "," between bodies, a body whose name holds "và".
OTHER = """\
TỈNH ỦY GIA LAI

Gia Lai, ngày 15 tháng 3 năm 2025

CHƯƠNG TRÌNH HÀNH ĐỘNG

thực hiện Chỉ thị số 99-CT/TW về công tác công đoàn

I. MỤC TIÊU

1. Nâng cao nhận thức của cán bộ, đảng viên.

II. NHIỆM VỤ VÀ GIẢI PHÁP

1. Ban hành kế hoạch triển khai Chỉ thị trong toàn tỉnh.

Cơ quan chủ trì: Ban Tuyên giáo và Dân vận Tỉnh ủy.

Cơ quan phối hợp: Ban Tổ chức Tỉnh ủy; Ủy ban Kiểm tra Tỉnh ủy, Văn phòng Tỉnh ủy.

Thời gian hoàn thành: chậm nhất ngày 30 tháng 6 năm 2025.

2. Công tác phát triển đoàn viên

(1) Rà soát số doanh nghiệp chưa có tổ chức công đoàn và lập danh sách theo từng

địa bàn cấp xã.

Cơ quan chủ trì: Đảng đoàn Liên đoàn Lao động tỉnh.

Thời gian thực hiện: Quí 2/2025.

(2) Báo cáo kết quả phát triển đoàn viên với Ban Thường vụ Tỉnh ủy.

Cơ quan chủ trì: Đảng đoàn Liên đoàn Lao động tỉnh.

Cơ quan phối hợp: Các Đảng ủy xã, phường.

Thời gian thực hiện: Định kỳ hàng quý.

3. Kiểm tra, giám sát

- Kiểm tra việc thực hiện Chỉ thị tại các đảng bộ trực thuộc.

- Giám sát chuyên đề đối với người đứng đầu.

Cơ quan chủ trì: Ủy ban Kiểm tra Tỉnh ủy.

Thời gian thực hiện: Hằng năm; sơ kết 02 năm và tổng kết năm 2030.

III. TỔ CHỨC THỰC HIỆN

Các cơ quan báo cáo kết quả về Ban Thường vụ Tỉnh ủy.

Nơi nhận:

- Như trên;
"""

OTHER_BODIES = """\
classes:
  - code: gl.commune_party_committees
    name: Các Đảng ủy xã, phường
    level: grassroots
    province_code: "52"
bodies:
  - {code: gl.tg_dv, name: Ban Tuyên giáo và Dân vận Tỉnh ủy, level: province}
  - {code: gl.to_chuc, name: Ban Tổ chức Tỉnh ủy, level: province}
  - {code: gl.ubkt, name: Ủy ban Kiểm tra Tỉnh ủy, level: province}
  - {code: gl.van_phong, name: Văn phòng Tỉnh ủy, level: province}
  - {code: gl.dd_ldld, name: Đảng đoàn Liên đoàn Lao động tỉnh, level: province}
"""


def _other_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    (rules / "programmes").mkdir(parents=True)
    (rules / "programmes" / "bodies.yaml").write_text(OTHER_BODIES, encoding="utf-8")
    return rules


def test_a_document_in_the_same_layout_with_other_wording(tmp_path):
    rules = _other_rules(tmp_path)
    source = tmp_path / "gia_lai.txt"
    source.write_text(OTHER, encoding="utf-8")
    result = run(str(source), "--out", str(rules / "programmes"), cwd=tmp_path, rules=rules)
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((rules / "programmes" / "gia_lai.yaml").read_text("utf-8"))
    programme = written["programme"]
    assert programme["issued_on"] == dt.date(2025, 3, 15)
    assert programme["title"] == (
        "Chương trình hành động thực hiện Chỉ thị số 99-CT/TW về công tác công đoàn"
    )
    items = {i["id"]: i for i in written["items"]}
    assert list(items) == ["1", "2.1", "2.2", "3.1"]
    assert items["1"]["section"] == "II.1"
    assert items["1"]["text"] == "Ban hành kế hoạch triển khai Chỉ thị trong toàn tỉnh."
    assert items["1"]["lead"] == ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]
    assert items["1"]["partners"] == [
        "Ban Tổ chức Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Văn phòng Tỉnh ủy",
    ]
    assert items["1"]["time"] == "chậm nhất ngày 30 tháng 6 năm 2025"
    assert items["2.1"]["text"] == (
        "Rà soát số doanh nghiệp chưa có tổ chức công đoàn và lập danh sách theo từng "
        "địa bàn cấp xã."
    )
    assert items["2.1"]["time"] == "Quí 2/2025"
    assert items["2.2"]["partners"] == ["Các Đảng ủy xã, phường"]
    assert items["3.1"]["text"] == (
        "Kiểm tra việc thực hiện Chỉ thị tại các đảng bộ trực thuộc.\n"
        "Giám sát chuyên đề đối với người đứng đầu."
    )
    assert items["3.1"]["time"] == "Hằng năm; sơ kết 02 năm và tổng kết năm 2030"
    # the output validates, against the body registry of its rules folder
    validated = subprocess.run(
        [COMMAND, "rules", "validate", str(rules)],
        env={**os.environ, "COMPLIANCE_RULES_DIR": str(rules), "COLUMNS": "250"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert validated.returncode == 0, validated.stderr
    assert "1 chương trình (4 mục) hợp lệ" in validated.stdout


BROKEN = """\
KẾ HOẠCH

Thực hiện nhiệm vụ năm 2026

I. NHIỆM VỤ

1. Tuyên truyền

- Tổ chức hội nghị quán triệt.

Cơ quan chủ trì: Ban Tuyên giáo và Dân vận Tỉnh uy.

Thời gian thực hiện: sớm nhất có thể.

- Phát hành tài liệu hỏi đáp.

Cơ quan chủ trì: Văn phòng Tỉnh ủy.

- Tổ chức thi tìm hiểu.

Thời gian thực hiện: Quý II/2026.
"""


def test_what_cannot_be_read_is_reported_with_its_line(tmp_path):
    rules = _other_rules(tmp_path)
    source = tmp_path / "broken.txt"
    source.write_text(BROKEN, encoding="utf-8")
    result = run(str(source), "--out", str(tmp_path), cwd=tmp_path, rules=rules)
    assert result.returncode == 1
    lines = BROKEN.splitlines()

    def line_of(fragment: str) -> int:
        return next(n for n, t in enumerate(lines, 1) if fragment in t)

    err = " ".join(result.stderr.split())
    assert f"broken.txt:{line_of('Tỉnh uy.')}: Cơ quan 'Ban Tuyên giáo và Dân vận Tỉnh uy'" in err
    assert "có phải 'Ban Tuyên giáo và Dân vận Tỉnh ủy'?" in err
    assert f"broken.txt:{line_of('sớm nhất')}: Không đọc được thời gian 'sớm nhất có thể'" in err
    assert f"broken.txt:{line_of('Văn phòng Tỉnh ủy.')}: Mục không có dòng 'Thời gian" in err
    assert f"broken.txt:{line_of('thi tìm hiểu')}: Mục không có 'Cơ quan chủ trì'" in err
    assert "broken.txt:1: Không tìm thấy dòng ngày ban hành" in err
    again = run(
        str(source), "--out", str(tmp_path), "--issued-on", "2026-01-05", cwd=tmp_path, rules=rules
    )
    assert again.returncode == 1 and (tmp_path / "broken.yaml").exists()
    assert "ngày ban hành" not in again.stderr


def test_names_split_carefully():
    from compliance.programmes.names import split_bodies

    bodies, _ = load_bodies(RULES / "programmes" / "bodies.yaml")
    assert split_bodies("Ban Dân vận Tỉnh ủy, các huyện, thị, Thành ủy.", bodies) == [
        "Ban Dân vận Tỉnh ủy",
        "các huyện, thị, Thành ủy",
    ]
    assert split_bodies(
        "Các cơ quan tham mưu, giúp việc Tỉnh ủy, Đảng đoàn Liên đoàn Lao động tỉnh"
    ) == [
        "Các cơ quan tham mưu, giúp việc Tỉnh ủy",
        "Đảng đoàn Liên đoàn Lao động tỉnh",
    ]
    assert split_bodies("Ban A; Ban B và Ban C, Sở D") == ["Ban A", "Ban B và Ban C", "Sở D"]


def _docx(path: Path, paragraphs: list[str]) -> None:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}">'
        f"<w:body>{body}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", xml)


def test_a_docx_document_extracts_like_its_text(tmp_path):
    rules = _other_rules(tmp_path)
    source = tmp_path / "gia_lai.docx"
    _docx(source, OTHER.split("\n\n"))
    result = run(str(source), "--out", str(tmp_path), cwd=tmp_path, rules=rules)
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((tmp_path / "gia_lai.yaml").read_text("utf-8"))
    assert [i["id"] for i in written["items"]] == ["1", "2.1", "2.2", "3.1"]
    assert written["programme"]["document"] == "gia_lai.docx"
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    refused = run(str(bad), cwd=tmp_path, rules=rules)
    assert refused.returncode != 0 and "Không đọc được bad.docx" in refused.stderr
    assert "Traceback" not in refused.stderr
