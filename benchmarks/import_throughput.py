"""Import throughput: rows per second for a generated province and for the whole country.

    .venv/bin/python benchmarks/import_throughput.py                 # province + 1,000,000
    .venv/bin/python benchmarks/import_throughput.py --sizes 50000   # one size
    .venv/bin/python benchmarks/import_throughput.py --postgres postgresql+psycopg://…

Prints figures, asserts nothing: the goal (≥ 100,000 rows/s on SQLite) is read off the output.
Generated registries are cached under benchmarks/out/ (same seed, same files).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from compliance import db
from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.importer import import_folder

OUT = Path(__file__).parent / "out"
console = Console()


def registry(enterprises: int, province: str | None) -> Path:
    name = f"registry-{province or 'all'}-{enterprises}"
    folder = OUT / name
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        options = GenerateOptions(
            provinces=(province,) if province else (), enterprises=enterprises
        )
        generate_registry(folder, options)
        (folder / ".complete").touch()
        console.print(f"generated {name} in {time.perf_counter() - started:.1f} s")
    return folder


def measure(folder: Path, url: str, label: str) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)  # schema creation is not part of the import figure
    started = time.perf_counter()
    report = import_folder(engine, folder)
    seconds = time.perf_counter() - started
    engine.dispose()
    table = Table(title=f"{label}: {folder.name}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in report.tables.items():
        table.add_row(name, f"{count.read:,}")
    total = report.rows_read
    table.add_row(f"[bold]all, {seconds:.2f} s[/bold]", f"[bold]{total:,}[/bold]")
    console.print(table)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"[bold]{label}[/bold] {folder.name}: {total:,} rows in {seconds:.2f} s = "
        f"[bold]{total / seconds:,.0f} rows/s[/bold] (goal ≥ 100,000 on SQLite); "
        f"peak RSS of this process so far {peak:,.0f} MiB",
        highlight=False,
    )


def postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 1_000_000])
    parser.add_argument("--province", default="80", help="province for sizes below 200,000")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to measure as well")
    args = parser.parse_args()
    for size in args.sizes:
        folder = registry(size, args.province if size < 200_000 else None)
        with tempfile.TemporaryDirectory() as tmp:
            measure(folder, f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite")
        if args.postgres:
            url, name = postgres_database(args.postgres)
            try:
                measure(folder, url, "PostgreSQL")
            finally:
                drop_postgres(args.postgres, name)


if __name__ == "__main__":
    main()
