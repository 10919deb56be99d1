"""Demo officials: a realistic staff list per agency (Vietnamese names, both genders) and one
login per role. Names are generated deterministically, so the demo is the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from minhbach.accounts import services
from minhbach.accounts.models import Membership, Official, User
from minhbach.portal.demo.units import DemoUnits
from minhbach.units import services as unit_services
from minhbach.units.models import Agency

DEMO_PASSWORD = "minhbach-demo-2024"  # noqa: S105 - printed on purpose: demo only
START = dt.date(2020, 1, 1)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hồ", "Võ", "Đinh", "Hoàng", "Bùi", "Đặng", "Trương")
MALE_MIDDLE = ("Văn", "Công", "Minh", "Đức", "Quang", "Hữu", "Thanh")
FEMALE_MIDDLE = ("Thị", "Thị Thu", "Thị Kim", "Ngọc", "Thị Mỹ", "Thị Thanh")
MALE_GIVEN = ("Hùng", "Dũng", "Tuấn", "Phong", "Sơn", "Bình", "Hải", "Quý", "Trung", "Lực", "Khánh", "Tài")
FEMALE_GIVEN = ("Hoa", "Lan", "Hương", "Thảo", "Nhung", "Trang", "Vân", "Hạnh", "Loan", "Thủy", "Yến", "Mai")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency_slug: str
    position: str
    full_name: str
    gender: str
    is_leader: bool = False
    superuser: bool = False


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "quantri",
        "administrator",
        "van-phong-hdnd-ubnd",
        "Quản trị hệ thống",
        "Trần Minh Quân",
        "male",
        superuser=True,
    ),
    DemoLogin(
        "motcua.huyen",
        "desk_officer",
        "mot-cua-huyen",
        "Công chức tiếp nhận và trả kết quả",
        "Lê Thị Thu Hà",
        "female",
    ),
    DemoLogin(
        "motcua.trason",
        "desk_officer",
        "mot-cua-xa-tra-son",
        "Công chức tiếp nhận và trả kết quả",
        "Hồ Văn Tới",
        "male",
    ),
    DemoLogin(
        "chuyenvien.tuphap", "specialist", "phong-tu-phap", "Chuyên viên", "Phạm Thị Ngọc Anh", "female"
    ),
    DemoLogin(
        "lanhdao.trason",
        "unit_leader",
        "ubnd-xa-tra-son",
        "Chủ tịch UBND",
        "Đinh Văn Thắng",
        "male",
        is_leader=True,
    ),
    DemoLogin(
        "noivu",
        "secretariat",
        "phong-noi-vu",
        "Trưởng phòng",
        "Võ Thị Kim Liên",
        "female",
        is_leader=True,
    ),
    DemoLogin(
        "hoidong",
        "council_member",
        "ubnd-huyen-bac-tra-my",
        "Phó Chủ tịch UBND",
        "Nguyễn Công Bình",
        "male",
        is_leader=True,
    ),
    DemoLogin("kiemtra", "auditor", "thanh-tra-huyen", "Thanh tra viên", "Bùi Thị Hạnh", "female"),
)


def _name(rng: random.Random, gender: str) -> str:
    if gender == Official.Gender.FEMALE:
        return f"{rng.choice(FAMILY)} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"


def _staff_plan(agency: Agency) -> tuple[tuple[str, bool], ...]:
    if agency.kind == Agency.Kind.PEOPLE_COMMITTEE:
        return (
            ("Chủ tịch UBND", True),
            ("Phó Chủ tịch UBND", True),
            ("Công chức Văn phòng – Thống kê", False),
            ("Công chức Tư pháp – Hộ tịch", False),
            ("Công chức Địa chính – Xây dựng", False),
        )
    if agency.kind in (Agency.Kind.ONE_STOP_DESK, Agency.Kind.SERVICE_CENTRE):
        return (("Công chức tiếp nhận và trả kết quả", False), ("Công chức tiếp nhận và trả kết quả", False))
    return (
        ("Trưởng phòng", True),
        ("Phó Trưởng phòng", True),
        ("Chuyên viên", False),
        ("Chuyên viên", False),
    )


def load_people(units: DemoUnits) -> list[DemoLogin]:
    """Create the demo logins, then the rest of each agency's staff, once.

    A login takes one post of its agency's staff plan (the Chủ tịch of Xã Trà Sơn is the
    ``lanhdao.trason`` login), so no agency has two chairmen. The chairman or head of each
    agency becomes its spokesperson, as the law on access to information expects.
    """
    rng = random.Random(20230901)  # noqa: S311 - deterministic demo names, not security
    by_slug = {a.slug: a for a in Agency.objects.filter(slug__in={login.agency_slug for login in LOGINS})}
    staffed = set(Agency.objects.filter(memberships__isnull=False).values_list("pk", flat=True))
    taken: dict[int, list[str]] = {}
    for login in LOGINS:
        agency = by_slug[login.agency_slug]
        taken.setdefault(agency.pk, []).append(login.position)
        if User.objects.filter(username=login.username).exists():
            continue
        official = services.official_create(
            actor=None,
            full_name=login.full_name,
            gender=login.gender,
            agency=agency,
            position=login.position,
            is_leader=login.is_leader,
            valid_from=max(START, agency.valid_from),
            username=login.username,
            password=DEMO_PASSWORD,
            roles=(login.role,),
        )
        if login.superuser:
            User.objects.filter(pk=official.user_id).update(is_staff=True, is_superuser=True)
    agencies = [
        units.district_committee,
        *units.offices.values(),
        *units.communes.values(),
        *units.desks.values(),
        *units.new_communes.values(),
    ]
    for agency in agencies:
        if agency.pk in staffed:
            continue
        remaining = list(taken.get(agency.pk, []))
        for position, is_leader in _staff_plan(agency):
            if position in remaining:
                remaining.remove(position)
                continue
            gender = rng.choice((Official.Gender.FEMALE, Official.Gender.MALE))
            services.official_create(
                actor=None,
                full_name=_name(rng, gender),
                gender=gender,
                agency=agency,
                position=position,
                is_leader=is_leader,
                valid_from=max(START, agency.valid_from),
                birth_year=rng.randint(1968, 1998),
            )
        _appoint_spokesperson(agency)
    return list(LOGINS)


def _appoint_spokesperson(agency: Agency) -> None:
    if agency.spokesperson_name or agency.kind not in (Agency.Kind.PEOPLE_COMMITTEE, Agency.Kind.OFFICE):
        return
    head = (
        Membership.objects.filter(agency=agency, position__in=("Chủ tịch UBND", "Trưởng phòng"))
        .select_related("official")
        .first()
    )
    if head is not None:
        unit_services.agency_update_settings(
            actor=None,
            agency=agency,
            spokesperson_name=head.official.full_name,
            spokesperson_position=(
                f"{head.position} {agency.name.removeprefix('UBND ')}"
                if agency.kind == Agency.Kind.PEOPLE_COMMITTEE
                else f"{head.position} ({agency.name})"
            ),
        )
