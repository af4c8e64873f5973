"""``compliance serve`` and ``compliance users …``: the review UI and its accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table as RichTable

from compliance import db
from compliance.console import console, fail
from compliance.exceptions import ComplianceError
from compliance.formatting import ROLE_VI
from compliance.models.accounts import Role

users_app = typer.Typer(help="Accounts of the review UI.", no_args_is_help=True)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 1,
    secure_cookies: Annotated[
        bool, typer.Option(help="Session cookie only over HTTPS (behind a TLS proxy).")
    ] = False,
) -> None:
    """Serve the review web UI (and its JSON API, documented at /docs)."""
    import uvicorn

    from compliance.web.app import WEB_POOL, create_app, server_options

    engine = db.make_engine(**WEB_POOL)
    try:
        db.require_schema(engine)
    except ComplianceError as exc:
        raise fail(exc) from None
    if workers > 1:
        uvicorn.run(
            "compliance.web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            **server_options(),
        )
        return
    console.print(f"Giao diện rà soát: http://{host}:{port}/  (API: http://{host}:{port}/docs)")
    uvicorn.run(
        create_app(engine, secure_cookies=secure_cookies),
        host=host,
        port=port,
        log_level="info",
        **server_options(),
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[Role, typer.Option(help="admin, operator, inspector or viewer.")],
    scope: Annotated[
        str | None,
        typer.Option(help="A province code or a union code; omitted: the whole country."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (the password is stored as an argon2 hash)."""
    from compliance.accounts import add_user

    if not password_stdin:
        raise fail(ValueError("Hãy truyền mật khẩu qua đầu vào chuẩn với --password-stdin."))
    password = sys.stdin.readline().rstrip("\r\n")
    engine = db.make_engine()
    try:
        db.require_schema(engine)
        account = add_user(engine, name, role.value, password, scope)
    except ComplianceError as exc:
        raise fail(exc) from None
    finally:
        engine.dispose()
    where = account.scope_code or "toàn quốc"
    console.print(f"Đã tạo tài khoản {account.name} ({ROLE_VI[account.role]}, phạm vi {where}).")


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from standard input.")
    ] = False,
) -> None:
    """Set an account's password; every session opened before ends."""
    from compliance.accounts import set_password

    if not password_stdin:
        raise fail(ValueError("Hãy truyền mật khẩu mới qua đầu vào chuẩn với --password-stdin."))
    password = sys.stdin.readline().rstrip("\r\n")
    engine = db.make_engine()
    try:
        db.require_schema(engine)
        account = set_password(engine, name, password)
    except ComplianceError as exc:
        raise fail(exc) from None
    finally:
        engine.dispose()
    console.print(f"Đã đổi mật khẩu của {account.name}; mọi phiên đăng nhập cũ đã kết thúc.")


@users_app.command("list")
def users_list() -> None:
    """Accounts, their roles and scopes."""
    from compliance.accounts import list_users

    table = RichTable("Tài khoản", "Vai trò", "Phạm vi")
    engine = db.make_engine()
    try:
        accounts = list_users(engine)
    finally:
        engine.dispose()
    for account in accounts:
        table.add_row(account.name, ROLE_VI[account.role], account.scope_code or "toàn quốc")
    console.print(table)
