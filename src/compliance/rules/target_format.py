"""The target file format: one aggregate target (chỉ tiêu) per YAML file under ``rules/targets/``.

A target names a *population* (the denominator: which units are counted) and a *measure* (the
numerator: what a unit must have or how much it adds), both from the catalogues below, so the
SQL behind them is written once (``compliance.targets.measures``) and a file cannot ask for a
number the registry cannot give. A target the registry holds no data for (houses built,
members admitted) says so with ``no_data`` instead of a measure: the scorecard then shows
"chưa có dữ liệu" rather than a made-up figure.

This module imports only the YAML line loader and pydantic: ``compliance.rules.validate``
calls :func:`check_target` for files with ``kind: target``; ``compliance.targets`` measures
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.formatting import did_you_mean
from compliance.registry.places import current_provinces
from compliance.rules.loader import line_of
from compliance.rules.schema_errors import schema_problems

MeasuredSubject = Literal["enterprise", "union", "complaint"]
Sector = Literal["state", "non_state", "fdi", "public_unit"]
UnionKind = Literal["grassroots_union", "guild", "direct_superior_union", "provincial_federation"]
Level = Literal["province", "direct_superior_union"]
Comparison = Literal[">=", ">", "<=", "=="]

SEED_DOCUMENTS = (
    "000_14c18d3c2f2feb98.txt",
    "001_ada2efa7766d421e.txt",
    "003_bfdd288f7f0b5cf7.txt",
    "004_61b455b33068824b.txt",
)


@dataclass(frozen=True)
class PopulationSpec:
    subject: MeasuredSubject
    periodic: bool  # counted over a year (units active the whole year, events in it)
    text: str  # Vietnamese: what the denominator is


@dataclass(frozen=True)
class MeasureSpec:
    subject: MeasuredSubject | None  # None: any subject (``counted``)
    periodic: bool
    text: str  # Vietnamese: what the numerator counts


POPULATIONS: dict[str, PopulationSpec] = {
    "enterprises_25_workers": PopulationSpec(
        "enterprise", False, "doanh nghiệp đang hoạt động có từ 25 lao động trở lên"
    ),
    "enterprises_with_union": PopulationSpec(
        "enterprise", False, "doanh nghiệp đang hoạt động có công đoàn cơ sở đang hoạt động"
    ),
    "enterprises_with_union_whole_year": PopulationSpec(
        "enterprise", True, "doanh nghiệp hoạt động cả năm có công đoàn cơ sở hoạt động cả năm"
    ),
    "enterprises_whole_year": PopulationSpec("enterprise", True, "doanh nghiệp hoạt động cả năm"),
    "enterprises_with_workers": PopulationSpec(
        "enterprise", False, "người lao động của các doanh nghiệp đang hoạt động"
    ),
    "member_unions": PopulationSpec(
        "union", False, "công đoàn cơ sở và nghiệp đoàn đang hoạt động"
    ),
    "grassroots_unions_with_enterprise": PopulationSpec(
        "union", False, "công đoàn cơ sở đang hoạt động gắn với doanh nghiệp"
    ),
    "unions_whole_year": PopulationSpec("union", True, "công đoàn hoạt động cả năm"),
    "grassroots_unions_founded": PopulationSpec(
        "union", True, "công đoàn cơ sở thành lập trong năm"
    ),
    "complaints_accepted": PopulationSpec(
        "complaint", True, "đơn thư khiếu nại, tố cáo được thụ lý trong năm"
    ),
}

MEASURES: dict[str, MeasureSpec] = {
    "has_grassroots_union": MeasureSpec("enterprise", False, "có công đoàn cơ sở đang hoạt động"),
    "agreement_in_force": MeasureSpec(
        "enterprise", False, "có thỏa ước lao động tập thể còn hiệu lực"
    ),
    "workers_conference_held": MeasureSpec(
        "enterprise", True, "tổ chức hội nghị người lao động trong năm"
    ),
    "dialogue_held": MeasureSpec("enterprise", True, "tổ chức đối thoại trong năm"),
    "organised_workers": MeasureSpec(
        "enterprise", False, "người lao động là đoàn viên (không tính phần vượt số lao động)"
    ),
    "members": MeasureSpec("union", False, "đoàn viên"),
    "phantom_members": MeasureSpec(
        "union", False, "có số đoàn viên nhiều hơn số lao động của doanh nghiệp"
    ),
    "rated_good": MeasureSpec(
        "union", True, "xếp loại “hoàn thành tốt nhiệm vụ” trở lên trong năm"
    ),
    "inspected_by_federation": MeasureSpec(
        "union", True, "được Liên đoàn Lao động tỉnh kiểm tra tài chính hoặc Điều lệ trong năm"
    ),
    "same_level_finance_inspection": MeasureSpec(
        "union", True, "tự kiểm tra tài chính cùng cấp trong năm"
    ),
    "finance_inspected_by_superior": MeasureSpec(
        "union", True, "được công đoàn cấp trên kiểm tra tài chính trong năm"
    ),
    "charter_inspected_by_superior": MeasureSpec(
        "union", True, "được công đoàn cấp trên kiểm tra, giám sát chấp hành Điều lệ trong năm"
    ),
    "housing_handovers": MeasureSpec(
        "union", True, "căn nhà “Mái ấm Công đoàn” bàn giao trong năm (sự kiện housing_handover)"
    ),
    "resolved": MeasureSpec("complaint", False, "đã được giải quyết"),
    "counted": MeasureSpec(None, False, "đơn vị"),
}
SUM_MEASURES = frozenset(
    {"members", "organised_workers", "housing_handovers"}
)  # add amounts, not units


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    document: str = Field(description="Seed document file name, e.g. 000_14c18d3c2f2feb98.txt.")
    section: str = Field(description="Section of the document, e.g. II.1.")
    quote: str = Field(description="The sentence of the document the target comes from.")


class PlaceRef(_Strict):
    code: str = Field(pattern=r"^\d{2}$", description="Two-digit province code.")
    name: str


class ProvinceRef(PlaceRef):
    """The province of today (2025 list); ``original`` the unit the document was written for."""

    original: PlaceRef | None = Field(
        default=None, description="The pre-2025 province the document names (Bến Tre → 86)."
    )


class Population(_Strict):
    name: str = Field(description=f"One of: {', '.join(POPULATIONS)}.")
    sectors: list[Sector] = Field(default=[], description="Enterprise sectors (empty: all).")
    union_kinds: list[UnionKind] = Field(default=[], description="Union kinds (empty: all).")


class Gap(_Strict):
    noun: str = Field(description="What the gap counts, Vietnamese: 'doanh nghiệp'.")
    action: str = Field(description="What they must do: 'ký thỏa ước lao động tập thể'.")


class Target(_Strict):
    kind: Literal["target"]
    id: str = Field(pattern=r"^target\.[a-z_]+\.[a-z_]+\.\d{4}(\.[a-z0-9_]+)?$")
    title: str = Field(description="Vietnamese title.")
    issuer: str = Field(description="The body that set the target, Vietnamese.")
    province: ProvinceRef
    levels: list[Level] = Field(default=["province"], min_length=1)
    year: int = Field(ge=2000, le=2100, description="The year the target is due.")
    yearly: bool = Field(default=False, description="Owed every year up to ``year`` (hàng năm).")
    population: Population | None = None
    measure: str | None = Field(default=None, description=f"One of: {', '.join(MEASURES)}.")
    unit: Literal["percent", "count"]
    comparison: Comparison
    threshold: float = Field(ge=0)
    waiver_rule: str | None = Field(
        default=None, description="Per-unit rule whose waived tasks leave the measure."
    )
    gap: Gap
    no_data: str | None = Field(
        default=None, description="Why the registry cannot measure this target (Vietnamese)."
    )
    note: str | None = Field(default=None, description="A caveat shown with the figure.")
    source: Source

    @property
    def periodic(self) -> bool:
        population = POPULATIONS.get(self.population.name) if self.population else None
        measure = MEASURES.get(self.measure or "")
        return bool(population and population.periodic or measure and measure.periodic)

    @property
    def deadline(self) -> dt.date:
        return dt.date(self.year, 12, 31)


def check_target(data: Any) -> tuple[Target | None, list[tuple[int, str]]]:
    """The target in ``data`` (a line-keeping mapping) and every ``(line, message)`` problem."""
    try:
        target = Target.model_validate(data)
    except ValidationError as exc:
        return None, schema_problems(data, exc, Target)
    problems: list[tuple[int, str]] = []

    def refuse(path: Sequence[str | int], message: str) -> None:
        problems.append((line_of(data, path), message))

    if target.source.document not in SEED_DOCUMENTS:
        refuse(("source", "document"), f"không có văn bản nguồn '{target.source.document}'"
               f"{did_you_mean(target.source.document, SEED_DOCUMENTS)}")  # fmt: skip
    provinces = current_provinces()
    if target.province.code not in provinces:
        refuse(("province", "code"), f"không có mã tỉnh '{target.province.code}'")
    elif provinces[target.province.code] != target.province.name:
        written = provinces[target.province.code]
        refuse(("province", "name"), f"tỉnh mã {target.province.code} là "
               f"'{written}', không phải '{target.province.name}'")  # fmt: skip
    if target.no_data is not None:
        if target.measure or target.population:
            refuse(("no_data",), "chỉ tiêu có no_data thì không ghi measure hay population")
        return (target if not problems else None), problems
    if target.measure is None or target.population is None:
        refuse(("kind",), "chỉ tiêu cần có 'measure' và 'population' (hoặc 'no_data')")
        return None, problems
    population = POPULATIONS.get(target.population.name)
    measure = MEASURES.get(target.measure)
    if population is None:
        name = target.population.name
        refuse(
            ("population", "name"),
            f"không có nhóm đối tượng (population) '{name}'{did_you_mean(name, POPULATIONS)}",
        )
    if measure is None:
        refuse(("measure",), f"không có thước đo (measure) '{target.measure}'"
               f"{did_you_mean(target.measure, MEASURES)}")  # fmt: skip
    if population and measure and measure.subject not in (None, population.subject):
        refuse(("measure",), f"thước đo '{target.measure}' đếm {measure.subject}, "
               f"còn nhóm '{target.population.name}' gồm {population.subject}")  # fmt: skip
    if population and target.population.sectors and population.subject == "complaint":
        refuse(("population", "sectors"), "sectors không áp dụng cho đơn thư (complaint)")
    if target.unit == "percent" and target.threshold > 100:
        refuse(("threshold",), f"tỷ lệ phần trăm tối đa là 100 (đang ghi {target.threshold})")
    if target.unit == "percent" and target.measure == "members":
        refuse(("unit",), "members là số lượng: unit phải là 'count'")
    if (
        "direct_superior_union" in target.levels
        and target.unit == "count"
        and (target.comparison in (">=", ">"))
    ):
        refuse(("levels",), "chỉ tiêu số lượng chỉ đặt cho cấp tỉnh; "
               "hãy bỏ 'direct_superior_union' khỏi levels")  # fmt: skip
    return (target if not problems else None), problems
