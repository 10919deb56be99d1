"""Due rules of the register as data (DOMAIN.md §8.2): the rule set of domain ``disclosure``.

The rule set ``vn-disclosure`` is seeded by migration 0002 with one rule per kind
(``{"unit": "working_days", "value": 5, "legal_basis": "..."}``) and the re-confirmation period
of unit contacts (§8.4, a quarter by default). The rule set in force on the trigger day decides
(DOMAIN.md §0.3); the defaults below apply only when no rule set is in force at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from minhbach.core.models import RuleSet
from minhbach.core.selectors import ruleset_in_force
from minhbach.core.workdays.calendar import compute_due
from minhbach.core.workdays.engine import TimeUnit

#: ``RuleSet.domain`` of this app. Not (yet) a member of ``RuleSet.Domain``: adding it there needs
#: a migration of ``core``, which the lead owns; the column is a plain string either way.
DOMAIN = getattr(RuleSet.Domain, "DISCLOSURE", "disclosure")
RULESET_CODE = "vn-disclosure"
DEFAULT_CONFIRM_DAYS = 92


def _rule(unit: str, value: int, legal_basis: str) -> dict[str, Any]:
    return {"unit": unit, "value": value, "legal_basis": legal_basis}


EMULATION_PLAN = "Kế hoạch của phong trào thi đua"
DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "procedure_listing": _rule("working_days", 5, "NĐ 63/2010/NĐ-CP Điều 16–17"),
    "feedback_answer": _rule("working_days", 2, "NĐ 20/2008/NĐ-CP Điều 19"),
    "reception_contact": _rule("working_days", 5, "NĐ 20/2008/NĐ-CP Điều 13"),
    "spokesperson": _rule("working_days", 5, "NĐ 09/2017/NĐ-CP"),
    "budget": _rule("days", 30, "Luật NSNN 83/2015/QH13 Điều 15; TT 343/2016/TT-BTC"),
    "plan_report": _rule("working_days", 5, EMULATION_PLAN),
    "grassroots": _rule("working_days", 5, "Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15"),
    "emulation_result": _rule("working_days", 5, EMULATION_PLAN),
    "other": _rule("manual", 0, ""),
}

_UNITS = {"working_days": TimeUnit.WORKING_DAY, "days": TimeUnit.DAY}


def _settings(day: dt.date) -> tuple[dict[str, Any], str]:
    ruleset = ruleset_in_force(DOMAIN, day)
    if ruleset is None:
        return {}, ""
    return (ruleset.settings or {}).get("disclosure", {}), str(ruleset)


def rule_for(kind: str, day: dt.date) -> dict[str, Any]:
    """The due rule of ``kind`` in force on ``day``, with the rule set that gave it (``ruleset``)."""
    configured, label = _settings(day)
    rule = {**DEFAULT_RULES.get(kind, DEFAULT_RULES["other"]), **configured.get("due", {}).get(kind, {})}
    rule["ruleset"] = label
    return rule


def confirm_days(day: dt.date) -> int:
    """Days after which an unconfirmed contact shows a warning (§8.4: a quarter by default)."""
    configured, _label = _settings(day)
    return int(configured.get("contact_confirm_days", DEFAULT_CONFIRM_DAYS))


def due_date(rule: dict[str, Any], trigger_day: dt.date, *, agency) -> dt.date | None:
    """The due date of ``rule`` from ``trigger_day`` (day zero, not counted; BLDS 2015 Điều 147).

    ``None`` when the rule is manual (kind ``other``: the unit's plan gives the date).
    """
    unit = _UNITS.get(rule.get("unit", ""))
    if unit is None:
        return None
    return compute_due(trigger_day, int(rule["value"]), unit, agency=agency).due_date
