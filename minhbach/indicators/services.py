"""Writes of the indicators app: loading a definition set, rebuilding rollups."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minhbach.core import ledger
from minhbach.indicators.models import IndicatorDefinition, IndicatorGroup, IndicatorSet

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
DEFAULT_SET_FILE = DEFINITIONS_DIR / "bac-tra-my-2023-2024.json"


def _hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def indicator_set_load(*, data: dict[str, Any], actor: Any = None, models_module: Any = None) -> IndicatorSet:
    """Create a definition set from its JSON form; loading the same content again changes nothing.

    A set is identified by (code, version). Different content under an existing version is refused:
    results store the definition they used, so a changed formula must be a new version (§9.6).
    ``models_module`` lets a data migration pass its historical models.
    """
    Set = getattr(models_module, "IndicatorSet", IndicatorSet)
    Group = getattr(models_module, "IndicatorGroup", IndicatorGroup)
    Definition = getattr(models_module, "IndicatorDefinition", IndicatorDefinition)
    digest = _hash(data)
    existing = Set.objects.filter(code=data["code"], version=data["version"]).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise ValidationError(
                _("Bộ chỉ số %(code)s phiên bản %(version)s đã có với nội dung khác; hãy tăng số phiên bản.")
                % {"code": data["code"], "version": data["version"]}
            )
        return existing
    valid_from = dt.date.fromisoformat(data["valid_from"])
    valid_to = dt.date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None
    indicator_set = Set.objects.create(
        code=data["code"], version=data["version"], name=data["name"], valid_from=valid_from,
        valid_to=valid_to, source=data.get("source", ""), content_hash=digest,
    )  # fmt: skip
    seen: set[str] = set()
    for g_order, group_data in enumerate(data["groups"]):
        group = Group.objects.create(
            indicator_set=indicator_set, code=group_data["code"], name=group_data["name"],
            max_points=group_data.get("max_points"), order=g_order,
        )  # fmt: skip
        for order, item in enumerate(group_data["indicators"]):
            if item["code"] in seen:
                raise ValidationError(_("Mã chỉ số %(code)s bị lặp.") % {"code": item["code"]})
            seen.add(item["code"])
            Definition.objects.create(
                indicator_set=indicator_set, group=group, order=order, valid_from=valid_from,
                valid_to=valid_to, **item,
            )  # fmt: skip
    if models_module is None:
        ledger.record(
            actor=actor, action="indicators.set_loaded", obj=indicator_set,
            payload={"code": indicator_set.code, "version": indicator_set.version, "hash": digest},
        )  # fmt: skip
    return indicator_set


def load_file(path: Path = DEFAULT_SET_FILE, **kwargs: Any) -> IndicatorSet:
    return indicator_set_load(data=json.loads(Path(path).read_text(encoding="utf-8")), **kwargs)
