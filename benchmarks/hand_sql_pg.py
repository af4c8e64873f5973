"""The reference for ``compliance evaluate --format jsonl`` on PostgreSQL: benchmarks/hand_sql.py's
eight rules in PostgreSQL's dialect, run as a process of its own, writing the same JSONL.

    python benchmarks/hand_sql_pg.py postgresql://HOST/DB PARAMS.json > findings.jsonl

psycopg only (and hand_sql.py for the SQL and the lines): what a developer would write without
the project. The database URL may carry SQLAlchemy's ``+psycopg`` driver suffix.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import psycopg
from hand_sql import load, pyformat, statements, write_findings  # benchmarks/ is sys.path[0]

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def typed(params: dict[str, Any]) -> dict[str, Any]:
    """ISO dates as ``datetime.date``: a parameter both compared with a date column and printed
    (``:y1``) must have one type on the server, and text would not compare with a date."""
    return {
        name: dt.date.fromisoformat(value)
        if isinstance(value, str) and ISO_DATE.fullmatch(value)
        else value
        for name, value in params.items()
    }


def main(url: str, parameters: str) -> None:
    given = load(parameters)
    params = typed(given["params"])
    sql = {rule: pyformat(query) for rule, query in statements("postgresql").items()}
    with psycopg.connect(url.replace("+psycopg", "", 1)) as conn:
        conn.read_only = True
        write_findings(lambda q: conn.execute(q, params), sql, given, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
