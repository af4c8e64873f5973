"""Loops in a superior relation: a union above itself, directly or through others.

A loop is never real (the hierarchy is a tree under the national confederation), and once
stored it sends escalations round it forever, so an import that would create one is refused
with the loop spelled out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_loops(superior: Mapping[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """Every loop reachable upwards from ``starts``, once each, as ``[a, b, …, a]``.

    Linear in the unions walked: each is visited once across all starts.
    """
    done: set[str] = set()
    loops: list[list[str]] = []
    for start in starts:
        path: list[str] = []
        where: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in where:
            where[node] = len(path)
            path.append(node)
            node = superior.get(node)
        if node is not None and node in where:
            loops.append([*path[where[node] :], node])
        done.update(path)
    return loops
