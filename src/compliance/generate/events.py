"""Event history of generated unions: the acts the per-unit and extension rules judge.

Kept apart from :mod:`compliance.generate`, which lays out provinces, the union hierarchy and
enterprises, so that how often unions review, hold conferences or pay fees can be tuned without
wading through place names. The methods here still draw from the generator's one random stream
in a fixed order: moving a single draw changes every row generated after it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from compliance.generate import names
from compliance.generate.names import Rand
from compliance.generate.units import Unit

NEVER = 10**7  # an ordinal after any date generated: "not dissolved"
_MEAN_CARE = 0.68 * 0.97 + 0.2 * 0.8 + 0.09 * 0.4  # over grassroots unions, see _union_events
_ID_PREFIXES = ("KT", "LV", "TU", "HN", "DT", "GT", "BC")


def add_years(ordinal: int, years: int) -> int:
    """Same day ``years`` on; 29 February falls back to the 28th rather than spill into March."""
    day = date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).toordinal()


def _periods(start: date, until: date, months: int) -> list[tuple[int, int]]:
    """(first, last) day of each period of ``months`` months overlapping [start, until)."""
    spans: list[tuple[int, int]] = []
    y, m = start.year, (start.month - 1) // months * months + 1
    while date(y, m, 1) < until:
        ny, nm = (y, m + months) if m + months <= 12 else (y + 1, m + months - 12)
        spans.append((date(y, m, 1).toordinal(), date(ny, nm, 1).toordinal() - 1))
        y, m = ny, nm
    return spans


class EventsMixin:
    """Writes each union's history of the window; mixed into ``builder.Generator``.

    A mixin rather than free functions because every event shares the generator's random
    stream, sinks, date cells and row counters, and threading those through every signature
    would bury the draws that matter. The generator sets the state below (the periods through
    :meth:`_schedule`); it is declared here so this half type-checks on its own.
    """

    r: Rand
    w: dict[str, Callable[[list[Any]], None]]  # table name -> its sink's write
    cell: list[Any]  # day ordinal -> finished cell
    yes_no: tuple[Any, Any]
    start: int  # first day of the history window
    until: int  # the day judged "as of": history ends the day before
    reform: int  # ordinal of REFORM when the window straddles it, else 0
    south: bool  # the province being generated writes Huỳnh and Võ for Hoàng and Vũ
    quarters: list[tuple[int, int]]
    years: list[tuple[int, int]]
    rating_years: list[tuple[int, int]]  # (year, its last day), closed years only
    months: list[tuple[str, int]]  # ("YYYY-MM", due day) of the fee months billed
    grace_edges: tuple[int, int]
    ids: dict[str, Iterator[int]]

    if TYPE_CHECKING:

        def _between(self, lo: int, hi: int) -> int: ...

    def _schedule(self, start: date, until: date, fee_months: int) -> None:
        """The periods events fall in (``until`` set first); draws nothing, so may run anywhere."""
        self.quarters = _periods(start, until, 3)
        self.years = _periods(start, until, 12)
        self.rating_years = [(date.fromordinal(e).year, e) for _, e in self.years if e < self.until]
        months = [last for _, last in _periods(start, until, 1) if last < self.until]
        kept = months[len(months) - fee_months :] if fee_months else []
        self.months = [(f"{date.fromordinal(last):%Y-%m}", last) for last in kept]
        self.ids = {p: itertools.count(1) for p in _ID_PREFIXES}
        # Elections on either side of the training rule's default grace period as of `until`.
        self.grace_edges = (self.until - 181, self.until - 180)

    def _id(self, prefix: str) -> str:
        """A counter per prefix rather than drawn ids: numbering takes nothing from the stream."""
        return f"{prefix}{next(self.ids[prefix]):07d}"

    def _union_events(
        self,
        code: str,
        tax: str,
        born: int,
        end: int,
        workers: int,
        sector: str,
        status: str,
        old: Unit | None,
        sup: Unit,
        share: float,
    ) -> None:
        """Reviews, ratings, inspections, conferences, agreements, fees, complaints, party
        introductions and chair elections (``share``: of the members, women).

        One "care" level per union drives its acts, so a weak union misses several obligations
        at once, as in practice, and a few (care 0) are never reviewed at all.
        """
        r, c, w = self.r, self.cell, self.w
        lo_all, hi_all = max(born, self.start), min(end, self.until) - 1
        if lo_all > hi_all:
            return
        x = r()
        care = 0.97 if x < 0.68 else 0.8 if x < 0.88 else 0.4 if x < 0.97 else 0.0
        for first, last in self.quarters:
            lo, hi = max(first, lo_all), min(last, hi_all)
            if lo <= hi and r() < care:
                w["reviews"]([self._id("LV"), code, c[self._between(lo, hi)]])
        for year, last in self.rating_years:
            if born <= last < end and r() < care + 0.08:
                w["ratings"]([code, year, names.weighted(r, names.GRADES)])
        for first, last in self.years:
            lo, hi = max(first, lo_all), min(last, hi_all)
            if lo > hi:
                continue
            x = r()
            if x < 0.15:  # the superior of the day inspects ~10% (finance), ~5% (charter)
                day = self._between(lo, hi)
                inspector = old if old is not None and day < self.reform else sup
                day = min(day, (inspector.dissolved or NEVER) - 1)  # a district's last day
                kind = "finance" if x < 0.1 else "charter"
                w["inspections"]([self._id("KT"), kind, inspector.code, code, c[day]])
            if r() < care * 0.92:  # held early in the year
                day = lo + int(r() ** 2 * (hi - lo + 1))
                w["conferences"]([self._id("HN"), tax, "workers_conference", c[day]])
            if r() < 0.55:
                w["conferences"]([self._id("HN"), tax, "dialogue", c[self._between(lo, hi)]])
            if r() < 0.012:
                self._complaint(code, lo, hi)
        if r() < 0.86:
            self._agreements(tax, born, end)
        if status != "dissolved" and workers:
            self._fees(tax, born, end, workers, sector)
        self._introductions(code, lo_all, hi_all, care, share)
        self._chairs(code, born, end, share)

    def _introductions(
        self, code: str, lo_all: int, hi_all: int, care: float, share: float
    ) -> None:
        """Members introduced to the Party: Poisson, ~1.1 a year, fewer from careless unions.

        The mean follows the union's care (1.1 on average over unions) and the part of the year
        it existed, so about a third of the unions introduce nobody in a given year. A few
        introductions fall on the first or last day of a year, where off-by-one mistakes hide.
        """
        r, c, w = self.r, self.cell, self.w["party_introductions"]
        mean = names.INTRODUCTIONS_PER_YEAR * care / _MEAN_CARE
        for first, last in self.years:
            lo, hi = max(first, lo_all), min(last, hi_all)
            if lo > hi:
                continue
            limit, p = math.exp(-mean * (hi - lo + 1) / (last - first + 1)), r()
            while p > limit:  # Knuth's Poisson draw: one uniform per introduction, plus one
                day = self._between(lo, hi) if r() > 0.04 else (lo, hi)[r() < 0.5]
                name = names.person_name(r, r() < share, self.south)
                w([self._id("GT"), code, name, c[day]])
                p *= r()

    def _chairs(self, code: str, born: int, end: int, share: float) -> None:
        """A chair elected at founding and every five-year term after, now and then mid-term.

        Only the elections of the window and the one before it (whose chair is in office when
        the window opens). A regular election keeps the sitting chair half of the time. Most
        chairs are trained 10–150 days after their election, some only after the 180-day grace
        period, some never (or not yet, an empty ``trained_on``).
        """
        r, c, w = self.r, self.cell, self.w["chair_elections"]
        stop, term = min(end, self.until), names.CHAIR_TERM_YEARS
        k = max(0, (date.fromordinal(self.start).year - date.fromordinal(born).year) // term - 1)
        elections: list[tuple[int, bool]] = []  # (day, regular), in date order
        day = add_years(born, k * term)
        while day < stop:
            elections.append((day, True))
            k, following = k + 1, add_years(born, (k + 1) * term)
            if r() < names.MID_TERM_ELECTION:  # the chair retires, moves or steps down
                mid = self._between(day + 180, following - 180)
                edge = self.grace_edges[int(r() * 2)]
                mid = edge if r() < 0.1 and day + 180 <= edge <= following - 180 else mid
                if mid < stop:
                    elections.append((mid, False))
            day = following
        before = [i for i, (d, _) in enumerate(elections) if d < self.start]
        chair = ""
        for day, regular in elections[before[-1] if before else 0 :]:
            if not (chair and regular and r() < 0.5):
                female = r() < share * names.FEMALE_CHAIR_RATIO
                chair = names.person_name(r, female, self.south)
            x = r()
            trained = (
                day + 10 + int(r() * 141)
                if x < 0.85
                else day + 181 + int(r() * 400)
                if x < 0.93
                else 0
            )
            w([self._id("BC"), code, chair, c[day], c[trained if trained < self.until else 0]])

    def _agreements(self, tax: str, born: int, end: int) -> None:
        """A chain of 1–3 year agreements, mostly renewed on time, some lapsing or abandoned."""
        r, c = self.r, self.cell
        signed = born + 15 + int(r() * 240)
        if signed < self.start - 1100:  # skip decades of chain nobody will read
            signed = self.start - int(r() * 1100)
        while signed < self.until and signed < end:
            expires = add_years(signed, 1 + int(r() * 3)) - 1
            if expires >= self.start:
                self.w["agreements"]([self._id("TU"), tax, c[signed], c[expires]])
            x = r()
            if x < 0.85:
                signed = expires + 1 - int(r() * 20)
            elif x < 0.95:
                signed = expires + 30 + int(r() * 240)
            else:
                break

    def _fees(self, tax: str, born: int, end: int, workers: int, sector: str) -> None:
        """2% of payroll, due at month end; most pay in full, some in part, some not at all."""
        r, c = self.r, self.cell
        payroll = workers * names.WAGES[sector] * (0.7 + 0.6 * r())
        x = r()
        habit = 0 if x < 0.84 else 1 if x < 0.92 else 2
        for period, due in self.months:
            if not born <= due < end:
                continue
            amount = int(payroll * (0.97 + 0.06 * r()) * 0.02 / 1000 + 0.5) * 1000
            paid = amount
            if habit == 1 and r() < 0.4:
                paid = int(amount * (0.3 + 0.6 * r()) / 1000) * 1000
            elif habit == 2 and r() < 0.55:
                paid = 0
            self.w["fee_payments"]([tax, period, c[due], amount, paid])

    def _complaint(self, code: str, lo: int, hi: int) -> None:
        """Received, accepted days later; resolved in time, on the last day, late or never."""
        r = self.r
        received = self._between(lo, hi)
        accepted = received + 1 + int(r() * 10) if r() < 0.9 else 0
        accepted = accepted if accepted < self.until else 0
        complex_ = r() < 0.25
        limit = 45 if complex_ else 30
        x = r()
        if accepted:
            resolved = (
                accepted + 3 + int(r() * (limit - 3))
                if x < 0.62
                else accepted + limit
                if x < 0.66
                else accepted + limit + 1 + int(r() * 60)
                if x < 0.84
                else 0
            )
        else:  # not accepted: answered or forwarded elsewhere, or left
            resolved = received + 3 + int(r() * 20) if x < 0.7 else 0
        resolved = resolved if resolved < self.until else 0
        c = self.cell
        self.w["complaints"](
            [self._id("DT"), code, c[received], c[accepted], self.yes_no[complex_], c[resolved]]
        )

    def _superior_events(self, unit: Unit, federation: Unit) -> None:
        """Same-level finance inspections, the federation's inspections, ratings, complaints."""
        r, c, w = self.r, self.cell, self.w
        end = unit.dissolved or NEVER
        lo_all, hi_all = max(unit.founded, self.start), min(end, self.until) - 1
        x = r()
        care = 0.95 if x < 0.7 else 0.6 if x < 0.9 else 0.2
        for first, last in self.years:
            lo, hi = max(first, lo_all), min(last, hi_all)
            if lo > hi:
                continue
            done = r() < (care if last < self.until else 0.3)
            if done:  # a closed year's is done late, before the yearly settlement
                day = (
                    max(lo, hi - int(r() ** 2 * 75)) if last < self.until else self._between(lo, hi)
                )
                w["inspections"]([self._id("KT"), "finance", unit.code, unit.code, c[day]])
            for kind in ("finance", "charter") if unit is not federation else ():
                if r() < 0.3:
                    day = self._between(lo, hi)
                    w["inspections"]([self._id("KT"), kind, federation.code, unit.code, c[day]])
            for _ in range(2 if unit is federation else 1):
                if r() < (0.5 if unit is federation else 0.1):
                    self._complaint(unit.code, lo, hi)
        for year, last in self.rating_years:
            if unit.founded <= last < end and r() < 0.93:
                w["ratings"]([unit.code, year, names.weighted(r, names.GRADES)])
