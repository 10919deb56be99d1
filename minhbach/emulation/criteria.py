"""Criteria as code: read and check a versioned criteria file (DOMAIN.md §10.5, §11).

The file is the district's plan in data form: every criterion's wording, role (gate, score or
both), source, threshold and weight, plus the round settings (tie-breaks D9, women share, quotas).
Nothing here writes; ``services.criteria_set_load`` stores a checked file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minhbach.core.ledger import canonical_json
from minhbach.emulation.models import RATING_ORDER, Criterion, Subject

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"

# Sources the evaluation knows how to compute; anything else is refused at load time.
EVIDENCE_KINDS = {
    Subject.COLLECTIVE: {"conduct_feedback", "discipline", "initiative"},
    Subject.INDIVIDUAL: {"annual_rating", "blocking_case", "initiative_author"},
}
PERSONAL_KINDS = {"on_time", "satisfaction"}
TIE_BREAKS = ("score", "women_priority", "on_time_rate", "recorded_draw")


def read_file(path: str | Path) -> dict[str, Any]:
    """JSON (or YAML when the file says so and PyYAML is present) into a dict."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            _("Không đọc được tệp tiêu chí %(path)s: %(error)s") % {"path": path, "error": exc}
        ) from exc
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:
        raise ValidationError(_("Tệp tiêu chí không đúng định dạng: %(error)s") % {"error": exc}) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("Tệp tiêu chí phải là một đối tượng (mã, phiên bản, tiêu chí)."))
    return data


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            _("%(where)s: “%(value)s” không phải là số.") % {"where": where, "value": value}
        ) from exc


def check(content: dict[str, Any]) -> dict[str, Any]:
    """Validate a criteria file and return its normalised header; every problem is reported at once."""
    errors: list[str] = []
    for key in ("code", "version", "name", "valid_from"):
        if key not in content:
            errors.append(_("Thiếu trường “%(key)s”.") % {"key": key})
    if errors:
        raise ValidationError(errors)
    try:
        version = int(content["version"])
        if version < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(_("Phiên bản phải là số nguyên dương."))
        version = 0
    try:
        valid_from = dt.date.fromisoformat(str(content["valid_from"]))
    except ValueError:
        errors.append(_("Ngày hiệu lực “%(v)s” không đúng dạng YYYY-MM-DD.") % {"v": content["valid_from"]})
        valid_from = None
    settings = content.get("settings") or {}
    unknown = [step for step in settings.get("tie_breaks", TIE_BREAKS) if step not in TIE_BREAKS]
    if unknown:
        errors.append(_("Tiêu chí phân định không hợp lệ: %(steps)s.") % {"steps": ", ".join(unknown)})
    if settings.get("tie_breaks") and settings["tie_breaks"][0] != "score":
        errors.append(_("Tiêu chí phân định đầu tiên phải là điểm (score)."))
    for subject in Subject.values:
        seen: set[str] = set()
        for i, item in enumerate(content.get(subject) or []):
            where = f"{subject}[{i}] {item.get('code', '?')}"
            errors.extend(_check_item(item, subject, where, seen))
    if not content.get(Subject.COLLECTIVE):
        errors.append(_("Bộ tiêu chí phải có ít nhất một tiêu chí tập thể."))
    if errors:
        raise ValidationError(errors)
    return {
        "code": str(content["code"]),
        "version": version,
        "name": str(content["name"]),
        "valid_from": valid_from,
        "legal_bases": "\n".join(content.get("legal_bases") or []),
        "settings": settings,
    }


def _check_item(item: dict[str, Any], subject: str, where: str, seen: set[str]) -> list[str]:
    errors: list[str] = []
    code = item.get("code")
    if not code or not item.get("wording"):
        return [_("%(where)s: thiếu mã hoặc nội dung tiêu chí.") % {"where": where}]
    if code in seen:
        errors.append(_("%(where)s: mã tiêu chí trùng.") % {"where": where})
    seen.add(code)
    role = item.get("role")
    if role not in Criterion.Role.values:
        errors.append(_("%(where)s: vai trò “%(role)s” không hợp lệ.") % {"where": where, "role": role})
        return errors
    prefix, _sep, kind = str(item.get("source", "")).partition(":")
    if (
        (prefix == "indicator" and subject == Subject.COLLECTIVE and kind)
        or (prefix == "evidence" and kind in EVIDENCE_KINDS[subject])
        or (prefix == "personal" and subject == Subject.INDIVIDUAL and kind in PERSONAL_KINDS)
    ):
        pass
    else:
        errors.append(
            _("%(where)s: nguồn “%(src)s” không hợp lệ.") % {"where": where, "src": item.get("source")}
        )
    if role in (Criterion.Role.GATE, Criterion.Role.GATE_SCORE):
        if item.get("comparison") not in Criterion.Comparison.values:
            errors.append(
                _("%(where)s: điều kiện cần phép so sánh (lt, lte, eq, gte, gt).") % {"where": where}
            )
        threshold = item.get("threshold")
        if threshold is None or threshold == "":
            errors.append(_("%(where)s: điều kiện cần ngưỡng.") % {"where": where})
        elif kind == "annual_rating":
            if threshold not in RATING_ORDER:
                errors.append(
                    _("%(where)s: mức xếp loại “%(t)s” không hợp lệ.") % {"where": where, "t": threshold}
                )
        else:
            try:
                _decimal(threshold, where)
            except ValidationError as exc:
                errors.extend(exc.messages)
    if role in (Criterion.Role.SCORE, Criterion.Role.GATE_SCORE):
        try:
            if _decimal(item.get("weight"), where) <= 0:
                errors.append(_("%(where)s: trọng số phải lớn hơn 0.") % {"where": where})
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors
