"""Accounts of the review UI: argon2 password hashes, and logins throttled per account.

Throttling lives in the database (consecutive failures and a lock-out time on the account), so
it holds across server processes and restarts; failures for names that do not exist are throttled
per client address in the web layer, so probing names is slow too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, select, update

from compliance import chain, db
from compliance.exceptions import ComplianceError
from compliance.models.accounts import AuditEntry, Role, User
from compliance.review.scope import scope_kind
from compliance.settings import TIMEZONE

MAX_FAILURES = 5
LOCK_OUT = dt.timedelta(minutes=5)
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verifying against this costs what a real check costs, so "no such user" takes as long as
# "wrong password" and timing tells nothing.
_DUMMY_HASH = _hasher.hash("không-có-tài-khoản")


class AccountError(ComplianceError):
    code = "account.invalid"


class LoginThrottled(ComplianceError):
    code = "account.throttled"


@dataclass(frozen=True)
class Account:
    """What a request needs to know about the person behind it."""

    id: int
    name: str
    role: Role
    scope_code: str | None


def _users():  # type: ignore[no-untyped-def]
    return User.__table__  # type: ignore[attr-defined]


def add_user(
    db_engine: Engine, name: str, role: str, password: str, scope_code: str | None = None
) -> Account:
    name = name.strip()
    if not name:
        raise AccountError("Tên tài khoản không được để trống.")
    try:
        checked_role = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise AccountError(f"Vai trò '{role}' không hợp lệ; chỉ nhận: {roles}.") from None
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    with db.writing(db_engine) as conn:
        if conn.execute(select(_users().c.id).where(_users().c.name == name)).first():
            raise AccountError(f"Tài khoản '{name}' đã có.")
        if scope_code is not None and not _scope_exists(conn, scope_code):
            raise AccountError(
                f"Phạm vi '{scope_code}' không phải mã tỉnh hay mã công đoàn có trong sổ đăng ký."
            )
        user_id = conn.execute(
            _users()
            .insert()
            .values(
                name=name,
                role=checked_role.value,
                scope_code=scope_code,
                password_hash=_hasher.hash(password),
                active=True,
                failed_logins=0,
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


def _scope_exists(conn: Connection, code: str) -> bool:
    return scope_kind(conn, code) is not None


def authenticate(db_engine: Engine, name: str, password: str) -> Account | None:
    """The account when the password is right; None when not; LoginThrottled while locked."""
    now = dt.datetime.now(dt.UTC)
    with db_engine.connect() as conn:
        row = conn.execute(select(_users()).where(_users().c.name == name.strip())).first()
    if row is None or not row.active:
        _verify(_DUMMY_HASH, password)
        return None
    locked_until = _aware(row.locked_until)
    if locked_until is not None and locked_until > now:
        raise LoginThrottled(
            "Đăng nhập sai quá nhiều lần; tài khoản tạm khóa đến "
            f"{locked_until.astimezone(TIMEZONE):%H:%M}. Hãy thử lại sau."
        )
    users = _users()
    if _verify(row.password_hash, password):
        if row.failed_logins or row.locked_until is not None:
            with db.writing(db_engine) as conn:
                conn.execute(
                    update(users)
                    .where(users.c.id == row.id)
                    .values(failed_logins=0, locked_until=None)
                )
        return Account(row.id, row.name, Role(row.role), row.scope_code)
    with db.writing(db_engine) as conn:
        failures = conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(failed_logins=users.c.failed_logins + 1)
            .returning(users.c.failed_logins)
        ).scalar_one()
        if failures >= MAX_FAILURES:
            conn.execute(
                update(users)
                .where(users.c.id == row.id)
                .values(failed_logins=0, locked_until=now + LOCK_OUT)
            )
    return None


def get_account(db_engine: Engine, user_id: int) -> Account | None:
    with db_engine.connect() as conn:
        row = conn.execute(select(_users()).where(_users().c.id == user_id)).first()
    if row is None or not row.active:
        return None
    return Account(row.id, row.name, Role(row.role), row.scope_code)


def list_users(db_engine: Engine) -> list[Account]:
    with db_engine.connect() as conn:
        rows = conn.execute(select(_users()).order_by(_users().c.name)).all()
    return [Account(r.id, r.name, Role(r.role), r.scope_code) for r in rows]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes for what was stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
