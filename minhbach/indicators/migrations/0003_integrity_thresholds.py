"""Thresholds of the integrity flags (DOMAIN.md §5.11) as a rule set, not constants."""

import datetime as dt

from django.db import migrations

SETTINGS = {
    "integrity": {
        # Withdraw-and-resubmit of the same procedure by the same applicant (§5.7 rule 3's window).
        "resubmit_window_days": 30,
        # A supplement request in the last share of the time between acceptance and the due date.
        "late_supplement_share_percent": 10,
        # Acceptance recorded this many hours before the record was created (back-dated receipt).
        "backdated_receipt_hours": 1,
        # Finished (status 9) but not delivered (status 10) after this many days.
        "undelivered_after_days": 5,
    }
}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.get_or_create(
        code="vn-integrity",
        version=1,
        defaults={
            "domain": "indicators",
            "name": "Ngưỡng các dấu hiệu bất thường",
            "valid_from": dt.date(2018, 4, 23),
            "legal_bases": "NĐ 61/2018/NĐ-CP; TT 01/2018/TT-VPCP; Luật Thi đua, khen thưởng 2022 Chương VII",
            "settings": SETTINGS,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(code="vn-integrity", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_load_bac_tra_my_set"), ("core", "0004_rule_set_domain_disclosure")]

    operations = [migrations.RunPython(seed, unseed)]
