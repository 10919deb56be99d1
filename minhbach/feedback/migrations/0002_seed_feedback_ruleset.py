"""The D7 feedback SLAs as data (DOMAIN.md §6.4): a rule set officials can version, not constants."""

import datetime as dt

from django.db import migrations

SLA = {"refuse": 2, "request_info": 5, "answer": 15, "publish": 2}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.get_or_create(
        code="vn-pakn",
        version=1,
        defaults={
            "domain": "feedback",
            "name": "Thời hạn xử lý phản ánh, kiến nghị",
            "valid_from": dt.date(2008, 3, 3),
            "legal_bases": "Nghị định 20/2008/NĐ-CP; Quyết định 31/2021/QĐ-TTg",
            "settings": {"feedback": {"sla": SLA}},
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(code="vn-pakn", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_seed_onestop_rulesets"), ("feedback", "0001_feedback")]
    operations = [migrations.RunPython(seed, unseed)]
