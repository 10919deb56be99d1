"""The §8.2 due rules as data (DOMAIN.md §8): a rule set officials can version, not constants."""

import datetime as dt

from django.db import migrations

DUE = {
    "procedure_listing": {"unit": "working_days", "value": 5, "legal_basis": "NĐ 63/2010/NĐ-CP Điều 16–17"},
    "feedback_answer": {"unit": "working_days", "value": 2, "legal_basis": "NĐ 20/2008/NĐ-CP Điều 19"},
    "reception_contact": {"unit": "working_days", "value": 5, "legal_basis": "NĐ 20/2008/NĐ-CP Điều 13"},
    "spokesperson": {"unit": "working_days", "value": 5, "legal_basis": "NĐ 09/2017/NĐ-CP"},
    "budget": {"unit": "days", "value": 30, "legal_basis": "Luật NSNN 83/2015/QH13 Điều 15; TT 343/2016/TT-BTC"},
    "plan_report": {"unit": "working_days", "value": 5, "legal_basis": "Kế hoạch của phong trào thi đua"},
    "grassroots": {"unit": "working_days", "value": 5, "legal_basis": "Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15"},
    "emulation_result": {"unit": "working_days", "value": 5, "legal_basis": "Kế hoạch của phong trào thi đua"},
    "other": {"unit": "manual", "value": 0, "legal_basis": ""},
}  # fmt: skip


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.get_or_create(
        code="vn-disclosure",
        version=1,
        defaults={
            "domain": "disclosure",
            "name": "Thời hạn công khai thông tin",
            "valid_from": dt.date(2010, 6, 8),
            "legal_bases": (
                "Nghị định 63/2010/NĐ-CP; Nghị định 20/2008/NĐ-CP; Nghị định 09/2017/NĐ-CP; "
                "Luật Ngân sách nhà nước 83/2015/QH13; Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15"
            ),
            "settings": {"disclosure": {"due": DUE, "contact_confirm_days": 92}},
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(code="vn-disclosure", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_seed_onestop_rulesets"), ("disclosure", "0001_disclosure")]
    operations = [migrations.RunPython(seed, unseed)]
