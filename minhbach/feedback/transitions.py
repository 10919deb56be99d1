"""The feedback state machine as a table (DOMAIN.md §6.3; NĐ 20/2008/NĐ-CP; QĐ 31/2021/QĐ-TTg Điều 46).

Keys are actions; each names the states it may start from and the state it leads to. Services
look the action up here and refuse anything else.

``forward`` ends the item for the sending unit (``forwarded`` in its history) and puts it back in
``received`` at the competent unit, with the timers restarted from the transfer (§6.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from minhbach.feedback.models import State


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


def _s(*states: str) -> frozenset[str]:
    return frozenset(states)


TRANSITIONS: dict[str, Transition] = {
    "refuse":            Transition(_s(State.RECEIVED, State.INFO_REQUESTED), State.REFUSED),
    "request_info":      Transition(_s(State.RECEIVED), State.INFO_REQUESTED),
    "info_received":     Transition(_s(State.INFO_REQUESTED), State.HANDLING),
    "forward":           Transition(_s(State.RECEIVED), State.RECEIVED),
    "start_handling":    Transition(_s(State.RECEIVED, State.REOPENED), State.HANDLING),
    "submit_answer":     Transition(_s(State.HANDLING), State.AWAITING_APPROVAL),
    "approve":           Transition(_s(State.AWAITING_APPROVAL), State.AWAITING_PUBLICATION),
    "return_for_rework": Transition(_s(State.AWAITING_APPROVAL), State.HANDLING),
    "publish":           Transition(_s(State.AWAITING_PUBLICATION), State.PUBLISHED),
    "reopen":            Transition(_s(State.PUBLISHED), State.REOPENED),
}  # fmt: skip

TERMINAL = frozenset({State.REFUSED})


def allowed_actions(state: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if state in t.sources]
