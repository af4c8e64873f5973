"""Union fee payments (kinh phí công đoàn), one row per enterprise and period."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal
from sqlalchemy.sql import ColumnElement

from compliance.vocabulary.subjects import (
    Context,
    FactType,
    Refs,
    Subject,
    column_fact,
    fact,
)

FEE_PAYMENT = Subject(
    "fee_payment",
    "kỳ nộp kinh phí công đoàn",
    "fee_payments",
    "enterprise_tax_code",
    "name",
    owner_table="enterprises",
    owner_join=("enterprise_tax_code", "tax_code"),
    row_period="period",
)
column_fact(FEE_PAYMENT, "period", FactType.TEXT, "kỳ")
column_fact(FEE_PAYMENT, "due_on", FactType.DATE, "hạn nộp")
column_fact(FEE_PAYMENT, "amount_due", FactType.FLOAT, "số phải nộp")


@fact(FEE_PAYMENT, "amount_paid", FactType.FLOAT, "số đã nộp")
def _paid(r: Refs, _c: Context) -> ColumnElement[Any]:
    """Nothing recorded as paid is nothing paid."""
    return func.coalesce(r.row.c.amount_paid, literal(0.0))


@fact(FEE_PAYMENT, "arrears", FactType.FLOAT, "số còn nợ")
def _arrears(r: Refs, _c: Context) -> ColumnElement[Any]:
    """What is still owed; unknown when the amount due is."""
    return r.row.c.amount_due - func.coalesce(r.row.c.amount_paid, literal(0.0))
