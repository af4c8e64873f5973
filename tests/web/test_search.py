"""Search as a tired inspector types it: no diacritics, any case, part of a code (issue 16.8)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import text

from compliance.folding import fold
from tests.web.conftest import Reviewed


def _units(client: TestClient, q: str) -> set[str]:
    found = client.get("/api/tasks", params={"q": q, "status": "all"})
    assert found.status_code == 200, found.text
    return {t["unit"] for t in found.json()["items"]}


def test_search_ignores_diacritics_and_case_and_finds_parts_of_codes(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    with reviewed.engine.connect() as conn:
        unit, name = next(
            row
            for row in conn.execute(
                text(
                    "SELECT unit, unit_name FROM follow_up_tasks WHERE province_code = '80' "
                    "AND length(unit) = 10 AND unit_name LIKE 'Công ty%' ORDER BY id"
                )
            )
            if not " ".join(row.unit_name.split()[-2:]).isascii()
        )
        union = conn.execute(
            text("SELECT unit FROM follow_up_tasks WHERE province_code = '80' "
                 "AND unit LIKE 'CDCS-%' ORDER BY id LIMIT 1")
        ).scalar_one()  # fmt: off
    client = client_for("viewer80")
    words = name.split()[-2:]  # e.g. "Tân Sáng"
    plain = fold(" ".join(words))  # "tan sang"
    assert plain != " ".join(words).lower()  # the name has diacritics to ignore
    for typed in (plain, plain.upper(), " ".join(words).upper(), f"  {plain}  "):
        assert unit in _units(client, typed), typed
    assert unit in _units(client, unit[2:7])  # part of a tax code
    assert union in _units(client, union[:-2].lower())  # part of a union code, any case
    assert _units(client, "zzzz không có đâu") == set()
    # LIKE's own characters are searched for, not obeyed
    assert _units(client, "%") == set() and _units(client, "_") == set()
