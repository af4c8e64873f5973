"""A committee logging in together from one office address is not locked out.

Every attempt is counted against the client address before its password is checked and taken
back when it succeeds; without a bound on checks at once, two dozen colleagues logging in in the
same second from one NAT address were two dozen in-flight "failures" (the limit is 20)
and the last ones got 429.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from compliance import db
from compliance.accounts import add_user, authenticate

PASSWORD = "mật-khẩu-đủ-dài-2026"
OFFICE = "203.0.113.7"


def test_two_dozen_colleagues_log_in_at_once_from_one_address(engine: Engine) -> None:
    db.upgrade(engine)
    names = [f"canbo{i:02d}" for i in range(24)]
    for name in names:
        add_user(engine, name, "viewer", PASSWORD)
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        accounts = list(pool.map(lambda n: authenticate(engine, n, PASSWORD, OFFICE), names))
    assert [a.name if a else None for a in accounts] == names
    # and the address is still counted: wrong passwords from it are refused after the limit
    with ThreadPoolExecutor(max_workers=4) as pool:
        wrong = list(pool.map(lambda n: _wrong(engine, n), names[:4]))
    assert wrong == [None] * 4


def _wrong(engine: Engine, name: str) -> object:
    return authenticate(engine, name, "sai-mật-khẩu", OFFICE)
