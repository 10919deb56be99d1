"""Demo territory: Quảng Nam → Huyện Bắc Trà My → its 13 commune-level units (to 30/6/2025) and
the 5 communes of Thành phố Đà Nẵng that succeeded them on 1/7/2025 (DOMAIN.md §2.2).

GSO codes and names are the official ones. Agency electronic identifiers follow the format
``V1V2V3.Z1Z2.Y1Y2.MX1X2`` of QĐ 20/2020/QĐ-TTg, but the numbers below are illustrative: the
province's issued list must replace them before production use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minhbach.units import services
from minhbach.units.importers import PRE2025_VALID_FROM
from minhbach.units.models import AdministrativeUnit, Agency, UnitSuccession

HORIZON = PRE2025_VALID_FROM  # same convention as the importer, so both can load into one database
LAST_OLD_DAY = dt.date(2025, 6, 30)
REFORM_DAY = dt.date(2025, 7, 1)
GSO_BASIS = "QĐ 124/2004/QĐ-TTg và các văn bản sửa đổi"
NEW_BASIS = "QĐ 19/2025/QĐ-TTg"
COMMUNE_RESOLUTION = "Nghị quyết 1659/NQ-UBTVQH15 (cần xác nhận số hiệu)"

# (code, name, type, successor code)
OLD_COMMUNES: tuple[tuple[str, str, str, str], ...] = (
    ("20899", "Thị trấn Trà My", AdministrativeUnit.Type.TOWNSHIP, "20900"),
    ("20900", "Xã Trà Sơn", AdministrativeUnit.Type.COMMUNE, "20900"),
    ("20902", "Xã Trà Kót", AdministrativeUnit.Type.COMMUNE, "20908"),
    ("20905", "Xã Trà Nú", AdministrativeUnit.Type.COMMUNE, "20908"),
    ("20908", "Xã Trà Đông", AdministrativeUnit.Type.COMMUNE, "20908"),
    ("20911", "Xã Trà Dương", AdministrativeUnit.Type.COMMUNE, "20900"),
    ("20914", "Xã Trà Giang", AdministrativeUnit.Type.COMMUNE, "20900"),
    ("20917", "Xã Trà Bui", AdministrativeUnit.Type.COMMUNE, "20920"),
    ("20920", "Xã Trà Đốc", AdministrativeUnit.Type.COMMUNE, "20920"),
    ("20923", "Xã Trà Tân", AdministrativeUnit.Type.COMMUNE, "20923"),
    ("20926", "Xã Trà Giác", AdministrativeUnit.Type.COMMUNE, "20923"),
    ("20929", "Xã Trà Giáp", AdministrativeUnit.Type.COMMUNE, "20929"),
    ("20932", "Xã Trà Ka", AdministrativeUnit.Type.COMMUNE, "20929"),
)
NEW_COMMUNES: dict[str, str] = {
    "20900": "Xã Trà My",
    "20908": "Xã Trà Liên",
    "20920": "Xã Trà Đốc",
    "20923": "Xã Trà Tân",
    "20929": "Xã Trà Giáp",
}

# Specialised offices of the district (NĐ 37/2014/NĐ-CP as amended by NĐ 108/2020/NĐ-CP [R]).
DISTRICT_OFFICES: tuple[tuple[str, str, str], ...] = (
    ("van-phong-hdnd-ubnd", "Văn phòng HĐND và UBND huyện", Agency.Kind.OFFICE),
    ("mot-cua-huyen", "Bộ phận Tiếp nhận và Trả kết quả huyện", Agency.Kind.ONE_STOP_DESK),
    ("phong-noi-vu", "Phòng Nội vụ", Agency.Kind.OFFICE),
    ("phong-tu-phap", "Phòng Tư pháp", Agency.Kind.OFFICE),
    ("phong-tai-chinh-ke-hoach", "Phòng Tài chính – Kế hoạch", Agency.Kind.OFFICE),
    ("phong-tai-nguyen-moi-truong", "Phòng Tài nguyên và Môi trường", Agency.Kind.OFFICE),
    ("phong-lao-dong-tbxh", "Phòng Lao động – Thương binh và Xã hội", Agency.Kind.OFFICE),
    ("phong-van-hoa-thong-tin", "Phòng Văn hóa và Thông tin", Agency.Kind.OFFICE),
    ("phong-giao-duc-dao-tao", "Phòng Giáo dục và Đào tạo", Agency.Kind.OFFICE),
    ("phong-y-te", "Phòng Y tế", Agency.Kind.OFFICE),
    ("phong-kinh-te-ha-tang", "Phòng Kinh tế và Hạ tầng", Agency.Kind.OFFICE),
    ("phong-nong-nghiep-ptnt", "Phòng Nông nghiệp và Phát triển nông thôn", Agency.Kind.OFFICE),
    ("phong-dan-toc", "Phòng Dân tộc", Agency.Kind.OFFICE),
    ("thanh-tra-huyen", "Thanh tra huyện", Agency.Kind.OFFICE),
)


def slugify_vi(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("Đ", "D").replace("đ", "d"))


@dataclass
class DemoUnits:
    district_committee: Agency
    offices: dict[str, Agency]
    communes: dict[str, Agency]  # old commune code → UBND xã
    desks: dict[str, Agency]  # old commune code → Bộ phận Một cửa xã
    new_communes: dict[str, Agency]  # new code → UBND xã (from 1/7/2025)


def _unit(code, valid_from, **fields) -> AdministrativeUnit:
    unit, _created = AdministrativeUnit.objects.update_or_create(
        code=code, valid_from=valid_from, defaults=fields
    )
    return unit


def _agency(slug: str, **fields) -> Agency:
    existing = Agency.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return services.agency_create(actor=None, slug=slug, **fields)


def load_units() -> DemoUnits:
    old = {"valid_from": HORIZON, "valid_to": LAST_OLD_DAY, "legal_basis": GSO_BASIS}
    new = {"valid_from": REFORM_DAY, "legal_basis": NEW_BASIS}
    quang_nam = _unit(
        "49",
        name="Tỉnh Quảng Nam",
        level="province",
        type="province",
        parent=None,
        **{k: v for k, v in old.items() if k != "valid_from"},
        valid_from=HORIZON,
    )
    district = _unit(
        "515",
        name="Huyện Bắc Trà My",
        level="district",
        type="district",
        parent=quang_nam,
        valid_to=LAST_OLD_DAY,
        legal_basis=GSO_BASIS,
        valid_from=HORIZON,
    )
    da_nang = _unit(
        "48",
        name="Thành phố Đà Nẵng",
        level="province",
        type="central_city",
        parent=None,
        valid_from=REFORM_DAY,
        legal_basis="Nghị quyết 202/2025/QH15",
    )

    province_committee = _agency(
        "ubnd-tinh-quang-nam",
        electronic_code="000.00.00.H49",
        name="UBND tỉnh Quảng Nam",
        kind=Agency.Kind.PEOPLE_COMMITTEE,
        administrative_unit=quang_nam,
        valid_from=HORIZON,
        valid_to=LAST_OLD_DAY,
    )
    committee = _agency(
        "ubnd-huyen-bac-tra-my",
        electronic_code="000.00.15.H49",
        name="UBND huyện Bắc Trà My",
        kind=Agency.Kind.PEOPLE_COMMITTEE,
        administrative_unit=district,
        valid_from=HORIZON,
        valid_to=LAST_OLD_DAY,
        parent=province_committee,
        spokesperson_name="Nguyễn Văn Hùng",
        spokesperson_position="Chánh Văn phòng HĐND và UBND huyện",
        spokesperson_email="vanphong@bactramy.quangnam.gov.vn",
        address="Thị trấn Trà My, huyện Bắc Trà My, tỉnh Quảng Nam",
    )
    offices = {
        slug: _agency(
            slug,
            electronic_code=f"000.{i:02d}.15.H49",
            name=name,
            kind=kind,
            administrative_unit=district,
            valid_from=HORIZON,
            valid_to=LAST_OLD_DAY,
            parent=committee,
        )
        for i, (slug, name, kind) in enumerate(DISTRICT_OFFICES, start=1)
    }

    old_units: dict[str, AdministrativeUnit] = {}
    communes: dict[str, Agency] = {}
    desks: dict[str, Agency] = {}
    for i, (code, name, unit_type, _successor) in enumerate(OLD_COMMUNES, start=31):
        old_units[code] = _unit(code, name=name, level="commune", type=unit_type, parent=district, **old)
        base = slugify_vi(name)
        communes[code] = _agency(
            f"ubnd-{base}",
            electronic_code=f"000.{i:02d}.15.H49",
            name=f"UBND {name[0].lower()}{name[1:]}",
            kind=Agency.Kind.PEOPLE_COMMITTEE,
            administrative_unit=old_units[code],
            valid_from=HORIZON,
            valid_to=LAST_OLD_DAY,
            parent=committee,
        )
        desks[code] = _agency(
            f"mot-cua-{base}",
            electronic_code=f"001.{i:02d}.15.H49",
            name=f"Bộ phận Một cửa {name[0].lower()}{name[1:]}",
            kind=Agency.Kind.ONE_STOP_DESK,
            administrative_unit=old_units[code],
            valid_from=HORIZON,
            valid_to=LAST_OLD_DAY,
            parent=communes[code],
        )

    city_committee = _agency(
        "ubnd-tp-da-nang",
        electronic_code="000.00.00.H17",
        name="UBND thành phố Đà Nẵng",
        kind=Agency.Kind.PEOPLE_COMMITTEE,
        administrative_unit=da_nang,
        valid_from=REFORM_DAY,
    )
    new_units: dict[str, AdministrativeUnit] = {}
    new_communes: dict[str, Agency] = {}
    for i, (code, name) in enumerate(NEW_COMMUNES.items(), start=60):
        new_units[code] = _unit(
            code, name=name, level="commune", type="commune", parent=da_nang, valid_to=None, **new
        )
        base = slugify_vi(name) + "-2025"
        new_communes[code] = _agency(
            f"ubnd-{base}",
            electronic_code=f"000.{i:02d}.00.H17",
            name=f"UBND {name[0].lower()}{name[1:]}",
            kind=Agency.Kind.PEOPLE_COMMITTEE,
            administrative_unit=new_units[code],
            valid_from=REFORM_DAY,
            parent=city_committee,
        )
        _agency(
            f"tt-phuc-vu-hcc-{base}",
            electronic_code=f"001.{i:02d}.00.H17",
            name=f"Trung tâm Phục vụ hành chính công {name[0].lower()}{name[1:]}",
            kind=Agency.Kind.SERVICE_CENTRE,
            administrative_unit=new_units[code],
            valid_from=REFORM_DAY,
            parent=new_communes[code],
        )

    for code, _name, _type, successor in OLD_COMMUNES:
        UnitSuccession.objects.get_or_create(
            old_unit=old_units[code],
            new_unit=new_units[successor],
            defaults={
                "effective_date": REFORM_DAY,
                "kind": UnitSuccession.Kind.MERGED_INTO,
                "legal_basis": f"{NEW_BASIS}; {COMMUNE_RESOLUTION}",
            },
        )
    UnitSuccession.objects.get_or_create(
        old_unit=district,
        new_unit=None,
        defaults={
            "effective_date": REFORM_DAY,
            "kind": UnitSuccession.Kind.ABOLISHED,
            "legal_basis": "Nghị quyết 203/2025/QH15; Luật Tổ chức chính quyền địa phương 72/2025/QH15",
        },
    )
    UnitSuccession.objects.get_or_create(
        old_unit=quang_nam,
        new_unit=da_nang,
        defaults={
            "effective_date": REFORM_DAY,
            "kind": UnitSuccession.Kind.MERGED_INTO,
            "legal_basis": "Nghị quyết 202/2025/QH15",
        },
    )
    return DemoUnits(committee, offices, communes, desks, new_communes)
