"""What a delivery may not do to the machine reading it.

A delivery folder comes from outside. Before a byte of a file is read, the file must be a
regular file of the folder: a symlink to ``/dev/zero`` would be read until memory runs out, a
FIFO would block the import forever, a symlink to ``/etc`` would load another system's data.
Sizes, row counts and cell lengths have limits (settings ``COMPLIANCE_IMPORT_MAX_*``) generous
enough for a national registry, so a broken or hostile file is refused with a message instead of
exhausting the machine.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from compliance.registry.issues import Issue
from compliance.settings import get_settings

# Excel's own limit on a cell; a CSV field longer than this did not come from a spreadsheet.
EXCEL_CELL_CHARS = 32_767
# A physical CSV line longer than this is not a registry row (50 columns of Excel's longest
# cell are 1.6 M characters).
MAX_LINE_CHARS = 16 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "thư mục"),
    (stat.S_ISCHR, "thiết bị ký tự"),
    (stat.S_ISBLK, "thiết bị khối"),
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
)


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    rows: int
    cell_chars: int
    xlsx_uncompressed_bytes: int
    xlsx_ratio: int

    @property
    def field_chars(self) -> int:
        """The CSV reader's hard cap on one field (any column, known or not)."""
        return max(EXCEL_CELL_CHARS, self.cell_chars)


def limits() -> Limits:
    settings = get_settings()
    return Limits(
        file_bytes=settings.import_max_file_bytes,
        rows=settings.import_max_rows,
        cell_chars=settings.import_max_cell_chars,
        xlsx_uncompressed_bytes=settings.import_max_xlsx_uncompressed_bytes,
        xlsx_ratio=settings.import_max_xlsx_ratio,
    )


def check_file(path: Path, folder: Path) -> Issue | None:
    """Why ``path`` may not be read as a table of ``folder`` (``None``: it may).

    A symlink is followed only when it stays inside the folder and ends at a regular file.
    """
    try:
        target = path.resolve(strict=True)
        info = target.stat()
    except (OSError, RuntimeError):  # dangling link, link loop, permission
        return Issue.make("file.not_regular", file=path.name, name=path.name, kind="liên kết hỏng")
    if not target.is_relative_to(folder.resolve()):
        return Issue.make(
            "file.not_regular",
            file=path.name,
            name=path.name,
            kind=f"liên kết trỏ ra ngoài thư mục, tới {target}",
        )
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "loại đặc biệt")
        return Issue.make("file.not_regular", file=path.name, name=path.name, kind=kind)
    limit = limits().file_bytes
    if info.st_size > limit:
        return Issue.make(
            "file.too_large", file=path.name, size=f"{info.st_size:,}", limit=f"{limit:,}"
        )
    return None
