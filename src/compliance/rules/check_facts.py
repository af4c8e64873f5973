"""Meaning of a rule's own facts (``facts:``): tables, columns, values and periods that exist, as
``FILE:LINE`` problems in Vietnamese with a suggestion — never a traceback.

The shape (keys, their types) is pydantic's (``model.DefinedFact``); here is what needs the
registry contract and the rule around it: the table and every column it names exist, ``match``
ties two columns of the same type, ``of`` is there when the aggregate needs it (a number for
``sum``), ``where`` values fit their columns, a name does not hide a fact of the subject, and
``during: period`` sits in a rule that has a period.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from compliance.formatting import did_you_mean
from compliance.rules import model
from compliance.rules.loaded import Problem
from compliance.rules.loader import line_of
from compliance.vocabulary import defined
from compliance.vocabulary.defined import NEEDS_OF, NUMERIC, Aggregate, During
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind
from compliance.vocabulary.subjects import FactType

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TYPE_VI = {
    FactType.INT: "số nguyên",
    FactType.FLOAT: "số",
    FactType.BOOL: "true/false",
    FactType.DATE: "ngày (YYYY-MM-DD)",
    FactType.TEXT: "chữ",
}
AGGREGATES = ", ".join(a.value for a in Aggregate)


def fits(value: Any, type_: FactType) -> bool:
    """Whether a YAML value can be compared with a column of this type."""
    if type_ is FactType.BOOL:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if type_ is FactType.INT:
        return isinstance(value, int)
    if type_ is FactType.FLOAT:
        return isinstance(value, int | float)
    if type_ is FactType.DATE:
        if isinstance(value, dt.date):
            return True
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    return isinstance(value, str)


class _Checker:
    """The problems of one rule's ``facts:``, each located by its key's line."""

    def __init__(self, path: Path, data: Any, rule: model.Rule) -> None:
        self.path, self.data, self.rule = path, data, rule
        self.problems: list[Problem] = []

    def add(self, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.path, line_of(self.data, ("facts", *where)), message))

    def check(self, name: str, entry: model.DefinedFact) -> None:
        subject = SUBJECTS[self.rule.applies_to.subject]
        if not NAME.match(name):
            self.add((name,), f"tên dữ kiện '{name}' chỉ gồm chữ thường a-z, số và '_'.")
        if name in subject.facts:
            self.add(
                (name,),
                f"dữ kiện '{name}' trùng tên dữ kiện có sẵn của {subject.label_vi}; hãy đặt tên "
                "khác (hoặc dùng luôn dữ kiện có sẵn).",
            )
        given = entry.aggregates()
        if not given:
            self.add((name,), f"dữ kiện '{name}' cần đúng một phép tổng hợp: {AGGREGATES}.")
            return
        for extra, _ in given[1:]:
            self.add(
                (name, extra.value),
                f"dữ kiện '{name}' chỉ được có một phép tổng hợp (đã có '{given[0][0].value}'); "
                f"hãy bỏ '{extra.value}'.",
            )
        aggregate, table = given[0]
        known = defined.tables()
        if table not in known:
            self.add(
                (name, aggregate.value),
                f"không có bảng '{table}' trong sổ đăng ký{did_you_mean(table, known)}",
            )
            return
        columns = defined.columns(table)
        self._of(name, entry, aggregate, table, columns)
        self._match(name, entry, table, columns, subject.table)
        for column, raw in entry.where.items():
            self._where(name, table, columns, column, raw)
        self._during(name, entry, table, columns)

    def _column(
        self, where: tuple[str | int, ...], table: str, columns: dict[str, FactType], column: str
    ) -> FactType | None:
        if column in columns:
            return columns[column]
        self.add(where, f"bảng '{table}' không có cột '{column}'{did_you_mean(column, columns)}")
        return None

    def _of(
        self,
        name: str,
        entry: model.DefinedFact,
        aggregate: Aggregate,
        table: str,
        columns: dict[str, FactType],
    ) -> None:
        if aggregate not in NEEDS_OF:
            if entry.of is not None:
                self.add((name, "of"), f"'of' chỉ dùng với sum, min, max, không với {aggregate}.")
            return
        if entry.of is None:
            self.add(
                (name, aggregate.value),
                f"'{aggregate}' cần 'of': cột của bảng '{table}' được tính "
                f"(có: {', '.join(columns)}).",
            )
            return
        type_ = self._column((name, "of"), table, columns, entry.of)
        if type_ is None:
            return
        if aggregate is Aggregate.SUM and type_ not in NUMERIC:
            numbers = [c for c, t in columns.items() if t in NUMERIC]
            self.add(
                (name, "of"),
                f"'sum' cần một cột số, cột '{entry.of}' là {TYPE_VI[type_]}"
                + (f" (cột số của '{table}': {', '.join(numbers)})." if numbers else "."),
            )
        elif type_ is FactType.BOOL:
            self.add((name, "of"), f"'{aggregate}' không dùng được với cột true/false '{entry.of}'")

    def _match(
        self,
        name: str,
        entry: model.DefinedFact,
        table: str,
        columns: dict[str, FactType],
        subject_table: str,
    ) -> None:
        if not entry.match:
            self.add(
                (name, "match"),
                f"'match' cần ít nhất một cặp cột_của_{table}: cột_của_đối_tượng.",
            )
        subject_columns = defined.columns(subject_table)
        for mine, theirs in entry.match.items():
            where = (name, "match", mine)
            mine_type = self._column(where, table, columns, mine)
            theirs_type = subject_columns.get(theirs)
            if theirs_type is None:
                self.add(
                    where,
                    f"'match': đối tượng ({subject_table}) không có cột '{theirs}'"
                    f"{did_you_mean(theirs, subject_columns)}",
                )
            elif mine_type is not None and mine_type is not theirs_type:
                self.add(
                    where,
                    f"'match': cột '{mine}' ({TYPE_VI[mine_type]}) và cột '{theirs}' "
                    f"({TYPE_VI[theirs_type]}) khác kiểu, không so khớp được.",
                )

    def _where(
        self, name: str, table: str, columns: dict[str, FactType], column: str, raw: Any
    ) -> None:
        where = (name, "where", column)
        type_ = self._column(where, table, columns, column)
        if type_ is None:
            return
        if isinstance(raw, list) and not raw:
            self.add(where, "danh sách giá trị trống; hãy ghi ít nhất một giá trị.")
        if isinstance(raw, dict) and not raw:
            self.add(where, f"hãy ghi một phép so sánh: {', '.join(defined.COMPARISONS)}.")
        for test in defined.where_tests(raw):
            located = (*where, test.op) if isinstance(raw, dict) else where
            if test.op not in ("eq", "in", *defined.COMPARISONS):
                self.add(
                    located,
                    f"phép so sánh '{test.op}' không có (dùng {', '.join(defined.COMPARISONS)})"
                    f"{did_you_mean(test.op, defined.COMPARISONS)}",
                )
                continue
            if type_ is FactType.BOOL and test.op in ("gte", "gt", "lte", "lt"):
                self.add(located, f"cột true/false '{column}' không so sánh lớn/nhỏ được.")
            values = test.value if test.op == "in" else (test.value,)
            for value in values:
                self._value(located, table, column, type_, value)

    def _value(
        self, where: tuple[str | int, ...], table: str, column: str, type_: FactType, value: Any
    ) -> None:
        parameters = self.rule.parameters
        if value in defined.DAYS:
            if type_ is not FactType.DATE:
                self.add(where, f"'{value}' là một ngày, cột '{column}' là {TYPE_VI[type_]}.")
            elif value != "$as_of" and self.rule.period is PeriodKind.NONE:
                self.add(where, f"'{value}' cần quy tắc có kỳ (period: month, quarter, year).")
            return
        if isinstance(value, str) and value.startswith("$"):
            if value[1:] not in parameters:
                self.add(
                    where,
                    f"không có tham số '{value}'"
                    f"{did_you_mean(value, [*(f'${p}' for p in parameters), *defined.DAYS])}",
                )
                return
            value = parameters[value[1:]].default
            if not fits(value, type_):
                self.add(
                    where,
                    f"tham số có giá trị {value!r}, không so với cột '{column}' "
                    f"({TYPE_VI[type_]}) được.",
                )
            return
        if isinstance(value, list | dict):
            self.add(where, "giá trị phải là một giá trị đơn (danh sách chỉ ở ngay sau cột).")
            return
        if not fits(value, type_):
            self.add(
                where,
                f"giá trị {value!r} không so với cột '{column}' ({TYPE_VI[type_]}) được.",
            )
            return
        allowed = defined.choices(table, column)
        if allowed and value not in allowed:
            self.add(
                where,
                f"cột '{column}' không có giá trị '{value}' (có: {', '.join(allowed)})"
                f"{did_you_mean(str(value), allowed)}",
            )

    def _during(
        self, name: str, entry: model.DefinedFact, table: str, columns: dict[str, FactType]
    ) -> None:
        if entry.during is During.PERIOD and self.rule.period is PeriodKind.NONE:
            self.add(
                (name, "during"),
                "'during: period' cần quy tắc có kỳ (period: month, quarter hoặc year); hãy "
                "dùng during: as_of hoặc ever.",
            )
        explicit = (
            isinstance(self.data.get("facts", {}).get(name), dict)
            and "date" in (self.data["facts"][name])
        )
        if entry.during is During.EVER and not explicit:
            return
        dates = [c for c, t in columns.items() if t is FactType.DATE]
        type_ = columns.get(entry.date)
        if type_ is None:
            self.add(
                (name, "date") if explicit else (name, "during"),
                f"bảng '{table}' không có cột ngày '{entry.date}'"
                f"{did_you_mean(entry.date, dates)}"
                + (f" (cột ngày: {', '.join(dates)}; ghi date: …)." if dates else "."),
            )
        elif type_ is not FactType.DATE:
            self.add(
                (name, "date"),
                f"cột '{entry.date}' không phải cột ngày ({TYPE_VI[type_]})"
                + (f"; cột ngày của '{table}': {', '.join(dates)}." if dates else "."),
            )


def check_facts(path: Path, data: Any, rule: model.Rule) -> list[Problem]:
    checker = _Checker(path, data, rule)
    for name, entry in rule.facts.items():
        checker.check(name, entry)
    return checker.problems
