"""What to generate: the options, the tables written, and the dates the generated history
turns on (the 2025 reform). Nothing here draws a random number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

REFORM = date(2025, 7, 1)  # district level abolished: regional unions founded this day
# The districts' last day is 30/6, so their dissolution date is 1/7: a union is active on D
# when dissolved_on is after D, and the grassroots unions move to the regions on 1/7 as well.
DISTRICT_DISSOLVED_ON = REFORM
FIRST_REGISTRATION = date(1995, 1, 1)
# Every table of the contract, in its order: the format's nine, the hierarchy history, the
# two extensions the party-introduction and chair-training rules read, and the open events.
GENERATED_TABLES = (
    "enterprises",
    "unions",
    "union_hierarchy",
    "inspections",
    "reviews",
    "ratings",
    "agreements",
    "conferences",
    "fee_payments",
    "complaints",
    "party_introductions",
    "chair_elections",
    "events",
)


@dataclass(frozen=True)
class GenerateOptions:
    """What to generate; the defaults give a reproducible national sample."""

    provinces: tuple[str, ...] = ()  # two-digit 2025 codes ("80" = Tây Ninh); empty = all 34
    enterprises: int = 50_000  # across the chosen provinces, split by economic weight
    seed: int = 1
    until: date = date(2026, 10, 1)  # history ends the day before: evaluate "as of" this day
    years: int = 3  # of event history before `until`
    fmt: Literal["csv", "xlsx"] = "csv"
    headers: Literal["en", "vi"] = "en"  # "vi": each column's Vietnamese label
    dates: Literal["iso", "vn"] = "iso"  # "vn": DD/MM/YYYY
    fee_months: int = 3  # months of fee_payments per unionised enterprise (within `years`)
    # share of enterprises, unions, agreements and complaints delivered implausible (women above
    # the total, dates typed into each other's column), as real deliveries are: generate.mess
    implausible: float = 0.003


@dataclass
class GenerateResult:
    folder: Path
    rows: dict[str, int]  # table name -> rows written
