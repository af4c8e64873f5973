"""The installed ``compliance`` command, run as operators and scripts run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.registry.helpers import ENTERPRISE_HEADER, base_delivery, enterprise, write_csv

COMMAND = str(Path(sys.executable).parent / "compliance")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    environment.update(env or {})
    environment["COLUMNS"] = "200"
    return subprocess.run(
        [COMMAND, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_import_uses_an_embedded_sqlite_file_in_the_working_directory(tmp_path):
    base_delivery(tmp_path / "d")
    result = run("import", "d", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "compliance.db").exists()
    summary = run("registry", "summary", "--format", "json", cwd=tmp_path)
    assert json.loads(summary.stdout)["unions"] == 3


def test_database_url_selects_the_database(tmp_path):
    base_delivery(tmp_path / "d")
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert run("import", "d", cwd=tmp_path, env={"COMPLIANCE_DATABASE_URL": url}).returncode == 0
    assert (tmp_path / "elsewhere.db").exists() and not (tmp_path / "compliance.db").exists()


def test_a_refused_import_names_file_row_and_column_and_exits_non_zero(tmp_path):
    write_csv(
        tmp_path / "bad",
        "enterprises",
        ENTERPRISE_HEADER,
        [enterprise("E1", -5), enterprise("E2", registered_on="2024-02-31")],
    )
    result = run("import", "bad", cwd=tmp_path)
    assert result.returncode == 1
    assert "enterprises.csv:2: cột 'workers' [value.negative]" in result.stderr
    assert "enterprises.csv:3: cột 'registered_on' [value.impossible_date]" in result.stderr
    assert "cơ sở dữ liệu không thay đổi" in result.stderr


def test_json_report_and_rejects_file(tmp_path):
    write_csv(
        tmp_path / "d", "enterprises", ENTERPRISE_HEADER, [enterprise("E1", -5), enterprise("E2")]
    )
    result = run(
        "import",
        "d",
        "--skip-bad-rows",
        "--rejects",
        "out/rejects.csv",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["refused"] is False
    assert report["tables"]["enterprises"] == {
        "read": 2,
        "inserted": 1,
        "updated": 0,
        "rejected": 1,
    }
    assert report["issues"][0]["code"] == "value.negative" and report["issues"][0]["row"] == 2
    assert (tmp_path / "out" / "rejects.csv").read_text(encoding="utf-8-sig").count("\n") == 2


def test_missing_folder_is_a_clear_error(tmp_path):
    result = run("import", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert "[folder.not_found]" in result.stderr and "Không tìm thấy thư mục" in result.stderr
