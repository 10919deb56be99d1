"""The criteria file, its loader and the version lock (DOMAIN.md §0.3, §10.5, §11)."""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from minhbach.core.models import LedgerEntry
from minhbach.emulation import criteria, services
from minhbach.emulation.models import CriteriaSet, Criterion
from minhbach.emulation.tests.conftest import CRITERIA_FILE


@pytest.fixture
def content():
    return criteria.read_file(CRITERIA_FILE)


def test_reference_file_encodes_the_table_of_10_5(content):
    collective = {c["code"]: c for c in content["collective"]}
    individual = {c["code"]: c for c in content["individual"]}
    assert list(collective) == ["C1", "C2", "C3", "C4", "C5", "K1", "K2", "K3", "K4", "K5", "K6", "K7"]
    assert sum(c.get("weight", 0) for c in collective.values()) == 100
    assert {k for k, c in collective.items() if "gate" in c["role"]} == {"K1", "K4", "K5", "K6"}
    assert (collective["K1"]["comparison"], collective["K1"]["threshold"]) == ("lt", "5")
    assert (collective["K4"]["role"], collective["K4"]["threshold"]) == ("gate_score", "90")
    assert [individual[c]["weight"] for c in ("P1", "P2", "P3")] == [50, 40, 10]
    assert content["settings"]["tie_breaks"] == ["score", "women_priority", "on_time_rate", "recorded_draw"]
    assert content["settings"]["women_share"] == 0.7


def test_load_is_idempotent(db, content):
    cset, outcome = services.criteria_set_load(actor=None, content=content)
    assert outcome == "created" and cset.criteria.count() == 17
    again, outcome = services.criteria_set_load(actor=None, content=copy.deepcopy(content))
    assert outcome == "unchanged" and again.pk == cset.pk
    assert CriteriaSet.objects.count() == 1 and Criterion.objects.count() == 17
    assert LedgerEntry.objects.filter(action__startswith="emulation.criteria_set").count() == 1


def test_unlocked_set_may_be_corrected_in_place(db, content):
    services.criteria_set_load(actor=None, content=content)
    content["collective"][0]["weight"] = 12
    cset, outcome = services.criteria_set_load(actor=None, content=content)
    assert outcome == "updated"
    assert cset.criteria.get(code="C1").weight == Decimal("12.00")


def test_locked_set_refuses_a_changed_file_with_the_same_version(db, content):
    cset, _ = services.criteria_set_load(actor=None, content=content)
    CriteriaSet.objects.filter(pk=cset.pk).update(locked_at=timezone.now())
    changed = copy.deepcopy(content)
    changed["collective"][0]["weight"] = 12
    with pytest.raises(services.EmulationError, match="phiên bản mới"):
        services.criteria_set_load(actor=None, content=changed)
    assert Criterion.objects.get(criteria_set=cset, code="C1").weight == Decimal("10.00")
    # Same content again is fine; a new version is a new set.
    assert services.criteria_set_load(actor=None, content=content)[1] == "unchanged"
    changed["version"] = 2
    new, outcome = services.criteria_set_load(actor=None, content=changed)
    assert outcome == "created" and new.pk != cset.pk and new.version == 2


def test_evaluation_locks_the_set(world, criteria_set):
    assert criteria_set.locked_at is None
    world.evaluate()
    criteria_set.refresh_from_db()
    assert criteria_set.locked_at is not None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.pop("version"), "version"),
        (lambda c: c["collective"][5].update(comparison="~"), "phép so sánh"),
        (lambda c: c["collective"][0].update(source="excel:C1"), "nguồn"),
        (lambda c: c["collective"][0].update(weight=0), "trọng số"),
        (lambda c: c["individual"][0].update(threshold="GIOI"), "xếp loại"),
        (lambda c: c["settings"].update(tie_breaks=["women_priority", "score"]), "đầu tiên"),
        (lambda c: c["collective"].append(dict(c["collective"][0])), "trùng"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_written(db, content, mutate, message):
    mutate(content)
    with pytest.raises(ValidationError, match=message):
        services.criteria_set_load(actor=None, content=content)
    assert not CriteriaSet.objects.exists()


def test_command_loads_and_refuses_a_changed_locked_file(db, tmp_path, content):
    out = io.StringIO()
    call_command("load_criteria", str(CRITERIA_FILE), stdout=out)
    assert "17" in out.getvalue()
    call_command("load_criteria", str(CRITERIA_FILE), stdout=out)
    assert "không thay đổi" in out.getvalue()
    CriteriaSet.objects.update(locked_at=timezone.now())
    content["collective"][0]["wording"] = "Sửa câu chữ"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="phiên bản mới"):
        call_command("load_criteria", str(changed))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="định dạng"):
        call_command("load_criteria", str(broken))
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("load_criteria", str(tmp_path / "missing.json"))
