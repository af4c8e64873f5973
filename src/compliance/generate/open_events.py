"""The open ``events`` table of a generated registry (registry-format.md, "Open tables").

The acts the action programmes count that no other table names: the yearly dialogue at each
enterprise with a union (000 II.1, 001 II.2.1), the superior's charter supervision and finance
inspection of its grassroots unions (004 II.9), housing handovers (001 II.1.6, 004 II.7) and the
superiors' training courses. Drawn from a stream of its own, like :mod:`mess`, so adding or
tuning these acts leaves every other table of a seeded registry byte for byte as it was.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

from compliance.generate.units import Unit

Writer = Callable[[list[Any]], Any]
SuperiorOn = Callable[[int], Unit]  # day ordinal -> the grassroots union's superior that day

# Per closed or current year: (probability of no dialogue, of exactly one); else two.
_DIALOGUES = (0.18, 0.62)
_CHARTER_SUPERVISION = 0.4  # of grassroots unions supervised by their superior in a year
_FINANCE_BY_SUPERIOR = 0.25
_HOUSING_GRASSROOTS = 0.004  # a "Mái ấm Công đoàn" handed over by a grassroots union, rare
_HOUSING_SUPERIOR = (0.05, 0.5)  # by a direct-superior union, by a provincial federation
_COURSES_SUPERIOR = (0.3, 0.7, 0.9)  # cumulative: 0, 1, 2 or 3 courses a year

_NOTES = {
    "dialogue": "Đối thoại định kỳ tại nơi làm việc",
    "charter_supervision": "Giám sát chấp hành Điều lệ Công đoàn; đơn vị giám sát: {by}",
    "finance_inspection_by_superior": "Kiểm tra tài chính công đoàn; đơn vị kiểm tra: {by}",
    "housing_handover": "Bàn giao nhà Mái ấm Công đoàn cho đoàn viên khó khăn",
    "training_course": "Lớp tập huấn nghiệp vụ công tác công đoàn",
}


class OpenEvents:
    """Writes ``events`` rows for the units the generator lays out, from its own stream."""

    def __init__(
        self,
        write: Writer,
        cell: list[Any],
        years: list[tuple[int, int]],
        start: int,
        until: int,
        seed: int,
    ) -> None:
        self.rng = random.Random(f"events-{seed}")
        self.r = self.rng.random
        self.write, self.cell, self.years = write, cell, years
        self.start, self.until = start, until
        self.serial = itertools.count(1)

    def _emit(self, unit: str, kind: str, day: int, **note: str) -> None:
        text = _NOTES[kind].format(**note) if self.r() > 0.1 else None  # a few without a note
        self.write([f"SK{next(self.serial):07d}", unit, kind, self.cell[day], text])

    def _spans(self, born: int, end: int) -> list[tuple[int, int]]:
        """The part of each year of the history the unit was active in (end: dissolved on)."""
        lo_all, hi_all = max(born, self.start), min(end, self.until) - 1
        spans = [(max(first, lo_all), min(last, hi_all)) for first, last in self.years]
        return [(lo, hi) for lo, hi in spans if lo <= hi]

    def _day(self, lo: int, hi: int) -> int:
        return lo + int(self.r() * (hi - lo + 1))

    def grassroots(self, code: str, tax: str, born: int, end: int, superior_on: SuperiorOn) -> None:
        """The enterprise's dialogues while its union exists, and the superior's visits."""
        for lo, hi in self._spans(born, end):
            x = self.r()
            dialogues = 0 if x < _DIALOGUES[0] else 1 if x < _DIALOGUES[1] else 2
            for _ in range(dialogues):
                self._emit(tax, "dialogue", self._day(lo, hi))
            for kind, chance in (
                ("charter_supervision", _CHARTER_SUPERVISION),
                ("finance_inspection_by_superior", _FINANCE_BY_SUPERIOR),
            ):
                if self.r() < chance:
                    day = self._day(lo, hi)
                    superior = superior_on(day)
                    day = min(day, (superior.dissolved or day + 1) - 1)  # a district's last day
                    self._emit(code, kind, day, by=superior.code)
            if self.r() < _HOUSING_GRASSROOTS:
                self._emit(code, "housing_handover", self._day(lo, hi))

    def superior(self, unit: Unit) -> None:
        """A federation's or direct-superior union's training courses and housing handovers."""
        federation = unit.kind == "provincial_federation"
        housing = _HOUSING_SUPERIOR[federation]
        for lo, hi in self._spans(unit.founded, unit.dissolved or 10**7):
            x = self.r()
            courses = sum(x >= limit for limit in _COURSES_SUPERIOR) + federation
            for _ in range(courses):
                self._emit(unit.code, "training_course", self._day(lo, hi))
            if self.r() < housing:
                self._emit(unit.code, "housing_handover", self._day(lo, hi))
