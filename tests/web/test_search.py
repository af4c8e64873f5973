"""Search as a tired inspector types it: no diacritics, any case, part of a code (issue 16.8)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import text

from compliance.folding import fold, search_key
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


def test_the_folded_key_is_stored_when_a_task_opens_and_a_task_without_it_is_still_found(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    """A search compares ``search_key`` (folded once, when the task opened) instead of folding
    every row's name on every search; a row stored without it (an older one) is folded on the
    fly, so it is found all the same."""
    with reviewed.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT unit, unit_name, search_key FROM follow_up_tasks "
                 "WHERE province_code = '80' ORDER BY id LIMIT 50")
        ).all()  # fmt: off
    assert rows and all(r.search_key == search_key(r.unit, r.unit_name) for r in rows)
    unit, name = rows[0].unit, rows[0].unit_name
    with reviewed.engine.begin() as conn:
        forget = text("UPDATE follow_up_tasks SET search_key = NULL WHERE unit = :u")
        conn.execute(forget, {"u": unit})
    try:
        client = client_for("viewer80")
        assert unit in _units(client, fold(name or unit).upper())
    finally:
        with reviewed.engine.begin() as conn:
            conn.execute(
                text("UPDATE follow_up_tasks SET search_key = :k WHERE unit = :u"),
                {"k": search_key(unit, name), "u": unit},
            )
