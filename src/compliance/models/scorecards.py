"""What a compliance run stores for its reports: each target's measured figures (issue 15).

A report of a run reads these rows instead of measuring the registry again. One row per run and
target: the sums per direct-superior union for every year of the trend (the province's figure
is their total), and the units that fall short in the judged year, as the run measured them.
The figures are JSON because a report always reads a target's whole trend at once and never
filters inside it; a row is a few kilobytes, so a nightly run adds well under a megabyte.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class RunScorecard(SQLModel, table=True):
    __tablename__ = "run_scorecards"
    __table_args__ = (UniqueConstraint("run_id", "target_id", name="uq_run_scorecards_target"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="compliance_runs.id")
    province_code: str
    target_id: str
    # the target's measurement (population, measure, waiver, year) as measured: a target file
    # edited since the run is measured afresh rather than read from an outdated row
    definition: str
    # {"YYYY": [[group_code | null, num, den, excluded], …]} for every year of the trend
    groups: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # the judged year's units that fall short, largest first: [[unit, name, group_code,
    # group_name, num, den], …] (the drill-down's first rows), and how many there are in all
    shortfall: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    shortfall_total: int = 0
