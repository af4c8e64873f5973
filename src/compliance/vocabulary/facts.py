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
