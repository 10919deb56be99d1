"""Seed the award forms (vote rule D8, coefficients §10.13) and the base salary table (§10.13).

Policy as data: the district may edit these rows; the code reads them, never constants.
Votes: NĐ 98/2023/NĐ-CP Điều 30 khoản 7 (Chiến sĩ thi đua cơ sở ≥ 80% of all members; no statutory
rule for Giấy khen, D8 > 50% of all members). Coefficients: NĐ 98/2023/NĐ-CP Điều 54 (0.3 / 0.6
for Giấy khen, kept by NĐ 152/2025 Điều 54; 1.0 for CSTĐCS; 0.3 for Lao động tiên tiến).
Base salary: NĐ 24/2023/NĐ-CP (1,800,000 from 1/7/2023), NĐ 73/2024/NĐ-CP Điều 3 (2,340,000 from
1/7/2024).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

FORMS = [
    {
        "code": "giay_khen",
        "name": "Giấy khen của Chủ tịch UBND cấp huyện",
        "certificate_title": "GIẤY KHEN",
        "vote_required": True,
        "threshold": Decimal("0.5"),
        "strict": True,
        "base": "all_members",
        "coefficient_individual": Decimal("0.3"),
        "coefficient_collective": Decimal("0.6"),
        "legal_basis": "Luật Thi đua, khen thưởng 2022 Điều 75; Nghị định 98/2023/NĐ-CP Điều 54",
    },
    {
        "code": "cstdcs",
        "name": "Chiến sĩ thi đua cơ sở",
        "certificate_title": "CHIẾN SĨ THI ĐUA CƠ SỞ",
        "vote_required": True,
        "threshold": Decimal("0.8"),
        "strict": False,
        "base": "all_members",
        "coefficient_individual": Decimal("1.0"),
        "coefficient_collective": None,
        "legal_basis": "Nghị định 98/2023/NĐ-CP Điều 30 khoản 7, Điều 54 khoản 1",
    },
    {
        "code": "lao_dong_tien_tien",
        "name": "Lao động tiên tiến",
        "certificate_title": "LAO ĐỘNG TIÊN TIẾN",
        "vote_required": False,
        "threshold": Decimal("0.5"),
        "strict": True,
        "base": "all_members",
        "coefficient_individual": Decimal("0.3"),
        "coefficient_collective": None,
        "legal_basis": "Nghị định 98/2023/NĐ-CP Điều 54 khoản 1",
    },
]
SALARIES = [
    (dt.date(2023, 7, 1), 1_800_000, "Nghị định 24/2023/NĐ-CP"),
    (dt.date(2024, 7, 1), 2_340_000, "Nghị định 73/2024/NĐ-CP Điều 3"),
]


def seed(apps, schema_editor):
    AwardForm = apps.get_model("emulation", "AwardForm")
    BaseSalary = apps.get_model("emulation", "BaseSalary")
    for row in FORMS:
        AwardForm.objects.get_or_create(code=row["code"], defaults=row)
    for valid_from, amount, basis in SALARIES:
        BaseSalary.objects.get_or_create(
            valid_from=valid_from, defaults={"amount_vnd": amount, "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("emulation", "0002_reply_council_decisions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
