"""The generator's working records: unions above grassroots level and one province's layout
while its enterprises stream out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Unit:
    """A union above grassroots level, or a guild: few enough to keep per province."""

    code: str
    name: str
    kind: str
    superior: str | None
    founded: int  # ordinal; 0 = long ago (written empty)
    dissolved: int = 0
    members: int = 0
    female: int = 0
    since: int = 0  # superior_since, for a guild moved on REFORM


@dataclass
class ProvinceLayout:
    """One province's hierarchy and wards while its enterprises stream out."""

    code: str
    name: str  # "Tây Ninh", "Hà Nội": state firms carry it
    federation: Unit
    sectors: dict[str, Unit]
    zone: Unit | None  # the industrial-zone union
    units: list[Unit]  # every union above grassroots, in code order
    wards: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, bare name
    ward_weights: list[float] = field(default_factory=list)  # cumulative: phường draw more
    ward_district: list[Unit | None] = field(default_factory=list)  # None once abolished
    ward_region: list[Unit | None] = field(default_factory=list)  # None before REFORM
    guilds: list[Unit] = field(default_factory=list)
    grassroots: list[list[Any]] = field(default_factory=list)  # rows, written after superiors
    public_share: float = 0.0  # of its enterprises that are public units
    tax_serial: int = 0


def count_members(units: list[Unit] | tuple[Unit, ...], members: int, female: int) -> None:
    """Superiors report the members of the unions under them."""
    for unit in units:
        unit.members += members
        unit.female += female
