"""The implausible rows real deliveries carry, sprinkled over a generated registry.

Registries arrive with a few rows that are well-formed but cannot be true: more women than
members, an agreement that expires before it is signed, a complaint resolved before it was
accepted (registry-format.md, "Implausible is not broken"). The product must load them, warn and
turn them into data-quality findings, so the demo and the benchmarks carry them too.

A stream of its own decides which rows, so the rest of a seeded registry is unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from compliance.registry.contract import TABLES_BY_NAME

Writer = Callable[[list[Any]], Any]
Spoiler = Callable[[list[Any], random.Random], bool]  # changes a row in place; False if it can't


def _positions(table: str, *columns: str) -> list[int]:
    names = [c.name for c in TABLES_BY_NAME[table].columns]
    return [names.index(c) for c in columns]


def _part_above_whole(table: str, part: str, whole: str) -> Spoiler:
    at_part, at_whole = _positions(table, part, whole)

    def spoil(row: list[Any], rng: random.Random) -> bool:
        if not isinstance(row[at_whole], int):
            return False
        row[at_part] = row[at_whole] + 1 + int(rng.random() * 10)  # a typo'd extra digit or so
        return True

    return spoil


def _swapped(table: str, earlier: str, later: str) -> Spoiler:
    at_a, at_b = _positions(table, earlier, later)

    def spoil(row: list[Any], _rng: random.Random) -> bool:
        a, b = row[at_a], row[at_b]
        if a is None or b is None or a == b:
            return False
        row[at_a], row[at_b] = b, a  # the two dates typed into each other's column
        return True

    return spoil


SPOILERS: dict[str, Spoiler] = {
    "enterprises": _part_above_whole("enterprises", "female_workers", "workers"),
    "unions": _part_above_whole("unions", "female_members", "members"),
    "agreements": _swapped("agreements", "signed_on", "expires_on"),
    "complaints": _swapped("complaints", "accepted_on", "resolved_on"),
}


def implausible(writers: dict[str, Writer], rate: float, seed: int) -> dict[str, Writer]:
    """``writers`` with a share ``rate`` of the rows of :data:`SPOILERS`' tables spoiled."""
    if rate <= 0:
        return writers
    rng = random.Random(f"implausible-{seed}")
    wrapped = dict(writers)
    for table, spoil in SPOILERS.items():
        if table not in writers:
            continue
        write = writers[table]

        def spoiling(row: list[Any], write: Writer = write, spoil: Spoiler = spoil) -> Any:
            if rng.random() < rate:
                row = list(row)
                spoil(row, rng)
            return write(row)

        wrapped[table] = spoiling
    return wrapped
