"""The fact catalogue: every subject a rule can be about, with the facts it can ask.

A rule's condition names facts (``workers``, ``has_active_grassroots_union``); each is defined
once as a correlated SQL expression (``facts_<subject>`` modules). Bulk evaluation selects them
for a whole province in one statement; single-unit evaluation selects them for one unit and
hands them to durable-rules. Both read the same expressions, so a fact cannot mean two things.
"""

from __future__ import annotations

from compliance.vocabulary.facts_chair_election import CHAIR_ELECTION
from compliance.vocabulary.facts_complaint import COMPLAINT
from compliance.vocabulary.facts_enterprise import ENTERPRISE
from compliance.vocabulary.facts_fee_payment import FEE_PAYMENT
from compliance.vocabulary.facts_union import UNION
from compliance.vocabulary.subjects import Subject

# In this order: the order rules, documentation and the review UI list the subjects in.
SUBJECTS: dict[str, Subject] = {
    s.name: s for s in (ENTERPRISE, UNION, COMPLAINT, FEE_PAYMENT, CHAIR_ELECTION)
}


def union_owned() -> list[Subject]:
    """Subjects whose rows belong to a union through a column (complaints, chair elections):
    the union that handles one is found by reading that column."""
    return [s for s in SUBJECTS.values() if s.owner_table == "unions"]


def enterprise_owned() -> list[Subject]:
    """Subjects that stand for an enterprise (itself, its fee payments): its grassroots union
    handles them."""
    return [s for s in SUBJECTS.values() if "enterprises" in (s.table, s.owner_table)]


def addressable() -> list[Subject]:
    """Subjects a code names on its own (tax code, union code, complaint id…): a case file, a
    run for one unit. A fee payment is named by its enterprise's tax code and a period."""
    return [s for s in SUBJECTS.values() if s.row_period is None]
