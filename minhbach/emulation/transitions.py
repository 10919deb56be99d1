"""The registration state machine as a table (DOMAIN.md §10.3; states as in MISA CeGov).

``draft`` → ``submitted`` → ``approved`` or ``returned`` → ``submitted``. Services look the action
up here and refuse anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from minhbach.emulation.models import Proposal, Registration

State = Registration.State


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED),
    "approve": Transition(frozenset({State.SUBMITTED}), State.APPROVED),
    "return": Transition(frozenset({State.SUBMITTED}), State.RETURNED),
}


def allowed_actions(state: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if state in t.sources]


# The proposal state machine (DOMAIN.md §10.10): proposed → submitted_to_council → passed / failed
# → decided → revoked. The council's count moves a submitted proposal; only the Chủ tịch's
# decision makes it ``decided``; a revocation keeps the row and marks it.
P = Proposal.Status
PROPOSAL_TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({P.PROPOSED}), P.SUBMITTED),
    "pass": Transition(frozenset({P.SUBMITTED}), P.PASSED),
    "fail": Transition(frozenset({P.SUBMITTED}), P.FAILED),
    "decide": Transition(frozenset({P.PASSED}), P.DECIDED),
    "revoke": Transition(frozenset({P.DECIDED}), P.REVOKED),
}
