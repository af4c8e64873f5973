"""Seeded demo registries in the exchange format (../shared/registry-format.md).

Realistic enough that a reviewer recognises the country (the 34 provinces and 3,321 wards of
2025, heavy-tailed enterprise sizes, district federations abolished on 1/7/2025), large enough
to benchmark the product at national scale, and byte-for-byte reproducible from a seed: one
``random.Random`` is drawn in a fixed order. Each of the eight per-unit rules of the format, and
the two extension rules fed by ``party_introductions`` and ``chair_elections``, meets both
compliant and violating units "as of" ``until``, some sitting on period boundaries.

Dates are day ordinals inside the generator, because int arithmetic is what keeps a million
enterprises within a minute; ``cell[ordinal]`` is the finished cell, and ordinal 0 is empty.
Writing the files is :mod:`output`'s job; words and shares are :mod:`names`'; each union's event
history is :mod:`events`'; the open ``events`` table is :mod:`open_events`' (a stream of its
own); the options and the dates the history turns on are :mod:`options`;
the hierarchy and enterprises are laid out by :mod:`builder`.
"""

from __future__ import annotations

from pathlib import Path

from compliance.generate import output as out
from compliance.generate.builder import Generator
from compliance.generate.names import PROVINCE_WEIGHTS
from compliance.generate.options import (
    DISTRICT_DISSOLVED_ON,
    GENERATED_TABLES,
    REFORM,
    GenerateOptions,
    GenerateResult,
)
from compliance.generate.output import Progress
from compliance.registry.contract import TABLES_BY_NAME

__all__ = [
    "DISTRICT_DISSOLVED_ON",
    "GENERATED_TABLES",
    "REFORM",
    "GenerateOptions",
    "GenerateResult",
    "generate_registry",
    "province_codes",
]


def province_codes() -> tuple[str, ...]:
    """The 34 two-digit province codes of 2025, in code order."""
    return tuple(sorted(PROVINCE_WEIGHTS))


def generate_registry(
    folder: Path, options: GenerateOptions, progress: Progress | None = None
) -> GenerateResult:
    """Write one file per contract table into ``folder`` (created if missing).

    ``progress(table, rows_done)`` is called every ~10,000 rows of a table and once at its end.
    Raises ``ValueError`` for an unknown province code or impossible sizes.
    """
    if options.enterprises < 0 or options.years < 1 or options.fee_months < 0:
        raise ValueError("enterprises and fee_months must be ≥ 0 and years ≥ 1")
    chosen = sorted({f"{int(c):02d}" if c.isdigit() else c for c in options.provinces})
    if unknown := [c for c in chosen if c not in PROVINCE_WEIGHTS]:
        valid = ", ".join(province_codes())
        raise ValueError(f"không có mã tỉnh {', '.join(unknown)}; các mã hợp lệ: {valid}")
    folder.mkdir(parents=True, exist_ok=True)
    sinks = {t: out.Sink(folder, TABLES_BY_NAME[t], options, progress) for t in GENERATED_TABLES}
    try:
        Generator(options, sinks).run(chosen or list(province_codes()))
    finally:
        for sink in sinks.values():
            sink.close()
    return GenerateResult(folder, {name: sink.rows for name, sink in sinks.items()})
