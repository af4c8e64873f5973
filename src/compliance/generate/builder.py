"""Lays out each province's hierarchy and enterprises, drawing from one seeded stream; the
events of each union's history come from :class:`compliance.generate.events.EventsMixin`."""

from __future__ import annotations

import bisect
import itertools
import math
import random
import unicodedata
import zlib
from collections.abc import Callable
from datetime import date

from vietnam_provinces import Province, Ward

from compliance.generate import names
from compliance.generate import output as out
from compliance.generate.events import NEVER, EventsMixin, add_years
from compliance.generate.mess import implausible
from compliance.generate.names import PROVINCE_WEIGHTS
from compliance.generate.open_events import OpenEvents
from compliance.generate.options import (
    DISTRICT_DISSOLVED_ON,
    FIRST_REGISTRATION,
    REFORM,
    GenerateOptions,
)
from compliance.generate.units import ProvinceLayout, Unit, count_members

_NAME_BITS = (1 << 27) - 1


class Generator(EventsMixin):
    """Lays out hierarchy and enterprises; :class:`EventsMixin` adds each union's history.

    Both halves draw from one seeded stream, so moving a draw on either side changes the output.
    """

    def __init__(self, options: GenerateOptions, sinks: dict[str, out.Sink]) -> None:
        self.o = options
        self.rng = random.Random(options.seed)
        self.r = self.rng.random
        self.w = implausible(
            {name: sink.write for name, sink in sinks.items()}, options.implausible, options.seed
        )
        until = options.until
        start = date.fromordinal(add_years(until.toordinal(), -options.years))
        self.until, self.start = until.toordinal(), start.toordinal()
        self.regions_exist, self.districts_exist = REFORM < until, REFORM >= start
        self.reform = REFORM.toordinal() if self.regions_exist and self.districts_exist else 0
        self._schedule(start, until, options.fee_months)
        quarter = ([q for q in self.quarters if q[1] < self.until] or self.quarters)[-1]
        year = ([y for y in self.years if y[1] < self.until] or self.years)[-1]
        # Edges of the periods judged "as of" until, where off-by-one mistakes hide.
        self.edges_start = [quarter[0], quarter[0] + 1, year[0], year[0] + 1, self.until - 1]
        self.edges_end = [quarter[1], year[1], year[1] + 1]
        self.cell = out.date_cells(options, self.until + 4 * 366)
        self.acts = OpenEvents(  # the events table: a stream of its own, the rest unchanged
            self.w["events"], self.cell, self.years, self.start, self.until, options.seed
        )
        self.yes_no = out.boolean_cells(options)
        self.south = False  # the province being generated writes Huỳnh and Võ for Hoàng and Vũ
        self.names_taken = bytearray((_NAME_BITS + 1) >> 3)

    def _between(self, lo: int, hi: int) -> int:
        return lo + int(self.r() * (hi - lo + 1)) if hi > lo else lo

    def run(self, codes: list[str]) -> None:
        total = sum(PROVINCE_WEIGHTS[c] for c in codes)
        quotas = [self.o.enterprises * PROVINCE_WEIGHTS[c] / total for c in codes]
        counts = [int(q) for q in quotas]
        by_remainder = sorted(range(len(codes)), key=lambda i: (counts[i] - quotas[i], codes[i]))
        for i in by_remainder[: self.o.enterprises - sum(counts)]:
            counts[i] += 1
        wards: dict[str, list[Ward]] = {c: [] for c in codes}
        every_ward = sorted(Ward.iter_all(), key=lambda w: int(w.code))
        for ward in every_ward:
            wards.get(f"{int(ward.province_code):02d}", []).append(ward)
        self.ward_count = len(every_ward)
        provinces = {f"{int(p.code):02d}": p for p in Province.iter_all()}
        for code, count in zip(codes, counts, strict=True):
            self._province(self._structure(provinces[code], wards[code]), count)

    # --- hierarchy -------------------------------------------------------------------------

    def _structure(self, province: Province, wards: list[Ward]) -> ProvinceLayout:
        """Federation, sector and zone unions, former districts and the regions replacing them.

        New ward codes keep the old commune codes, which run district by district, so a run of
        consecutive wards stands for a former district, named after one of its wards.
        """
        code, r = f"{int(province.code):02d}", self.r
        city = "THANH_PHO" in str(province.division_type)
        short = province.name.removeprefix("Thành phố ")
        place = f"{'thành phố' if city else 'tỉnh'} {short}"
        seq = itertools.count(1)

        def founded(first_year: int) -> int:  # long before any history; now and then unknown
            lo = date(first_year, 1, 1).toordinal()
            return self._between(lo, FIRST_REGISTRATION.toordinal() - 1) if r() > 0.1 else 0

        fed = Unit(
            f"LDLD-{code}",
            f"Liên đoàn Lao động {place}",
            "provincial_federation",
            None,
            founded(1946),
        )

        units = [fed]

        def direct(name: str, born: int, dissolved: int = 0) -> Unit:
            units.append(
                Unit(
                    f"CDCT-{code}-{next(seq):03d}",
                    name,
                    "direct_superior_union",
                    fed.code,
                    born,
                    dissolved,
                )
            )
            return units[-1]

        sectors = {k: direct(f"{n} {place}", founded(1976)) for k, n in names.SECTOR_UNIONS}
        zone = None
        if PROVINCE_WEIGHTS[code] >= names.INDUSTRIAL_ZONE_MIN_WEIGHT:
            zone = direct(f"Công đoàn các Khu công nghiệp {place}", founded(1990))
        p = ProvinceLayout(code, short, fed, sectors, zone, units)
        rows = []
        for ward in wards:
            full = " ".join(unicodedata.normalize("NFC", ward.name).split())
            base = full.split(" ", 2 if full.startswith("Đặc khu") else 1)[-1]
            rows.append((f"{int(ward.code):05d}", full, base, full.startswith("Phường")))
        p.wards = [w[:3] for w in rows]
        firms = PROVINCE_WEIGHTS[code] / sum(PROVINCE_WEIGHTS.values())
        p.public_share = min(0.4, names.PUBLIC_UNIT[1] * len(rows) / self.ward_count / firms)
        p.ward_weights = list(itertools.accumulate(5.0 if w[3] else 1.0 for w in rows))
        chunks: list[list[tuple[str, str, str, bool]]] = []
        while (done := sum(map(len, chunks))) < len(rows):
            chunks.append(rows[done : done + 3 + int(r() * 4)])
        capital = max(range(len(chunks)), key=lambda j: sum(w[3] for w in chunks[j]))
        region, next_region = None, 0
        for j, chunk in enumerate(chunks):
            label = next((w[2] for w in chunk if w[3]), chunk[len(chunk) // 2][2])
            if j == next_region:  # a region merges 2–4 former districts
                next_region += 2 + int(r() * 3)
                if self.regions_exist:
                    region = direct(f"Công đoàn khu vực {label}", REFORM.toordinal())
            urban = sum(w[3] for w in chunk) * 2 >= len(chunk)
            tier = (
                "quận"
                if city and urban
                else "thành phố"
                if j == capital and not city
                else "thị xã"
                if urban
                else "huyện"
            )
            gone = DISTRICT_DISSOLVED_ON.toordinal() if self.regions_exist else 0
            name = f"Liên đoàn Lao động {tier} {label}"
            district = direct(name, founded(1976), gone) if self.districts_exist else None
            p.ward_district += [district] * len(chunk)
            p.ward_region += [region] * len(chunk)
        guild_seq = itertools.count(1)
        for _ in range(max(2, len(rows) // 25)):
            at = int(r() * len(rows))
            born = self._between(FIRST_REGISTRATION.toordinal(), self.until - 30)
            sup, old, since = self._territorial(p, at, born, 0)
            members = 15 + int(r() * 250)
            name = names.guild_name(r, rows[at][2])
            guild = Unit(
                f"ND-{code}-{next(guild_seq):03d}",
                name,
                "guild",
                sup.code,
                born,
                0,
                members,
                int(members * r()),
                since,
            )
            p.guilds.append(guild)
            self._history(guild.code, born, old, sup)
            count_members((sup, fed), guild.members, guild.female)
        return p

    def _territorial(
        self, p: ProvinceLayout, ward: int, born: int, end: int
    ) -> tuple[Unit, Unit | None, int]:
        """Current territorial superior, the former one if it changed on REFORM, and since when."""
        district, region = p.ward_district[ward], p.ward_region[ward]
        if region is None or district is None:
            only = region or district
            assert only is not None  # districts exist before REFORM, regions after
            return only, None, 0
        if born >= region.founded:
            return region, None, 0
        if end and end <= self.reform:  # dissolved before the change: stays with its district
            return district, None, 0
        return region, district, self.reform

    def _history(self, code: str, born: int, old: Unit | None, new: Unit) -> None:
        """Both rows of a superior change: [born, REFORM) under the old, [REFORM, ∞) the new."""
        if old is not None:
            c = self.cell
            self.w["union_hierarchy"]([code, old.code, c[born], c[self.reform]])
            self.w["union_hierarchy"]([code, new.code, c[self.reform], None])

    # --- enterprises and their grassroots unions -------------------------------------------

    def _province(self, p: ProvinceLayout, count: int) -> None:
        """Stream the enterprises; buffer only the unions, so superiors are written first."""
        self.south = names.southern(p.code)
        for _ in range(count):
            self._enterprise(p)
        unions, cell = self.w["unions"], self.cell
        for unit in [*p.units, *p.guilds]:
            committee = self.yes_no[unit.female >= 10] if unit.kind == "guild" else None
            founded, dissolved = cell[unit.founded], cell[unit.dissolved]
            unions(
                [
                    unit.code,
                    unit.name,
                    unit.kind,
                    unit.superior,
                    None,
                    p.code,
                    founded,
                    dissolved,
                    unit.members,
                    unit.female,
                    committee,
                    cell[unit.since],
                ]
            )
        for row in p.grassroots:
            unions(row)
        for unit in p.units:
            self._superior_events(unit, p.federation)
            self.acts.superior(unit)

    def _enterprise(self, p: ProvinceLayout) -> None:
        r = self.r
        if r() < p.public_share:
            sector, _, mu, sigma = names.PUBLIC_UNIT
        else:
            x = r()
            for sector, share, mu, sigma in names.SECTORS:  # noqa: B007 - the loop picks them
                x -= share
                if x < 0:
                    break
        ward = bisect.bisect_right(p.ward_weights, r() * p.ward_weights[-1])
        ward_code, ward_full, ward_name = p.wards[ward]
        kind = "education" if (x := r()) < 0.6 else "health" if x < 0.8 else "civil"
        name = None
        if sector == "public_unit":
            name = self._unique(
                lambda: names.public_unit_name(r, kind, ward_full, ward_name), 6, ward_code
            )
            if name and kind == "health":
                mu = 2.3 if name.startswith("Trạm") else 4.8
        elif sector == "fdi":
            name = self._unique(lambda: names.fdi_name(r))
        elif sector == "state":
            name = self._unique(lambda: names.state_name(r, p.name, ward_name), 6)
        if name is None:  # the ward has its schools and state firms already: a private firm
            sector, _, mu, sigma = names.SECTORS[0]
        while name is None:
            name = self._unique(lambda: names.company_name(r, ward_name))
        workers = min(int(math.exp(mu + sigma * self.rng.gauss()) + 0.5), 60_000)
        x = r()
        if x < 0.002:  # exactly at the union.establishment threshold, from either side
            workers = 24 if x < 0.001 else 25
        female = None
        if r() > 0.02:
            share = 0.4 + 0.5 * r() if sector == "fdi" else 0.15 + 0.7 * r()
            female = int(workers * share + 0.5)
        x = r()
        status = "active" if x < 0.88 else "suspended" if x < 0.95 else "dissolved"
        registered = 0 if r() < 0.02 else self._registered()
        tax = self._tax_code(p)
        self.w["enterprises"](
            [tax, name, sector, p.code, ward_code, workers, female, status, self.cell[registered]]
        )
        if workers >= 5 and r() < names.union_chance(sector, workers):
            self._grassroots(p, tax, name, sector, kind, workers, female, status, registered, ward)

    def _unique(self, build: Callable[[], str], tries: int = 64, scope: str = "") -> str | None:
        """A name no enterprise (in ``scope``) has yet, or None.

        Firm names are unique nationwide, as the business registry requires; a public unit's
        only within its ward (every province has its "Trường Tiểu học Nguyễn Du"). A bitmap of
        CRC-32 bits stands in for a set of a million names (16 MB, not ~200 MB): a false "taken"
        only costs another draw, so names stay unique and the output reproducible. Firm names
        never run out; a ward's schools and clinics do.
        """
        for _ in range(tries):
            name = build()
            bit = zlib.crc32(f"{scope}{name}".encode()) & _NAME_BITS
            if not self.names_taken[bit >> 3] & (1 << (bit & 7)):
                self.names_taken[bit >> 3] |= 1 << (bit & 7)
                return name
        return None

    def _registered(self) -> int:
        """Registrations grow over time (density rises linearly); a few sit on period edges."""
        if self.r() < 0.01:
            return self.edges_start[int(self.r() * len(self.edges_start))]
        first = FIRST_REGISTRATION.toordinal()
        return first + int((self.until - 1 - first) * math.sqrt(self.r()))

    def _tax_code(self, p: ProvinceLayout) -> str:
        """Province prefix, a scrambled serial (a bijection on 7 digits) and the check digit."""
        while True:
            p.tax_serial += 1
            digits = f"{p.code}{(p.tax_serial * 3_645_917 + 1_234_567) % 10_000_000:07d}"
            weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
            total = sum(int(d) * k for d, k in zip(digits, weights, strict=True))
            if total % 11:  # a check value of 10 is never issued
                return f"{digits}{10 - total % 11}"

    def _grassroots(
        self,
        p: ProvinceLayout,
        tax: str,
        name: str,
        sector: str,
        kind: str,
        workers: int,
        female: int | None,
        status: str,
        registered: int,
        ward: int,
    ) -> None:
        r = self.r
        code = f"CDCS-{p.code}-{len(p.grassroots) + 1:06d}"
        base = registered or FIRST_REGISTRATION.toordinal()
        born = base + 30 + int(-365 * math.log(1.0 - r()))
        if born >= self.until:  # not organised yet
            return
        if r() < 0.03:  # founded on the first (or second) day of a judged period
            edge = self.edges_start[int(r() * len(self.edges_start))]
            born = edge if edge >= base else born
        end = 0
        if status == "dissolved" or r() < 0.03:
            first = max(born + 30, self.start - 730)
            end = self._between(first, self.until - 1) if first < self.until else 0
            edge = self.edges_end[int(r() * len(self.edges_end))]
            if end and r() < 0.2 and born < edge < self.until:
                end = edge
        old: Unit | None = None
        since = 0
        if sector == "public_unit":
            sup = p.sectors[kind]
        elif sector == "state" and r() < 0.6:
            sup = p.sectors[names.STATE_SECTOR_UNIONS[int(r() * 3)]]
        elif p.zone and (sector == "fdi" and r() < 0.75 or workers >= 50 and r() < 0.3):
            sup = p.zone
        else:
            sup, old, since = self._territorial(p, ward, born, end)
        members = max(min(workers, 5), int(workers * (0.55 + 0.45 * r())))
        if r() < 0.003:  # phantom members: more members than insured workers
            members = workers + 1 + int(r() * 5)
        share = female / workers if female is not None and workers else 0.5
        female_members = min(members, int(members * share * (0.9 + 0.2 * r()) + 0.5))
        x = r()
        committee = (
            None if x < 0.05 else self.yes_no[r() < (0.85 if female_members >= 10 else 0.15)]
        )
        c = self.cell
        p.grassroots.append(
            [
                code,
                f"Công đoàn cơ sở {name}",
                "grassroots_union",
                sup.code,
                tax,
                p.code,
                c[born],
                c[end],
                members,
                female_members,
                committee,
                c[since],
            ]
        )
        self._history(code, born, old, sup)
        # Members count where the union is now; a former district keeps its last count.
        count_members(
            ([] if end else [sup, p.federation]) + ([old] if old else []), members, female_members
        )
        share = female_members / members
        self._union_events(code, tax, born, end or NEVER, workers, sector, status, old, sup, share)
        reform = self.reform
        self.acts.grassroots(
            code, tax, born, end or NEVER, lambda day: old if old and day < reform else sup
        )
