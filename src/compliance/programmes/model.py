"""The programme file format (``rules/programmes/*.yaml``): a programme and its items.

The contract (registry-format.md, "Programme items") fixes the keys; ``time`` stays in the
document's own words and is read by :mod:`compliance.programmes.timephrase` at load time.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

NAME = r"^\S(.*\S)?$"  # no leading or trailing spaces: ids and names are matched as written


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Programme(_Strict):
    id: str = Field(min_length=1, max_length=120, pattern=r"^[a-z0-9_.\-]+$")
    title: str = Field(min_length=1, max_length=500)
    document: str = Field(min_length=1, max_length=200)
    issued_on: dt.date  # the base of milestones counted in years ("sơ kết 01 năm")
    until: dt.date | None = None  # recurring items are owed up to this day


class Item(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")
    text: str = Field(min_length=1, max_length=20_000)
    section: str = Field(min_length=1, max_length=40)
    lead: list[str] = Field(min_length=1, max_length=50)
    partners: list[str] = Field(default_factory=list, max_length=50)
    time: str = Field(min_length=1, max_length=500)
    quote: str | None = Field(default=None, max_length=5_000)


class ProgrammeFile(_Strict):
    programme: Programme
    items: list[Item] = Field(min_length=1, max_length=2_000)
