"""The import reference when the sqlite3 shell is absent: every CSV file of a folder into a new
SQLite table of text columns, rows as read, one transaction — no parsing, no checks.

    python benchmarks/bare_import.py DB.sqlite FOLDER
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path


def main(database: str, folder: str) -> None:
    conn = sqlite3.connect(database)
    for path in sorted(Path(folder).glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.reader(handle)
            head = next(rows)
            columns = ", ".join(f'"{h}"' for h in head)
            conn.execute(f'CREATE TABLE "{path.stem}" ({columns})')
            marks = ", ".join("?" for _ in head)
            conn.executemany(f'INSERT INTO "{path.stem}" VALUES ({marks})', rows)
    conn.commit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
