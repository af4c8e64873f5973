"""Process-wide settings, read from ``COMPLIANCE_*`` environment variables.

Read through :func:`get_settings` rather than an import-time instance, so tests and CLI
options can change the environment before the first read.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_FILE = "compliance.db"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> dt.date:
    """Vietnam's date: deadlines and waivers are days in Vietnam, wherever the server runs."""
    return dt.datetime.now(TIMEZONE).date()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLIANCE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of the registry database; empty means an embedded SQLite file "
            f"'{DEFAULT_DATABASE_FILE}' in the working directory."
        ),
    )
    rules_dir: str = Field(
        default="",
        description="Folder of rule files; empty: ./rules, else the checkout's catalogue.",
    )
    reports_dir: str = Field(
        default="reports",
        description=(
            "Folder where each whole compliance run writes its reports (HTML, PDF, XLSX) and "
            "the web UI finds the latest ones."
        ),
    )
    reports_pdf_at_run: bool = Field(
        default=False,
        description=(
            "Lay out every PDF during the run (a national run: ~35 s more) instead of when it "
            "is first opened from the web UI; the content is the same either way."
        ),
    )
    secret_key: str = Field(
        default="",
        description=(
            "Signs the web UI's session cookies; empty: a random key kept in "
            "'.compliance-secret' beside the database file (created on first use)."
        ),
    )
    base_url: str = Field(
        default="",
        description=(
            "Address of the review web UI as bodies reach it (https://giamsat.ldld.vn): "
            "digests link each body to its tasks there; empty: no link."
        ),
    )
    dask_address: str = Field(
        default="",
        description=(
            "Dask scheduler (tcp://host:8786) that partitioned compliance runs send their "
            "shares to; empty: a local cluster started for the run (docs/scale.md)."
        ),
    )
    trusted_proxies: str = Field(
        default="",
        description=(
            "Reverse proxies (addresses or networks, comma-separated, e.g. 127.0.0.1,10.0.0.0/8) "
            "whose X-Forwarded-For and X-Forwarded-Proto the web UI believes; empty: none — the "
            "client address is the connection's, so login throttling cannot be dodged."
        ),
    )
    web_max_body_bytes: int = Field(
        default=65_536,
        ge=1_024,
        description="Largest request body the web UI reads; a larger one is refused (413).",
    )
    report_min_interval: int = Field(
        default=60,
        ge=0,
        description=(
            "Seconds an account waits between two reports made on request in the web UI "
            "(one is made at a time per server process)."
        ),
    )
    import_chunk_rows: int = Field(
        default=50_000,
        ge=1_000,
        description="Rows written per statement batch during imports.",
    )
    # Limits on hostile or broken deliveries. The defaults pass a national registry of
    # 1,000,000 enterprises (its largest CSV is well under 1 GB) with a wide margin.
    import_max_file_bytes: int = Field(
        default=8 * 1024**3,
        ge=1,
        description="Largest CSV or XLSX file an import reads (bytes).",
    )
    import_max_rows: int = Field(
        default=20_000_000,
        ge=1,
        description="Most data rows one table of a delivery may have.",
    )
    import_max_cell_chars: int = Field(
        default=4_000,
        ge=1,
        description="Longest text a cell of a contract column may hold (characters).",
    )
    import_max_xlsx_uncompressed_bytes: int = Field(
        default=8 * 1024**3,
        ge=1,
        description="Largest total size of an XLSX file's parts once unzipped (bytes).",
    )
    import_max_xlsx_ratio: int = Field(
        default=100,
        ge=1,
        description=(
            "Largest unzipped/zipped size ratio of an XLSX part over 1 MiB (zip bombs); real "
            "sheets stay under about 30."
        ),
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
