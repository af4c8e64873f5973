"""The one exception tree: every failure the product raises on purpose.

    ComplianceError                 code · http_status · exit_code (what the web and CLI answer)
    ├── RegistryError
    │   └── ImportRefused           a delivery broke the contract; carries every problem (row.*,
    │                               value.*, file.*…, reported per row, not raised one by one)
    ├── DatabaseError               database.* — cannot be reached (503) or is outdated
    ├── RunRefused                  run.* — a run that must not start (typo, backdated, scope)
    ├── PreviewRefused              preview.* — a rule preview that cannot run as asked
    │                               (compliance.engine.preview)
    ├── TaskError                   task.* — a change to a task that was not made
    │   ├── TaskNotFound            task.not_found (404)
    │   └── TransitionNotAllowed    task.transition_not_allowed
    │                               (compliance.followup.errors)
    ├── AccountError                account.* — an account that cannot be made or changed
    ├── LoginThrottled              account.throttled_* (429)      (compliance.accounts)
    ├── ReportError                 report.* — a report that cannot be written
    │                               (compliance.reports.files)
    ├── ProgrammeError              programme.* — a progress report that was not filed
    │                               (compliance.review.programmes)
    ├── RulesInvalid                rules.invalid — rule files with FILE:LINE problems
    ├── YamlSyntaxError             rules.yaml_syntax              (compliance.rules.*)
    ├── ConditionError              rules.condition                (compliance.vocabulary)
    ├── RuleEngineCrashed           engine.durable_crashed (500)
    ├── RuleEngineFailed            engine.durable_failed (500)    (compliance.engine.durable)
    └── Refused                     web.* — a request the web UI will not serve, with its own
                                    status                         (compliance.web.errors)

One stable ``code`` per failure (not per class): the classes that stand for many failures take
the code when raised, ``RunRefused("run.backdated", as_of=…)``, and their Vietnamese text comes
from the one catalogue, :mod:`compliance.messages`, which says what to do and never names a
command-line option (a web user reads it too; the CLI adds its own hint). The web answers
``http_status`` with ``{"detail", "code"}``; the CLI prints the text and exits ``exit_code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compliance.messages import message

if TYPE_CHECKING:
    from compliance.registry.issues import ImportReport


class ComplianceError(Exception):
    code: str = "compliance.error"
    http_status: int = 400  # a refusal of what was asked; nothing went wrong on our side
    exit_code: int = 1


class CodedError(ComplianceError):
    """A family of failures whose instances name their code; the text is the catalogue's."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(message(code, **params))


class RegistryError(ComplianceError):
    code = "registry.error"


class ImportRefused(RegistryError):
    """A delivery broke the contract; nothing was written."""

    code = "registry.import_refused"

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(
            message("registry.import_refused", count=len(report.errors), source=report.source)
        )


class DatabaseError(ComplianceError):
    code = "database.unreachable"
    http_status = 503
    exit_code = 3


class RunRefused(CodedError):
    """A run that must not start; nothing was evaluated or written."""

    code = "run.refused"
