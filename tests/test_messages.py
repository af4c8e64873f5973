"""The catalogue of Vietnamese messages: every code readable, actionable, and provoked by a test.

A code is provoked either here (the cheap ones, by calling what raises them) or by the test
that owns its feature, which asserts the code; this walk fails when a code has neither.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from compliance import db
from compliance.accounts import AccountError, add_user, set_password
from compliance.engine.durable import RuleEngineCrashed
from compliance.exceptions import ComplianceError, ImportRefused, RunRefused
from compliance.messages import MESSAGES, message
from compliance.registry.importer import import_folder
from compliance.reports.files import ReportError, check_province, write_atomically
from compliance.review.runs import request_run
from compliance.rules.validate import load_rules
from tests.factories import write_registry

TESTS = Path(__file__).parent
VIETNAMESE = re.compile("[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữự]")
# Groups a web user reads: their texts never name a command-line option.
WEB_READ = ("run.", "task.", "account.", "web.", "report.")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_reads_in_vietnamese_with_its_values_filled(code: str) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(MESSAGES[code]) if name}
    text = message(code, **dict.fromkeys(fields, "X"))
    assert "{" not in text and "}" not in text, code
    assert VIETNAMESE.search(text), f"{code} is not Vietnamese"
    if code.startswith(WEB_READ):
        assert "--" not in text, f"{code} names a command-line option to a web user"


def _provoked_by_a_test(code: str) -> bool:
    quoted = (f'"{code}"', f"'{code}'", f"[{code}]")
    return any(
        any(q in path.read_text(encoding="utf-8") for q in quoted)
        for path in TESTS.rglob("test_*.py")
        if path.name != "test_messages.py"
    )


PROVOKED_HERE: set[str] = set()


def _expect(code: str, error: BaseException) -> None:
    assert isinstance(error, ComplianceError) and error.code == code, (code, error)
    assert str(error) == message(code, **getattr(error, "params", {})) or code.startswith(
        "registry."
    )
    PROVOKED_HERE.add(code)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("messages")
    engine = db.make_engine(f"sqlite:///{folder / 'r.db'}")
    write_registry(folder / "d", {
        "enterprises": [{"tax_code": "E80", "province_code": "80", "workers": 30,
                         "status": "active"},
                        {"tax_code": "E66", "province_code": "66", "workers": 30,
                         "status": "active"}],
        "unions": [{"code": "LDLD-80", "kind": "provincial_federation", "province_code": "80"},
                   {"code": "LDLD-66", "kind": "provincial_federation", "province_code": "66"}],
    })  # fmt: off
    import_folder(engine, folder / "d", effective_date=dt.date(2026, 10, 1))
    yield engine, folder
    engine.dispose()


def test_the_cheap_codes_are_provoked_by_calling_what_raises_them(registry) -> None:  # noqa: C901
    engine, folder = registry

    def raised(call, *args, **kwargs) -> BaseException:  # type: ignore[no-untyped-def]
        with pytest.raises(ComplianceError) as info:
            call(*args, **kwargs)
        return info.value

    _expect("account.empty_name", raised(add_user, engine, " ", "viewer", "mật-khẩu-dài"))
    _expect("account.unknown_role", raised(add_user, engine, "a", "boss", "mật-khẩu-dài"))
    _expect("account.short_password", raised(add_user, engine, "a", "viewer", "ngắn"))
    _expect("account.unknown_scope", raised(add_user, engine, "a", "viewer", "dài-dài-dài", "ZZ"))
    viewer = add_user(engine, "xem", "viewer", "mật-khẩu-dài", "80")
    operator = add_user(engine, "vanhanh", "operator", "mật-khẩu-dài", "80")
    union_operator = add_user(engine, "cd", "operator", "mật-khẩu-dài", "LDLD-80")
    _expect("account.exists", raised(add_user, engine, "xem", "viewer", "mật-khẩu-dài"))
    _expect("account.not_found", raised(set_password, engine, "không-có", "mật-khẩu-dài"))

    def run(account, **kwargs) -> BaseException:  # type: ignore[no-untyped-def]
        return raised(request_run, engine, account, start=False, **kwargs)

    _expect("run.not_allowed", run(viewer))
    _expect("run.unit_outside_scope", run(operator, unit="E66"))
    _expect("run.province_outside_scope", run(operator, province="66"))
    _expect("run.union_scope_needs_unit", run(union_operator))

    _expect("report.unknown_province", raised(check_province, "99"))
    _expect("report.no_folder", raised(write_atomically, folder / "không" / "x.html", b""))
    from compliance.cli_reports import parse_day  # the command's own date reader

    _expect("report.bad_date", raised(parse_day, "tháng mười"))
    (folder / "bad").mkdir()
    (folder / "bad" / "enterprises.csv").write_text("tax_code,workers\nE1,-1\n")
    _expect("registry.import_refused", raised(import_folder, engine, folder / "bad"))
    from compliance.reports.files import write_report

    day = dt.date(2026, 10, 1)
    _expect("report.unknown_format", raised(write_report, engine, day, "doc", folder / "r.doc"))
    # A durable-rules worker that dies twice cannot be provoked on purpose; its text can.
    _expect("engine.durable_crashed", RuleEngineCrashed("engine.durable_crashed", rule="r.x"))
    assert load_rules()  # the catalogue the run codes were checked against


def test_codes_of_settings_targets_and_the_web_are_provoked(registry, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from compliance.cli import app as cli
    from compliance.reports.files import _targets
    from compliance.settings import get_settings
    from compliance.web.app import create_app

    engine, folder = registry
    broken = tmp_path / "rules" / "targets"
    broken.mkdir(parents=True)
    (broken / "x.yaml").write_text("kind: target\nid: [không đúng\n", encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(tmp_path / "rules"))
    get_settings.cache_clear()
    with pytest.raises(ReportError) as info:
        _targets()
    _expect("report.targets_invalid", info.value)
    monkeypatch.delenv("COMPLIANCE_RULES_DIR")
    get_settings.cache_clear()

    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", str(engine.url))
    added = CliRunner().invoke(cli, ["notify", "add", "LDLD-80", "khong-phai-url"])
    assert "[notify.bad_url]" in added.output, added.output
    PROVOKED_HERE.add("notify.bad_url")

    web = create_app(engine)

    @web.get("/api/no")
    def _broken() -> None:
        raise RuntimeError("nobody foresaw this")

    answer = TestClient(web, raise_server_exceptions=False).get("/api/no")
    assert answer.status_code == 500 and answer.json()["code"] == "web.server_error"
    assert "nobody foresaw" not in answer.text and "Traceback" not in answer.text
    PROVOKED_HERE.add("web.server_error")


def test_every_code_is_provoked_somewhere() -> None:
    """Runs after the test above (file order): its provocations count here."""
    assert PROVOKED_HERE, "run the whole module: the provocations above come first"
    unprovoked = [c for c in MESSAGES if c not in PROVOKED_HERE and not _provoked_by_a_test(c)]
    assert unprovoked == []


def test_classes_that_stand_for_many_failures_take_a_catalogued_code() -> None:
    for error in (RunRefused("run.backdated", as_of="01/07/2026", latest="01/10/2026"),
                  AccountError("account.exists", name="x"),
                  ReportError("report.unknown_format", fmt="doc")):  # fmt: off
        assert error.code in MESSAGES and "{" not in str(error)
    assert ImportRefused.http_status == 400 and RuleEngineCrashed.http_status == 500
