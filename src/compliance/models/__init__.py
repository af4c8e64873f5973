"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from compliance.models.accounts import AuditEntry, Role, RunRequest, User
from compliance.models.followup import (
    ComplianceRun,
    FindingTexts,
    FollowUpTask,
    NotificationTarget,
    RecordedFinding,
    RunLock,
    TaskEvent,
    TaskStatus,
)
from compliance.models.imports import ImportBatch, ImportWarning
from compliance.models.registry import (
    Agreement,
    ChairElection,
    Complaint,
    Conference,
    Enterprise,
    Event,
    FeePayment,
    Inspection,
    PartyIntroduction,
    ProgrammeReport,
    Rating,
    Review,
    Union,
    UnionSuperior,
)
from compliance.models.scorecards import RunScorecard

__all__ = [
    "AuditEntry",
    "Role",
    "RunRequest",
    "User",
    "ComplianceRun",
    "FollowUpTask",
    "NotificationTarget",
    "FindingTexts",
    "RecordedFinding",
    "RunLock",
    "TaskEvent",
    "TaskStatus",
    "Agreement",
    "ChairElection",
    "Event",
    "Complaint",
    "Conference",
    "Enterprise",
    "FeePayment",
    "ImportBatch",
    "ImportWarning",
    "Inspection",
    "PartyIntroduction",
    "ProgrammeReport",
    "Rating",
    "Review",
    "Union",
    "UnionSuperior",
    "RunScorecard",
]
