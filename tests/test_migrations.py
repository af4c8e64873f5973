"""The schema comes from Alembic, the same on SQLite and PostgreSQL, and matches the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from compliance import db
from compliance.registry.summary import STORED_TABLES


def test_migrations_create_every_table_and_match_the_models(engine):
    db.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(STORED_TABLES) | {"import_batches", "alembic_version"} <= tables
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == [], "a model changed without a migration: alembic revision --autogenerate"


def test_indexes_that_evaluation_joins_on_exist(engine):
    db.upgrade(engine)
    inspector = inspect(engine)
    indexed = {
        (table, tuple(index["column_names"]))
        for table in (
            "enterprises",
            "unions",
            "inspections",
            "reviews",
            "agreements",
            "conferences",
        )
        for index in inspector.get_indexes(table)
    }
    assert ("unions", ("enterprise_tax_code",)) in indexed
    assert ("reviews", ("union_code", "date")) in indexed
    assert ("inspections", ("target_code", "kind", "date")) in indexed
    assert ("conferences", ("enterprise_tax_code", "kind", "date")) in indexed
    assert ("agreements", ("enterprise_tax_code", "signed_on")) in indexed
    foreign = {
        (fk["referred_table"], tuple(fk["constrained_columns"]))
        for fk in inspector.get_foreign_keys("unions")
    }
    assert ("enterprises", ("enterprise_tax_code",)) in foreign
    assert ("unions", ("superior_code",)) in foreign


def test_downgrade_and_upgrade_again(engine):
    db.upgrade(engine)
    config = db.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert "enterprises" not in inspect(engine).get_table_names()
    db.upgrade(engine)
    assert "enterprises" in inspect(engine).get_table_names()


def test_the_head_read_from_the_files_is_alembics_head(engine):
    """Commands find the newest migration without importing Alembic (db._head_revision reads
    the files): it must be the head Alembic itself computes, and what an upgrade records."""
    from alembic.script import ScriptDirectory

    from compliance import db

    alembic_head = ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()
    assert db._head_revision() == alembic_head
    db.upgrade(engine)
    with engine.connect() as conn:
        assert db._current_revision(conn) == alembic_head


def test_0014_leaves_the_latest_whole_runs_rows_open_and_back(engine):
    """Rows the latest whole run saw become open-ended (last_run_id NULL), a partial run's stay
    closed; going back closes them at that run again."""
    from sqlalchemy import text

    config = db.alembic_config(engine.url.render_as_string(hide_password=False))

    def migrate(step, revision: str) -> None:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, revision)

    migrate(command.upgrade, "0013")
    with engine.begin() as conn:
        for run_id, scope in ((1, '{"rules": [], "units": [], "province": null}'),
                              (2, '{"rules": [], "units": ["E1"], "province": null}')):  # fmt: skip
            conn.execute(
                text("INSERT INTO compliance_runs (id, started_at, finished_at, as_of, kind, "
                     "scope, rules, counts) VALUES (:id, '2026-10-01', '2026-10-01', "
                     "'2026-10-01', 'compliance', :scope, '{}', '{}')"),
                {"id": run_id, "scope": scope},
            )  # fmt: skip
            conn.execute(
                text("INSERT INTO findings (run_id, last_run_id, digest, rule, rule_version, "
                     "unit, period_key, status, severity, facts, params, explanation) VALUES "
                     "(:id, :id, '', 'r', 'v', :unit, '', 'violation', 'high', '{}', '{}', 'x')"),
                {"id": run_id, "unit": f"E{run_id}"},
            )  # fmt: skip
    migrate(command.upgrade, "0014")
    spans = "SELECT unit, last_run_id FROM findings ORDER BY unit"
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(spans))] == [("E1", None), ("E2", 2)]
    migrate(command.downgrade, "0013")
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(spans))] == [("E1", 1), ("E2", 2)]
