"""The dossier state machine as a table (DOMAIN.md §5.3; NĐ 61/2018/NĐ-CP Chương II–III).

Keys are actions; each names the (status, stage) pairs it may start from and the pair it leads
to. Services look the action up here and refuse anything else, so the legal sequence lives in
one place that can be read against the decree.
"""

from __future__ import annotations

from dataclasses import dataclass

from minhbach.dossiers.models import Dossier, Status

BEFORE = Dossier.Stage.BEFORE_ACCEPTANCE
AFTER = Dossier.Stage.AFTER_ACCEPTANCE
State = tuple[int, str]


@dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    form: str = ""  # role of the slip generated with it (DOMAIN.md §5.4)


def _s(*states: State) -> frozenset[State]:
    return frozenset(states)


# The states by portal number; status 5 carries its stage.
S1 = (Status.REGISTERED, "")
S2 = (Status.ACCEPTED, "")
S3 = (Status.REFUSED, "")
S4 = (Status.IN_PROGRESS, "")
S5_BEFORE = (Status.SUPPLEMENT_REQUESTED, BEFORE)
S5_AFTER = (Status.SUPPLEMENT_REQUESTED, AFTER)
S6 = (Status.FINANCIAL_OBLIGATION, "")
S7 = (Status.WITHDRAWN, "")
S8 = (Status.STOPPED, "")
S9 = (Status.FINISHED, "")
S10 = (Status.RETURNED, "")

TRANSITIONS: dict[str, Transition] = {
    #  action                        from                              to          form
    "accept":                    Transition(_s(S1, S5_BEFORE),           S2,        "receipt"),
    "request_supplement_before": Transition(_s(S1),                      S5_BEFORE, "supplement_request"),
    "refuse":                    Transition(_s(S1, S5_BEFORE),           S3,        "refusal"),
    "transfer":                  Transition(_s(S2),                      S4,        "control_slip"),
    "hand_over":                 Transition(_s(S4),                      S4,        "control_slip"),
    "request_supplement_after":  Transition(_s(S4),                      S5_AFTER,  "supplement_request"),
    "complete_supplement":       Transition(_s(S5_AFTER),                S4),
    "notify_obligation":         Transition(_s(S4),                      S6),
    "confirm_payment":           Transition(_s(S6),                      S4),
    "stop":                      Transition(_s(S4),                      S8),
    "finish":                    Transition(_s(S4),                      S9),
    "return_result":             Transition(_s(S9),                      S10),
    "withdraw":                  Transition(_s(S1, S2, S4, S5_BEFORE, S5_AFTER, S6), S7),
}  # fmt: skip

# The apology and new date (Mẫu 04) is an event on a dossier being handled, not a state.
EXTENSION_STATES: frozenset[State] = _s(S4, S5_AFTER, S6)
TERMINAL = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
PAUSED = _s(S5_AFTER, S6)


def allowed_actions(status: int, stage: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if (status, stage) in t.sources]
