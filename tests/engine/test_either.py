"""Factoring shared conjuncts out of "violation OR at risk" never changes which units match."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compliance.vocabulary.conditions import All, AnyOf, Compare, IsNull, Node, either, holds

LEAVES: list[Node] = [
    Compare("a", "eq", True),
    Compare("b", "eq", False),
    Compare("n", "gte", 25),
    IsNull("d"),
    IsNull("d", expected=False),
]
nodes = st.recursive(
    st.sampled_from(LEAVES),
    lambda inner: (
        st.builds(lambda items: All(tuple(items)), st.lists(inner, min_size=1, max_size=3))
        | st.builds(lambda items: AnyOf(tuple(items)), st.lists(inner, min_size=1, max_size=3))
    ),
    max_leaves=6,
)
facts = st.fixed_dictionaries(
    {
        "a": st.sampled_from([True, False, None]),
        "b": st.sampled_from([True, False, None]),
        "n": st.sampled_from([None, 0, 24, 25, 100]),
        "d": st.sampled_from([None, "2026-01-01"]),
    }
)


@given(nodes, nodes, facts)
def test_either_matches_exactly_the_units_one_side_matches(first, second, unit) -> None:
    assert holds(either(first, second), unit) == (holds(first, unit) or holds(second, unit))


def test_the_shared_part_is_taken_out_once() -> None:
    union, lapsed, soon = Compare("a", "eq", True), Compare("b", "eq", False), IsNull("d")
    assert either(All((union, lapsed)), All((union, soon))) == All((union, AnyOf((lapsed, soon))))
    assert either(All((union,)), All((union, soon))) == All((union,))
