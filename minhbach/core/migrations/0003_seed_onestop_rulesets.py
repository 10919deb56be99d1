"""Seed the two one-stop rule sets of decision D2 with the calendar policy of D10.

``vn-2018`` covers NĐ 61/2018/NĐ-CP (as amended by NĐ 107/2021/NĐ-CP) and TT 01/2018/TT-VPCP,
from the day the circular took effect (06/01/2019) to 30/6/2025; ``vn-2025`` covers
NĐ 118/2025/NĐ-CP and TT 03/2025/TT-VPCP from 01/7/2025. Both keep Saturday and Sunday as
weekly rest (QĐ 188/1999/QĐ-TTg Điều 1), the 15:00 cut-off (NĐ 61/2018 Điều 20) and the seed
office hours; officials change them by creating a new version.
"""

import datetime as dt

from django.db import migrations

CALENDAR = {
    "calendar": {
        "weekly_rest": [5, 6],
        "cutoff": {"enabled": True, "time": "15:00"},
        "office_hours": [["07:00", "11:00"], ["13:00", "17:00"]],
    }
}

# D11 and D12 (DOMAIN.md §11), the late rule of §5.6 rule 3 and the listing grace of §4.4.
DOSSIER = {
    "dossier": {
        "lateness_reference": "original",
        "late_after_supplement_requests": 2,
        "pause_on_financial_obligation": True,
        "one_go": {
            "max_pre_acceptance_requests": 1,
            "max_post_acceptance_requests": 0,
            "resubmission_window_days": 30,
        },
        "code": {
            "format": "{agency_code}-{yymmdd}-{seq:04d}",
            "scope": "agency_day",
            "allocate_on": "accepted",
            "allocate_online_on": "registered",
        },
    },
    "listing": {"grace_working_days": 5},
}
FORMS_2018 = {
    "forms": {
        "set": "2018",
        "numbers": {
            "receipt": "01",
            "supplement_request": "02",
            "refusal": "03",
            "apology_extension": "04",
            "control_slip": "05",
            "register": "06",
        },
    }
}
FORMS_2025 = {
    "forms": {
        "set": "2025",
        "numbers": {
            "receipt": "01",
            "supplement_request": "02",
            "refusal": "03",
            "apology_extension": "04",
            "stop_notice": "05",
            "control_slip": "06",
            "register": "07",
        },
    }
}

RULESETS = [
    {
        "code": "vn-2018",
        "name": "Một cửa, một cửa liên thông theo Nghị định 61/2018/NĐ-CP",
        "valid_from": dt.date(2019, 1, 6),
        "valid_to": dt.date(2025, 6, 30),
        "legal_bases": "\n".join(
            [
                "Nghị định 61/2018/NĐ-CP",
                "Nghị định 107/2021/NĐ-CP",
                "Thông tư 01/2018/TT-VPCP",
                "Quyết định 188/1999/QĐ-TTg",
            ]
        ),
        "settings": {**CALENDAR, **DOSSIER, **FORMS_2018},
    },
    {
        "code": "vn-2025",
        "name": "Một cửa, một cửa liên thông theo Nghị định 118/2025/NĐ-CP",
        "valid_from": dt.date(2025, 7, 1),
        "valid_to": None,
        "legal_bases": "\n".join(
            [
                "Nghị định 118/2025/NĐ-CP",
                "Thông tư 03/2025/TT-VPCP",
                "Quyết định 188/1999/QĐ-TTg",
            ]
        ),
        "settings": {**CALENDAR, **DOSSIER, **FORMS_2025},
    },
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    for spec in RULESETS:
        RuleSet.objects.get_or_create(
            code=spec["code"],
            version=1,
            defaults={**spec, "domain": "onestop"},
        )


def unseed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.filter(domain="onestop", code__in=[spec["code"] for spec in RULESETS], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_ledger_append_only")]

    operations = [migrations.RunPython(seed, unseed)]
