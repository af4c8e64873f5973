"""The registry database: engine, SQLite tuning, and schema migrations.

SQLite is the embedded default and PostgreSQL the production database; both get their schema
from the same Alembic migrations (``compliance/migrations``), never from ``create_all``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError

from compliance.exceptions import DatabaseError
from compliance.folding import fold_or_none
from compliance.messages import message
from compliance.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


# A command's connection may cache 256 MiB of pages and sort in memory (index builds during
# big imports, a run's reads). The web server holds up to 50 connections: that was 8–12 GB of
# RSS under 50 reviewers on the national database, so its connections cache 16 MiB each and
# let SQLite spill large sorts to temporary files (the OS caches those pages anyway).
COMMAND_CACHE_MIB, SERVER_CACHE_MIB = 256, 16


def make_engine(
    url: str | None = None, *, cache_mib: int = COMMAND_CACHE_MIB, **kwargs: Any
) -> Engine:
    url = url or get_settings().resolved_database_url()
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine, cache_mib)
    elif engine.dialect.name == "postgresql":
        _tune_postgres(engine)
    return engine


def _tune_postgres(engine: Engine) -> None:
    """No JIT compilation: our queries cost enough in the planner's eyes to trigger it (a
    correlated EXISTS per unit) but run in tens of milliseconds, and compiling took ~0.4 s a
    query — 1.7 s of ``compliance evaluate``'s 4 s on a province, 6 s of a ``compliance run``.
    Session-wide (autocommit), so a rollback of the first transaction cannot undo it."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _tune_sqlite(engine: Engine, cache_mib: int) -> None:
    """WAL for readers beside the writer, FK enforcement, and real BEGIN statements.

    pysqlite's own transaction handling issues BEGIN lazily and never for PRAGMAs; turning it
    off and emitting BEGIN ourselves (the SQLAlchemy-documented recipe) makes a transaction
    cover raw ``executemany`` batches and ``PRAGMA defer_foreign_keys`` too.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            f"temp_store={'MEMORY' if cache_mib >= COMMAND_CACHE_MIB else 'DEFAULT'}",
            f"cache_size={-1024 * cache_mib}",  # KiB
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()
        # PostgreSQL has it from migration 0008: searches fold both sides alike.
        dbapi_connection.create_function("vn_fold", 1, fold_or_none, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get(_BEGIN, '')}")


_BEGIN = "sqlite_begin"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it takes the write lock at BEGIN (IMMEDIATE), so
    concurrent writers queue on busy_timeout instead of failing when a read upgrades to a write
    (SQLITE_BUSY without waiting). Elsewhere a plain transaction."""
    with engine.connect() as conn:
        conn.execution_options(**{_BEGIN: "IMMEDIATE"})
        with conn.begin():
            yield conn


def alembic_config(url: str) -> Config:
    # Alembic is imported only to migrate: a third of a second of every command's start
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already)."""
    try:
        with engine.begin() as connection:
            if _current_revision(connection) == _head_revision():
                return
            config = alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            from alembic import command

            command.upgrade(config, "head")
    except OperationalError as exc:
        raise _unreachable(engine, exc) from exc


def _unreachable(engine: Engine, exc: OperationalError) -> DatabaseError:
    url = engine.url.render_as_string(hide_password=True)
    return DatabaseError(message("database.unreachable", url=url, reason=exc.orig))


def require_schema(engine: Engine) -> None:
    """Refuse to read a database the migrations have not reached (never migrate on a read)."""
    try:
        with engine.connect() as connection:
            current = _current_revision(connection)
    except OperationalError as exc:
        raise _unreachable(engine, exc) from exc
    if current != _head_revision():
        raise DatabaseError(
            message(
                "database.outdated",
                url=engine.url.render_as_string(hide_password=True),
                current=current or "trống",
            )
        )


def _current_revision(connection: Any) -> str | None:
    """What Alembic's ``get_current_revision`` reads, without importing Alembic for it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


_REVISION = re.compile(r'^revision = "([^"]+)"', re.M)
_DOWN = re.compile(r'^down_revision = "([^"]+)"', re.M)


@cache
def _head_revision() -> str | None:
    """The newest migration: the one no other revises, read from the files (Alembic's own
    ``ScriptDirectory`` imports every migration module: a quarter of a second of every start;
    tests/test_migrations.py holds the two equal)."""
    revisions, revised = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found[1])
        if down := _DOWN.search(source):
            revised.add(down[1])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None
