"""The registry: what the unions and enterprises are, and what they did.

Columns follow ../shared/registry-format.md one for one (the contract). Enumerations are stored
as their English identifiers; the import validates them, so the tables carry no CHECK lists that
a later contract change would have to migrate. Indexes are the ones set-based evaluation joins
on: by enterprise, by union, by kind and date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel


class Enterprise(SQLModel, table=True):
    __tablename__ = "enterprises"

    tax_code: str = Field(primary_key=True)
    name: str | None = None
    sector: str | None = None
    province_code: str | None = Field(default=None, index=True)
    ward_code: str | None = None
    workers: int | None = None
    female_workers: int | None = None
    status: str | None = None
    registered_on: dt.date | None = None


class Union(SQLModel, table=True):
    """A union organisation at any level; ``superior_code`` is the superior of the latest delivery.

    The superior on a given day is in :class:`UnionSuperior`; evaluation "as of" a date reads it
    from there, never from this column.
    """

    __tablename__ = "unions"
    __table_args__ = (Index("ix_unions_kind_province", "kind", "province_code"),)

    code: str = Field(primary_key=True)
    name: str | None = None
    kind: str | None = None
    superior_code: str | None = Field(
        default=None,
        sa_column=Column(String, ForeignKey("unions.code"), index=True, nullable=True),
    )
    enterprise_tax_code: str | None = Field(
        default=None, foreign_key="enterprises.tax_code", index=True
    )
    province_code: str | None = Field(default=None, index=True)
    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    members: int | None = None
    female_members: int | None = None
    has_womens_committee: bool | None = None


class UnionSuperior(SQLModel, table=True):
    """Effective-dated hierarchy: ``union_code`` reports to ``superior_code`` on days in
    [``valid_from``, ``valid_until``). Empty bounds are open (since always, until further notice).
    """

    __tablename__ = "union_superiors"
    __table_args__ = (Index("ix_union_superiors_union_from", "union_code", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    union_code: str = Field(foreign_key="unions.code")
    superior_code: str | None = Field(default=None, foreign_key="unions.code", index=True)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class Inspection(SQLModel, table=True):
    """A finance or charter inspection; same-level when ``inspector_code == target_code``."""

    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_target_kind_date", "target_code", "kind", "date"),)

    id: str = Field(primary_key=True)
    kind: str
    inspector_code: str = Field(foreign_key="unions.code", index=True)
    target_code: str = Field(foreign_key="unions.code")
    date: dt.date | None = None


class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_union_date", "union_code", "date"),)

    id: str = Field(primary_key=True)
    union_code: str = Field(foreign_key="unions.code")
    date: dt.date | None = None


class Rating(SQLModel, table=True):
    __tablename__ = "ratings"

    union_code: str = Field(foreign_key="unions.code", primary_key=True)
    year: int = Field(primary_key=True)
    grade: str


class Agreement(SQLModel, table=True):
    __tablename__ = "agreements"
    __table_args__ = (Index("ix_agreements_enterprise_signed", "enterprise_tax_code", "signed_on"),)

    id: str = Field(primary_key=True)
    enterprise_tax_code: str = Field(foreign_key="enterprises.tax_code")
    signed_on: dt.date | None = None
    expires_on: dt.date | None = None


class Conference(SQLModel, table=True):
    __tablename__ = "conferences"
    __table_args__ = (
        Index("ix_conferences_enterprise_kind_date", "enterprise_tax_code", "kind", "date"),
    )

    id: str = Field(primary_key=True)
    enterprise_tax_code: str = Field(foreign_key="enterprises.tax_code")
    kind: str
    date: dt.date | None = None


class FeePayment(SQLModel, table=True):
    """One union-fee period of one enterprise.

    Amounts are in đồng, which has no minor unit; they are stored as double precision so that
    deliveries with a decimal point still load, and every integer amount below 2**53 is exact.
    """

    __tablename__ = "fee_payments"
    __table_args__ = (Index("ix_fee_payments_due_on", "due_on"),)

    enterprise_tax_code: str = Field(foreign_key="enterprises.tax_code", primary_key=True)
    period: str = Field(primary_key=True)  # YYYY-MM
    due_on: dt.date | None = None
    amount_due: float | None = None
    amount_paid: float | None = None


class Complaint(SQLModel, table=True):
    __tablename__ = "complaints"

    id: str = Field(primary_key=True)
    union_code: str = Field(foreign_key="unions.code", index=True)
    received_on: dt.date | None = None
    accepted_on: dt.date | None = None
    complex: bool | None = None
    resolved_on: dt.date | None = None


class PartyIntroduction(SQLModel, table=True):
    """An outstanding member a grassroots union introduced to the Party (001 II.2.3, 004 II.4).

    Beyond the contract: the action programmes count these per union and year.
    """

    __tablename__ = "party_introductions"
    __table_args__ = (Index("ix_party_introductions_union_date", "union_code", "date"),)

    id: str = Field(primary_key=True)
    union_code: str = Field(foreign_key="unions.code")
    member_name: str | None = None
    date: dt.date | None = None


class ChairElection(SQLModel, table=True):
    """A grassroots-union chair's election and training (004 II.5). Beyond the contract."""

    __tablename__ = "chair_elections"

    id: str = Field(primary_key=True)
    union_code: str = Field(foreign_key="unions.code", index=True)
    chair_name: str | None = None
    elected_on: dt.date | None = None
    trained_on: dt.date | None = None


class Event(SQLModel, table=True):
    """Any dated act of a unit the other tables do not name (registry-format.md, Open tables).

    ``unit_code`` names an enterprise or a union, so it carries no foreign key (one column cannot
    point at two tables); the import checks it against both. Rules count events by unit, kind
    and period, hence the one index.
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_unit_kind_date", "unit_code", "kind", "date"),)

    id: str = Field(primary_key=True)
    unit_code: str
    kind: str
    date: dt.date | None = None
    note: str | None = None


class ProgrammeReport(SQLModel, table=True):
    """How far a lead body has got with a programme item for a period (registry-format.md).

    ``period`` is ``""`` for an item's single deadline: it is part of the key, and a key part
    may not be NULL. ``programme``/``item`` name rule files, not rows, so they carry no foreign
    key; ``body`` is the lead body as the programme writes it.
    """

    __tablename__ = "programme_reports"

    programme: str = Field(primary_key=True)
    item: str = Field(primary_key=True)
    period: str = Field(default="", primary_key=True)
    body: str = Field(primary_key=True)
    reported_on: dt.date
    status: str
    evidence: str | None = None
    note: str | None = None
