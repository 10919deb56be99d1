"""The 5-day forwarding timer as data, and the due moments of existing items.

NĐ 20/2008/NĐ-CP Điều 9 khoản 1 điểm d: regulation feedback outside the unit's competence is
forwarded within 5 working days of receipt. The limit has been law since the decree took effect,
so it is added as version 2 of ``vn-pakn`` with the same start (``ruleset_in_force`` prefers the
latest version); version 1 stays untouched for the record.
"""

import datetime as dt

from django.db import migrations

SLA = {"refuse": 2, "request_info": 5, "answer": 15, "publish": 2, "forward": 5}
DUE_FIELDS = ("refuse_due_at", "request_info_due_at", "answer_due_at", "publish_due_at", "forward_due_at")


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    RuleSet.objects.get_or_create(
        code="vn-pakn",
        version=2,
        defaults={
            "domain": "feedback",
            "name": "Thời hạn xử lý phản ánh, kiến nghị (bổ sung thời hạn chuyển đơn)",
            "valid_from": dt.date(2008, 3, 3),
            "legal_bases": "Nghị định 20/2008/NĐ-CP (Điều 9 khoản 1 điểm d); Quyết định 31/2021/QĐ-TTg",
            "settings": {"feedback": {"sla": SLA}},
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(code="vn-pakn", version=2).delete()


def fill_due_moments(apps, schema_editor):
    """Existing items get their due moments from the same functions the services use."""
    Feedback = apps.get_model("feedback", "Feedback")
    items = list(Feedback.objects.select_related("agency"))
    if not items:
        return
    from minhbach.feedback import sla

    ctx = sla.Context()
    for item in items:
        for field, value in sla.due_moments(item, ctx).items():
            setattr(item, field, value)
    Feedback.objects.bulk_update(items, DUE_FIELDS, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_follow_ups_and_due_moments")]
    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(fill_due_moments, migrations.RunPython.noop),
    ]
