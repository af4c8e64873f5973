"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from compliance.models.imports import ImportBatch
from compliance.models.registry import (
    Agreement,
    ChairElection,
    Complaint,
    Conference,
    Enterprise,
    FeePayment,
    Inspection,
    PartyIntroduction,
    Rating,
    Review,
    Union,
    UnionSuperior,
)

__all__ = [
    "Agreement",
    "ChairElection",
    "Complaint",
    "Conference",
    "Enterprise",
    "FeePayment",
    "ImportBatch",
    "Inspection",
    "PartyIntroduction",
    "Rating",
    "Review",
    "Union",
    "UnionSuperior",
]
