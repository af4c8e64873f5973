"""Exceptions raised by the compliance package.

* ComplianceError               -- everything we raise on purpose; has a stable ``code``
  + RegistryError
    x ImportRefused              -- a delivery broke the contract; carries every problem found
  + DatabaseError               -- the registry database cannot be reached or migrated

Messages are Vietnamese when a Vietnamese operator reads them (they name their data); the
``code`` is the stable English key scripts match on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compliance.registry.issues import ImportReport


class ComplianceError(Exception):
    code: str = "compliance.error"


class RegistryError(ComplianceError):
    code = "registry.error"


class ImportRefused(RegistryError):
    """A delivery broke the contract; nothing was written."""

    code = "registry.import_refused"

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        errors = report.errors
        super().__init__(
            f"Lần nạp bị từ chối: {len(errors)} lỗi trong {report.source}; "
            "cơ sở dữ liệu không thay đổi."
        )


class DatabaseError(ComplianceError):
    code = "database.unreachable"
