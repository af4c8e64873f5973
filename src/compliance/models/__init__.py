"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from compliance.models.imports import ImportBatch
from compliance.models.registry import (
    Agreement,
    Complaint,
    Conference,
    Enterprise,
    FeePayment,
    Inspection,
    Rating,
    Review,
    Union,
    UnionSuperior,
)

__all__ = [
    "Agreement",
    "Complaint",
    "Conference",
    "Enterprise",
    "FeePayment",
    "ImportBatch",
    "Inspection",
    "Rating",
    "Review",
    "Union",
    "UnionSuperior",
]
