"""What the command line shows a person is Vietnamese too (issue 16.6): tasks show."""

from __future__ import annotations

from sqlalchemy import text

from tests.test_cli import run
from tests.web.conftest import Reviewed


def test_tasks_show_reads_in_vietnamese_with_vietnam_time(reviewed: Reviewed, tmp_path) -> None:
    if reviewed.engine.dialect.name != "sqlite":
        return  # the command reads the same rows on either database; one is enough here
    with reviewed.engine.connect() as conn:
        task_id = conn.execute(
            text("SELECT id FROM follow_up_tasks WHERE province_code = '80' ORDER BY id LIMIT 1")
        ).scalar_one()
    env = {"COMPLIANCE_DATABASE_URL": str(reviewed.engine.url)}
    shown = run("tasks", "show", str(task_id), cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    for label in ("Quy tắc:", "Trạng thái:", "Hạn xử lý:", "Tỉnh: Tây Ninh (80)", "giờ Việt Nam"):
        assert label in out, label
    for english in ("rule:", "status:", "due:", "finding_status", '{"', "opened"):
        assert english not in out, english
    assert "mở việc" in out  # the history's action, named
