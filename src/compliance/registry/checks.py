"""Keys, references, loops and moves: the checks a delivery passes against itself and the database.

Each check drops the offending rows from their staged table and reports them (file, row, column,
code); the importer decides whether any drop refuses the whole delivery.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from compliance.registry import store
from compliance.registry.contract import TABLES_BY_NAME, Table
from compliance.registry.cycles import find_loops
from compliance.registry.issues import ImportReport, Issue, Severity
from compliance.registry.staging import Rejects, Staged


def _drop(
    staged: Staged,
    position: int,
    code: str,
    column: str | None,
    report: ImportReport,
    rejects: Rejects,
    **params: Any,
) -> None:
    if position in staged.dropped and code == "row.duplicate_key":
        return
    issue = Issue.make(
        code,
        file=staged.source.label,
        row=staged.numbers[position],
        column=column,
        table=staged.table.name,
        **params,
    )
    report.issues.append(issue)
    rejects.add(issue, dict(zip(staged.columns, staged.rows[position], strict=True)))
    staged.dropped.add(position)


def _key_text(table: Table, key: tuple[Any, ...]) -> str:
    return ", ".join(
        f"{c}={v if v is not None else ''}" for c, v in zip(table.key, key, strict=True)
    )


def check_duplicates(
    staged: Staged, report: ImportReport, rejects: Rejects, skip_bad_rows: bool
) -> None:
    """A key twice in one delivery is ambiguous: report every repeat; skipping drops them all."""
    keys = staged.keys()
    if len(set(keys)) == len(keys):
        return  # the common case, decided in C: no key repeats
    first: dict[tuple[Any, ...], int] = {}
    for position, key in enumerate(keys):
        if key not in first:
            first[key] = position
            continue
        original = first[key]
        text = _key_text(staged.table, key)
        _drop(
            staged,
            position,
            "row.duplicate_key",
            None,
            report,
            rejects,
            key=text,
            other_row=staged.numbers[original],
        )
        if skip_bad_rows and original not in staged.dropped:
            _drop(
                staged,
                original,
                "row.duplicate_key",
                None,
                report,
                rejects,
                key=text,
                other_row=staged.numbers[position],
            )


def check_overlaps(staged: Staged, report: ImportReport, rejects: Rejects) -> None:
    code_at, start_at, end_at = (
        staged.position(c) for c in ("union_code", "valid_from", "valid_until")
    )
    by_union: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(staged.rows):
        if position not in staged.dropped:
            by_union[row[code_at]].append(position)
    lowest, highest = dt.date.min, dt.date.max
    for positions in by_union.values():
        spans = sorted(
            (staged.rows[p][start_at] or lowest, staged.rows[p][end_at] or highest, p)
            for p in positions
        )
        for (_, end, before), (start, _, after) in zip(spans, spans[1:], strict=False):
            if start < end:
                _drop(
                    staged,
                    after,
                    "row.overlapping_history",
                    "valid_from",
                    report,
                    rejects,
                    other_row=staged.numbers[before],
                )


def check_references(
    conn: Connection,
    staged: list[Staged],
    report: ImportReport,
    rejects: Rejects,
    skip_bad_rows: bool,
) -> None:
    """Every code a row names must exist, in this delivery or in the database.

    A row that names a rejected row of this delivery is rejected too when skipping, so what is
    written never points nowhere; tables are handled parents first, and unions (which point at
    unions) until nothing more drops.
    """
    by_name = {s.table.name: s for s in staged}
    stored_cache: dict[str, set[str]] = {}
    parents: dict[str, tuple[int, set[str], set[str]]] = {}  # per parent, per len(dropped)
    for table_staged in staged:
        refs = [
            c for c in table_staged.table.columns if c.references and c.name in table_staged.columns
        ]
        changed = True
        while changed:
            changed = False
            for column in refs:
                tables = [by_name.get(name) for name in column.references]
                delivered: set[str] = set()
                rejected_in_delivery: set[str] = set()
                for name, parent in zip(column.references, tables, strict=True):
                    keys, rejected = _parent_keys(parent, TABLES_BY_NAME[name].key[0], parents)
                    delivered |= keys
                    rejected_in_delivery |= rejected
                at = table_staged.position(column.name)
                wanted = _live_values(table_staged, at) - delivered
                missing = _stored_nowhere(conn, column.references, wanted, stored_cache)
                if not missing:
                    continue
                parent_text = " hoặc ".join(column.references)
                for position, row in enumerate(table_staged.rows):
                    value = row[at]
                    if position in table_staged.dropped or value not in missing:
                        continue
                    if value in rejected_in_delivery:
                        if not skip_bad_rows:
                            continue  # the parent row's own error is already reported
                        _drop(
                            table_staged,
                            position,
                            "row.rejected_parent",
                            column.name,
                            report,
                            rejects,
                            parent=parent_text,
                            value=value,
                        )
                    else:
                        _drop(
                            table_staged,
                            position,
                            "row.dangling_reference",
                            column.name,
                            report,
                            rejects,
                            value=value,
                            parent=parent_text,
                        )
                    # a union dropped may orphan another union: go round again
                    changed = changed or any(p is table_staged for p in tables)


def _stored_nowhere(
    conn: Connection, parents: tuple[str, ...], wanted: set[str], cache: dict[str, set[str]]
) -> set[str]:
    """The codes of ``wanted`` that no parent table stores; each table is asked once a code."""
    missing = set(wanted)
    for name in parents:
        known = cache.setdefault(name, set())
        if unknown := missing - known:
            key = TABLES_BY_NAME[name].key[0]
            known.update(store.existing_keys(conn, name, key, unknown))
        missing -= known
    return missing


def _parent_keys(
    parent: Staged | None, key: str, memo: dict[str, tuple[int, set[str], set[str]]]
) -> tuple[set[str], set[str]]:
    """The parent table's delivered keys and its rejected ones: built once per parent (the
    enterprises are the parent of six tables) and again only when rows were dropped since."""
    if parent is None:
        return set(), set()
    name = parent.table.name
    known = memo.get(name)
    if known is not None and known[0] == len(parent.dropped):
        return known[1], known[2]
    keys = parent.column(key)
    rejected = set(parent.invalid_keys)
    if parent.dropped:
        delivered: set[str] = set()
        for position, value in enumerate(keys):
            (rejected if position in parent.dropped else delivered).add(value)
    else:
        delivered = set(keys)
    memo[name] = (len(parent.dropped), delivered, rejected)
    return delivered, rejected


def _live_values(staged: Staged, at: int) -> set[Any]:
    """The values of column ``at`` in the rows not dropped, but None."""
    column = staged.data[at]
    if staged.dropped:
        values = {v for i, v in enumerate(column) if i not in staged.dropped}
    else:
        values = set(column)
    values.discard(None)
    return values


def check_cycles(
    conn: Connection,
    staged: list[Staged],
    report: ImportReport,
    rejects: Rejects,
    skip_bad_rows: bool,
) -> None:
    """No union may end up above itself, with the delivery's superiors over the stored ones.

    Only stored links reachable upwards from the delivered unions are read. When skipping, the
    rows in a loop are dropped (their stored superiors come back) until no loop is left.
    """
    by_name = {s.table.name: s for s in staged}
    history = by_name.get("union_hierarchy")
    if history is not None:
        _check_history_cycles(history, report, rejects)
    stored: dict[str, str | None] = {}
    while True:
        delivered = _delivered_superiors(by_name)
        if not delivered:
            return
        graph = {**stored, **{code: superior for code, (superior, _, _) in delivered.items()}}
        wanted = {code for code in graph.values() if code is not None and code not in graph}
        while wanted:
            found = store.stored_superiors(conn, wanted)
            for code in wanted:
                graph[code] = stored[code] = found.get(code)
            wanted = {c for c in found.values() if c is not None and c not in graph}
        loops = find_loops(graph, sorted(delivered))
        if not loops:
            return
        for loop in loops:
            text = " → ".join(loop)
            for code in loop[:-1]:
                if code in delivered:
                    _, table_staged, position = delivered[code]
                    _drop(
                        table_staged,
                        position,
                        "row.superior_cycle",
                        "superior_code",
                        report,
                        rejects,
                        loop=text,
                    )
        if not skip_bad_rows:
            return  # refused: every loop is reported
        # Skipping: the dropped rows' stored superiors apply again, which may close a loop.


def _delivered_superiors(by_name: dict[str, Staged]) -> dict[str, tuple[str | None, Staged, int]]:
    """Union → (superior, staged table, position) as the delivery sets it today: the unions'
    ``superior_code``, overridden by an open-ended span of an explicit history."""
    result: dict[str, tuple[str | None, Staged, int]] = {}
    unions = by_name.get("unions")
    if unions is not None and "superior_code" in unions.columns:
        code_at, superior_at = unions.position("code"), unions.position("superior_code")
        for position, row in enumerate(unions.rows):
            if position not in unions.dropped:
                result[row[code_at]] = (row[superior_at], unions, position)
    history = by_name.get("union_hierarchy")
    if history is not None:
        code_at, superior_at = history.position("union_code"), history.position("superior_code")
        until_at = history.position("valid_until")
        for position, row in enumerate(history.rows):
            if position not in history.dropped and row[until_at] is None:
                result[row[code_at]] = (row[superior_at], history, position)
    return result


def _check_history_cycles(history: Staged, report: ImportReport, rejects: Rejects) -> None:
    """No loop on any day among the delivered spans.

    A loop in force on some day is in force on the latest start day of its spans, so walking up
    from each span on its own start day finds every loop (from that latest span): about the
    hierarchy's depth in steps per span.
    """
    code_at, superior_at = history.position("union_code"), history.position("superior_code")
    from_at, until_at = history.position("valid_from"), history.position("valid_until")
    spans: dict[str, list[tuple[dt.date, dt.date, str | None, int]]] = defaultdict(list)
    for position, row in enumerate(history.rows):
        if position not in history.dropped:
            spans[row[code_at]].append(
                (
                    row[from_at] or dt.date.min,
                    row[until_at] or dt.date.max,
                    row[superior_at],
                    position,
                )
            )

    def above(code: str, day: dt.date) -> tuple[str | None, int] | None:
        for start, until, superior, position in spans.get(code, ()):
            if start <= day < until:
                return superior, position
        return None

    reported: set[int] = set()
    for code, own in spans.items():
        for day, _, superior, position in own:
            chain, links, node = [code], [position], superior
            while node is not None and node not in chain:
                step = above(node, day)
                if step is None:
                    break
                chain.append(node)
                links.append(step[1])
                node = step[0]
            if node != code or reported.issuperset(links):
                continue  # no loop, or one through another span's latest start
            text = " → ".join([*chain, code])
            if day > dt.date.min:
                text += f" (ngày {day:%d/%m/%Y})"
            for link in links:
                if link not in reported:
                    reported.add(link)
                    _drop(
                        history,
                        link,
                        "row.superior_cycle",
                        "superior_code",
                        report,
                        rejects,
                        loop=text,
                    )


def check_moves(
    conn: Connection,
    staged: list[Staged],
    report: ImportReport,
    rejects: Rejects,
    correction: bool,
) -> None:
    """A delivered event id that is stored under another unit is refused, unless a correction.

    Ids of inspections, reviews, complaints… are unique only within the system that issued them:
    another province's ``LV0000001`` is another review, and an upsert would silently move the
    stored one to the other province's union. With ``correction`` the move is what the
    operator asked for, and it is reported as a warning.
    """
    for table_staged in staged:
        table = table_staged.table
        owners = [c.name for c in table.columns if c.references and c.name in table_staged.columns]
        if table.key != ("id",) or not owners or not store.count_rows(conn, table.name):
            continue
        ids = table_staged.column("id")
        owned = [table_staged.column(c) for c in owners]
        live = [p for p in range(len(ids)) if p not in table_staged.dropped]
        stored = store.stored_columns(conn, table.name, "id", owners, (ids[p] for p in live))
        if not stored:
            continue
        for position in live:
            before = stored.get(ids[position])
            if before is None:
                continue
            for column, old, values in zip(owners, before, owned, strict=True):
                if old == values[position]:
                    continue
                params = {"key": ids[position], "stored": old, "value": values[position]}
                if correction:
                    report.issues.append(
                        Issue.make(
                            "row.moved_existing",
                            file=table_staged.source.label,
                            row=table_staged.numbers[position],
                            column=column,
                            table=table.name,
                            severity=Severity.WARNING,
                            **params,
                        )
                    )
                else:
                    _drop(
                        table_staged,
                        position,
                        "row.moves_existing",
                        column,
                        report,
                        rejects,
                        **params,
                    )
                break
