"""Exceptions raised by the compliance package.

* ComplianceError               -- everything we raise on purpose; has a stable ``code``
  + RegistryError
    x ImportRefused              -- a delivery broke the contract; carries every problem found
  + DatabaseError               -- the registry database cannot be reached or migrated
  + RunRefused                  -- a run that must not start (unknown code, backdated, not allowed);
                                   one code per failure (run.*), text in messages.py

Messages are Vietnamese when a Vietnamese operator reads them (they name their data); the
``code`` is the stable English key scripts match on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compliance.messages import message

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


class RunRefused(ComplianceError):
    """A run that must not start; nothing was evaluated or written."""

    code = "run.refused"

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, **params))
