"""``compliance audit …``: check that the audit log and the task histories were not rewritten."""

from __future__ import annotations

import typer

from compliance import chain, db
from compliance.console import console, err_console
from compliance.exceptions import ComplianceError
from compliance.messages import message

audit_app = typer.Typer(
    help="Audit log and task histories: verify their hash chains.", no_args_is_help=True
)
CHAIN_BROKEN = 2  # exit status of a broken chain (1 stays for errors: no database, …)


@audit_app.command("verify")
def verify() -> None:
    """Recompute both hash chains; name the first row that breaks each (exit 2), else exit 0."""
    engine = db.make_engine()
    try:
        db.require_schema(engine)
        with engine.connect() as conn:
            states = chain.verify(conn)
    except ComplianceError as exc:
        err_console.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    broken = False
    for state in states:
        if state.broken is None:
            text = message(
                "audit.chain_intact", table=state.table, rows=f"{state.rows:,}",
                last_hash=state.last_hash,
            )  # fmt: off
            console.print(text, markup=False, highlight=False, soft_wrap=True)
            continue
        broken = True
        text = message(
            "audit.chain_broken", table=state.table, id=state.broken.id,
            problem=state.broken.problem,
        )  # fmt: off
        err_console.print(f"[audit.chain_broken] {text}", style="red", markup=False, soft_wrap=True)
    if broken:
        raise typer.Exit(code=CHAIN_BROKEN)
