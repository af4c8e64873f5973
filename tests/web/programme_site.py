"""A small site for the programme pages: the test programme, its reports, two provinces and the
accounts that file for their lead bodies (Ban A and Ban B sit in province 80, Ban C in 66)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from compliance.accounts import add_user
from compliance.engine.cases import write_registry
from compliance.registry.importer import import_folder
from compliance.settings import get_settings
from tests.engine.programme_fixture import report_rows, write_reports, write_rules
from tests.factories import migrated_sqlite
from tests.web.conftest import PASSWORD

ACCOUNTS = [
    ("admin", "admin", None),
    ("inspector80", "inspector", "80"),
    ("viewer80", "viewer", "80"),
]


def build_site(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    rules = write_rules(folder / "rules")
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(rules))
    monkeypatch.setenv("COMPLIANCE_REPORTS_DIR", str(folder / "reports"))
    get_settings.cache_clear()
    engine = migrated_sqlite(folder / "site.db")
    write_registry(
        folder / "registry",
        {
            "unions": [
                {"code": "LDLD-80", "kind": "provincial_federation", "province_code": "80"},
                {"code": "LDLD-66", "kind": "provincial_federation", "province_code": "66"},
            ]
        },
    )
    import_folder(engine, folder / "registry")
    import_folder(engine, write_reports(folder / "progress", report_rows()))
    for name, role, scope in ACCOUNTS:
        add_user(engine, name, role, PASSWORD, scope)
    return engine
