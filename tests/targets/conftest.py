"""A small generated registry (Tây Ninh and Vĩnh Long), imported into each test database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.importer import import_folder

AS_OF = dt.date(2026, 10, 1)
PROVINCES = ("80", "86")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once per session: ~600 enterprises over two provinces (a few seconds)."""
    folder = tmp_path_factory.mktemp("generated")
    generate_registry(folder, GenerateOptions(provinces=PROVINCES, enterprises=600, until=AS_OF))
    return folder


@pytest.fixture
def registry(engine: Engine, generated: Path) -> Iterator[Engine]:
    import_folder(engine, generated, effective_date=AS_OF)
    yield engine
