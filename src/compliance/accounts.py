"""Accounts of the review UI: argon2 password hashes, and logins throttled per account.

Throttling lives in the database (:mod:`compliance.login_throttle`: failures per name, real or
not, and per client address), so it holds across server processes and restarts.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, literal, select, update
from sqlmodel import SQLModel

from compliance import chain, db, login_throttle
from compliance.exceptions import CodedError, ComplianceError
from compliance.messages import message
from compliance.models.accounts import AuditEntry, Role, User
from compliance.settings import TIMEZONE

MIN_PASSWORD = 8

_hasher = PasswordHasher()
_CHECKS = threading.BoundedSemaphore(os.cpu_count() or 2)  # password checks at once (authenticate)
# Verifying against this costs what a real check costs, so "no such user" takes as long as
# "wrong password" and timing tells nothing.
_DUMMY_HASH = _hasher.hash("không-có-tài-khoản")


class AccountError(CodedError):
    code = "account.invalid"


class LoginThrottled(ComplianceError):
    """Too many failed logins: ``code`` says whether the name or the address is held back."""

    code = "account.throttled_name"
    http_status = 429

    def __init__(self, code: str, until: int) -> None:
        self.code = code
        self.until = until
        at = dt.datetime.fromtimestamp(until, TIMEZONE)
        super().__init__(message(code, until=f"{at:%H:%M}"))


@dataclass(frozen=True)
class Account:
    """What a request needs to know about the person behind it."""

    id: int
    name: str
    role: Role
    scope_code: str | None
    session_version: int = 0


def _users():  # type: ignore[no-untyped-def]
    return User.__table__  # type: ignore[attr-defined]


def add_user(
    db_engine: Engine, name: str, role: str, password: str, scope_code: str | None = None
) -> Account:
    name = name.strip()
    if not name:
        raise AccountError("account.empty_name")
    try:
        checked_role = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise AccountError("account.unknown_role", role=role, roles=roles) from None
    if len(password) < MIN_PASSWORD:
        raise AccountError("account.short_password", length=MIN_PASSWORD)
    with db.writing(db_engine) as conn:
        if conn.execute(select(_users().c.id).where(_users().c.name == name)).first():
            raise AccountError("account.exists", name=name)
        if scope_code is not None and not _scope_exists(conn, scope_code):
            raise AccountError("account.unknown_scope", scope=scope_code)
        user_id = conn.execute(
            _users()
            .insert()
            .values(
                name=name,
                role=checked_role.value,
                scope_code=scope_code,
                password_hash=_hasher.hash(password),
                active=True,
                session_version=0,
                created_at=dt.datetime.now(dt.UTC),
            )
        ).inserted_primary_key[0]
        chain.append(
            conn,
            AuditEntry.__table__,  # type: ignore[attr-defined]
            [
                {
                    "at": dt.datetime.now(dt.UTC),
                    "actor": "cli",
                    "action": "user_added",
                    "after": {"name": name, "role": checked_role.value, "scope": scope_code},
                }
            ],
        )
    return Account(user_id, name, checked_role, scope_code)


ScopeKind = Literal["country", "province", "union"]


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def scope_kind(conn: Connection, code: str) -> ScopeKind | None:
    """What an account's scope code names: a union of the registry, a province with units, or
    nothing (refused when the account is added). ``compliance.review.scope`` builds on it."""
    unions, enterprises = _t("unions"), _t("enterprises")
    if conn.execute(select(unions.c.code).where(unions.c.code == code)).first():
        return "union"
    for table in (unions, enterprises):
        if conn.execute(select(literal(1)).where(table.c.province_code == code).limit(1)).first():
            return "province"
    return None


def _scope_exists(conn: Connection, code: str) -> bool:
    return scope_kind(conn, code) is not None


def authenticate(
    db_engine: Engine, name: str, password: str, address: str | None = None
) -> Account | None:
    """The account when the password is right; None when not; LoginThrottled while the client
    address or the name (real or not, the same either way) has failed too often."""
    # A committee logs in at nine from one office address: fifty argon2 checks at once would
    # each hold 64 MiB and a core, and every one in flight counts as a failure of that address
    # until it succeeds, so colleagues would lock each other out. Checks wait their turn (one
    # per core) before they are counted.
    with _CHECKS:
        return _authenticate(db_engine, name, password, address)


def _authenticate(
    db_engine: Engine, name: str, password: str, address: str | None
) -> Account | None:
    attempts: list[login_throttle.Attempt] = []
    if address is not None:
        attempt = login_throttle.count(
            db_engine, login_throttle.address_key(address), login_throttle.ADDRESS_LIMIT
        )
        attempts.append(attempt)
        if attempt.blocked:
            raise LoginThrottled("account.throttled_address", attempt.until)
    attempt = login_throttle.count(
        db_engine, login_throttle.name_key(name), login_throttle.NAME_LIMIT
    )
    attempts.append(attempt)
    if attempt.blocked:
        raise LoginThrottled("account.throttled_name", attempt.until)
    with db_engine.connect() as conn:
        row = conn.execute(select(_users()).where(_users().c.name == name.strip())).first()
    if row is None or not row.active:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(row.password_hash, password):
        return None
    login_throttle.take_back(db_engine, attempts)
    return _account(row)


def set_password(db_engine: Engine, name: str, password: str) -> Account:
    """A new password; every session opened with the old one ends."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("account.short_password", length=MIN_PASSWORD)
    users = _users()
    with db.writing(db_engine) as conn:
        row = conn.execute(
            update(users)
            .where(users.c.name == name.strip())
            .values(
                password_hash=_hasher.hash(password),
                session_version=users.c.session_version + 1,
            )
            .returning(users)
        ).first()
    if row is None:
        raise AccountError("account.not_found", name=name)
    return _account(row)


def end_sessions(db_engine: Engine, user_id: int) -> None:
    """Logging out ends every session of the account, on every device: the cookie a browser
    held (or someone copied) is refused from now on."""
    users = _users()
    with db.writing(db_engine) as conn:
        conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(session_version=users.c.session_version + 1)
        )


def _account(row: Any) -> Account:
    return Account(row.id, row.name, Role(row.role), row.scope_code, row.session_version)


def get_account(db_engine: Engine, user_id: int) -> Account | None:
    with db_engine.connect() as conn:
        row = conn.execute(select(_users()).where(_users().c.id == user_id)).first()
    if row is None or not row.active:
        return None
    return _account(row)


def list_users(db_engine: Engine) -> list[Account]:
    with db_engine.connect() as conn:
        rows = conn.execute(select(_users()).order_by(_users().c.name)).all()
    return [_account(r) for r in rows]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
