"""Demo publication of information (DOMAIN.md §8) for Bắc Trà My, 01/9/2023–30/11/2024.

Unit contacts (spokesperson, PAKN reception, one-stop desk) for the district People's Committee
and each commune, a register of items due with their publication (most on time, some late, two
never published), and the portal's news and documents, starting with the launch of the campaign
"Xây dựng môi trường hành chính trong sạch, lành mạnh, công khai, minh bạch".

Names, phone numbers, decision numbers and texts are fictional (phones in the 0235 area code of
Quảng Nam). Everything goes through the services, so due dates come from the rule set and the
calendar, and the ledger records it all. Running it twice creates nothing new: items are keyed by
their trigger, contacts by unit and kind, articles by slug.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.urls import reverse

from minhbach.disclosure import services
from minhbach.disclosure.models import Article, Channel, Kind, PublicationItem, UnitContact
from minhbach.portal.demo.units import DemoUnits
from minhbach.units.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY = dt.date(2023, 9, 1)
LAST_DAY = dt.date(2024, 11, 30)
CONTACTS_FROM = dt.date(2023, 9, 5)
CAMPAIGN = "Xây dựng môi trường hành chính trong sạch, lành mạnh, công khai, minh bạch"

# Commune committees whose contacts were last confirmed long ago (the page shows a warning).
STALE_COMMUNES = ("20917", "20932")
# (unit code or "district", trigger reference) of the items deliberately never published.
NEVER_PUBLISHED = (("20926", "decision:QT-2023/QĐ-UBND"), ("20932", "plan:BC-Q3-2024"))


@dataclass
class DemoDisclosure:
    contacts: int = 0
    items: int = 0
    published: int = 0
    late: int = 0
    unpublished: int = 0
    articles: int = 0


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN)


# --- Contacts ------------------------------------------------------------------------------------


def _contact(
    summary: DemoDisclosure, agency: Agency, kind: str, *, confirmed: dt.date | None, **fields
) -> None:
    if UnitContact.objects.filter(agency=agency, kind=kind).exists():
        return
    services.contact_create(
        actor=None, agency=agency, kind=kind, valid_from=CONTACTS_FROM,
        confirmed_at=_at(confirmed) if confirmed else None, **fields,
    )  # fmt: skip
    summary.contacts += 1


def _commune_contacts(summary: DemoDisclosure, code: str, n: int, committee: Agency, desk: Agency) -> None:
    place = committee.name.removeprefix("UBND ")
    confirmed = dt.date(2024, 6, 3) if code in STALE_COMMUNES else None
    phone = f"0235 3885 {200 + n * 3:03d}"
    _contact(
        summary, committee, UnitContact.Kind.SPOKESPERSON,
        name=committee.spokesperson_name or f"Chủ tịch UBND {place}",
        title=committee.spokesperson_position or f"Chủ tịch UBND {place}",
        phone=phone, decision_number=f"{40 + n}/QĐ-UBND", decision_date=CONTACTS_FROM, confirmed=confirmed,
    )  # fmt: skip
    _contact(
        summary, committee, UnitContact.Kind.PAKN_RECEPTION,
        name=f"Văn phòng – Thống kê UBND {place}", phone=f"0235 3885 {201 + n * 3:03d}",
        address=f"Trụ sở UBND {place}, huyện Bắc Trà My, tỉnh Quảng Nam", confirmed=confirmed,
    )  # fmt: skip
    _contact(
        summary, committee, UnitContact.Kind.ONE_STOP_DESK,
        name=desk.name, phone=f"0235 3885 {202 + n * 3:03d}",
        address=f"Trụ sở UBND {place}, huyện Bắc Trà My, tỉnh Quảng Nam",
        office_hours="Sáng 7h00–11h00, chiều 13h00–17h00 từ thứ Hai đến thứ Sáu; nhận hồ sơ đến 15h00",
        confirmed=confirmed,
    )  # fmt: skip


def _district_contacts(summary: DemoDisclosure, units: DemoUnits) -> None:
    committee = units.district_committee
    office = "Văn phòng HĐND và UBND huyện Bắc Trà My"
    address = "Thị trấn Trà My, huyện Bắc Trà My, tỉnh Quảng Nam"
    _contact(
        summary, committee, UnitContact.Kind.SPOKESPERSON,
        name=committee.spokesperson_name or "Nguyễn Văn Hùng",
        title=committee.spokesperson_position or "Chánh Văn phòng HĐND và UBND huyện",
        phone="0235 3882 101", email=committee.spokesperson_email or "vanphong@bactramy.quangnam.gov.vn",
        decision_number="1520/QĐ-UBND", decision_date=CONTACTS_FROM, confirmed=None,
    )  # fmt: skip
    _contact(
        summary, committee, UnitContact.Kind.PAKN_RECEPTION,
        name=office, phone="0235 3882 102", email="pakn@bactramy.quangnam.gov.vn", address=address,
        website="https://bactramy.quangnam.gov.vn", confirmed=None,
    )  # fmt: skip
    desk = units.offices.get("mot-cua-huyen")
    _contact(
        summary, committee, UnitContact.Kind.ONE_STOP_DESK,
        name=desk.name if desk else "Bộ phận Tiếp nhận và Trả kết quả huyện", phone="0235 3882 103",
        address=address,
        office_hours="Sáng 7h00–11h00, chiều 13h00–17h00 từ thứ Hai đến thứ Sáu; nhận hồ sơ đến 15h00",
        confirmed=None,
    )  # fmt: skip


# --- Register ------------------------------------------------------------------------------------

# (kind, trigger kind, reference, title, trigger day, district only / commune only / both)
PLAN: tuple[tuple[str, str, str, str, dt.date, str], ...] = (
    (Kind.PLAN_REPORT, "decision", "decision:KH-PT-2023",
     "Kế hoạch phát động phong trào thi đua “{campaign}”", dt.date(2023, 9, 1), "district"),
    (Kind.PROCEDURE_LISTING, "decision", "decision:1820/QĐ-UBND", "Niêm yết thủ tục hành chính theo "
     "Quyết định công bố 1820/QĐ-UBND của UBND tỉnh", dt.date(2023, 9, 20), "both"),
    (Kind.GRASSROOTS, "plan", "plan:DCCS-2023", "Công khai kế hoạch thực hiện dân chủ ở cơ sở năm 2023–2024",
     dt.date(2023, 10, 9), "commune"),
    (Kind.BUDGET, "decision", "decision:DT-2024/QĐ-UBND", "Công khai dự toán ngân sách năm 2024",
     dt.date(2023, 12, 22), "both"),
    (Kind.PLAN_REPORT, "decision", "decision:KH-CCHC-2024", "Kế hoạch cải cách hành chính năm 2024",
     dt.date(2024, 1, 5), "both"),
    (Kind.PROCEDURE_LISTING, "decision", "decision:245/QĐ-UBND", "Niêm yết thủ tục hành chính theo "
     "Quyết định công bố 245/QĐ-UBND của UBND tỉnh", dt.date(2024, 2, 7), "both"),
    (Kind.EMULATION_RESULT, "decision", "decision:SK-2024", "Kết quả sơ kết phong trào thi đua “{campaign}”",
     dt.date(2024, 3, 15), "district"),
    (Kind.PLAN_REPORT, "schedule", "plan:BC-Q2-2024", "Báo cáo cải cách hành chính quý II năm 2024",
     dt.date(2024, 6, 14), "both"),
    (Kind.BUDGET, "decision", "decision:QT-2023/QĐ-UBND", "Công khai quyết toán ngân sách năm 2023",
     dt.date(2024, 7, 19), "both"),
    (Kind.PLAN_REPORT, "schedule", "plan:BC-Q3-2024", "Báo cáo cải cách hành chính quý III năm 2024",
     dt.date(2024, 9, 13), "both"),
    (Kind.PROCEDURE_LISTING, "decision", "decision:2105/QĐ-UBND", "Niêm yết thủ tục hành chính theo "
     "Quyết định công bố 2105/QĐ-UBND của UBND tỉnh", dt.date(2024, 10, 21), "both"),
    (Kind.EMULATION_RESULT, "decision", "decision:TK-2024", "Kết quả chấm điểm thi đua đợt tổng kết "
     "“{campaign}”", dt.date(2024, 11, 18), "district"),
)  # fmt: skip

ARTICLE_FOR = {"decision:KH-PT-2023": "phat-dong-phong-trao-thi-dua-hanh-chinh-trong-sach-minh-bach"}


def _publish_day(rng: random.Random, item: PublicationItem, late: bool) -> dt.date:
    trigger_day = item.trigger_at.astimezone(VN).date()
    if late:
        return item.due_at + dt.timedelta(days=rng.randint(1, 9))
    span = max((item.due_at - trigger_day).days, 0)
    return trigger_day + dt.timedelta(days=rng.randint(min(1, span), span))


def _register(summary: DemoDisclosure, units: DemoUnits) -> None:
    places: list[tuple[str, Agency]] = [("district", units.district_committee)]
    places += sorted(units.communes.items())
    # The district's offices publish their own plans, reports and budget disclosures too (C1 of
    # the offices' emulation group).
    offices = [(slug, a) for slug, a in sorted(units.offices.items()) if a.kind == Agency.Kind.OFFICE]
    for code, agency in places + offices:
        is_office = (code, agency) in offices
        rng = random.Random(f"disclosure-{code}")  # noqa: S311 - deterministic demo, not security
        # The contacts' own items (spokesperson, PAKN address): published on the unit's page.
        contact_items = PublicationItem.objects.filter(
            agency=agency, kind__in=(Kind.SPOKESPERSON, Kind.RECEPTION_CONTACT), published_at__isnull=True
        )
        for item in contact_items:
            services.item_publish(
                actor=None, item=item, published_at=_at(_publish_day(rng, item, rng.random() < 0.1), 15),
                url=reverse("units-public:agency", kwargs={"slug": agency.slug}), channels=[Channel.PORTAL],
            )  # fmt: skip
        for kind, trigger_kind, ref, title, day, scope in PLAN:
            if is_office and (scope != "both" or kind not in (Kind.PLAN_REPORT, Kind.BUDGET)):
                continue
            if (scope == "district") != (code == "district") and scope != "both":
                continue
            item = services.item_from_trigger(
                actor=None, agency=agency, kind=kind, title=title.format(campaign=CAMPAIGN),
                trigger_kind=trigger_kind, trigger_ref=ref, trigger_at=_at(day, 8),
            )  # fmt: skip
            if item.published_at is not None or (code, ref) in NEVER_PUBLISHED or ref in ARTICLE_FOR:
                continue
            late = rng.random() < 0.15
            when = _publish_day(rng, item, late)
            channels = [Channel.NOTICE_BOARD]
            if code != "district":
                channels.append(Channel.LOUDSPEAKER)
            services.item_publish(
                actor=None, item=item, published_at=_at(when, 14), channels=channels,
                evidence="Biên bản niêm yết tại trụ sở (bản chụp lưu tại Văn phòng).",
            )  # fmt: skip


# --- Articles ------------------------------------------------------------------------------------

LAUNCH_BODY = (
    "Ngày 05/9/2023, Ủy ban nhân dân huyện Bắc Trà My tổ chức lễ phát động phong trào thi đua "
    f"“{CAMPAIGN}” trên địa bàn huyện, thực hiện từ ngày 01/9/2023 đến ngày 30/11/2024.\n\n"
    "Phong trào hướng đến ba mục tiêu: giải quyết thủ tục hành chính đúng hạn, đúng quy định, không để "
    "người dân, doanh nghiệp phải đi lại nhiều lần; công khai đầy đủ, kịp thời thủ tục hành chính, kết quả "
    "trả lời phản ánh, kiến nghị và các thông tin phải công khai theo quy định; xây dựng đội ngũ cán bộ, "
    "công chức có tinh thần phục vụ, không gây phiền hà, sách nhiễu.\n\n"
    "Đối tượng thi đua là các cơ quan chuyên môn thuộc UBND huyện và UBND 13 xã, thị trấn. Kết quả được "
    "đánh giá bằng bộ tiêu chí chấm điểm công khai, dựa trên số liệu của hệ thống: tỷ lệ hồ sơ giải quyết "
    "đúng hạn, tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn, tỷ lệ thông tin được công khai đúng hạn "
    "và mức độ hài lòng của người dân.\n\n"
    "Phòng Nội vụ là cơ quan thường trực, có trách nhiệm hướng dẫn, theo dõi và tổng hợp kết quả; tổ chức "
    "sơ kết vào tháng 3/2024 và tổng kết vào tháng 12/2024. Người dân có thể theo dõi kết quả của từng "
    "đơn vị trên trang Công khai của hệ thống."
)

ARTICLES: tuple[tuple[str, str, str, str, str, dt.date], ...] = (
    ("phat-dong-phong-trao-thi-dua-hanh-chinh-trong-sach-minh-bach", "plan",
     f"Phát động phong trào thi đua “{CAMPAIGN}”",
     "UBND huyện Bắc Trà My phát động phong trào thi đua trong toàn huyện từ 01/9/2023 đến 30/11/2024.",
     LAUNCH_BODY, dt.date(2023, 9, 5)),
    ("ke-hoach-cai-cach-hanh-chinh-nam-2024", "plan", "Kế hoạch cải cách hành chính năm 2024 của huyện",
     "Các nhiệm vụ cải cách thể chế, thủ tục hành chính, tổ chức bộ máy và chuyển đổi số năm 2024.",
     "UBND huyện ban hành Kế hoạch cải cách hành chính năm 2024 với trọng tâm là rút ngắn thời gian giải "
     "quyết thủ tục hành chính và tăng tỷ lệ hồ sơ trực tuyến.\n\nCác cơ quan, đơn vị xây dựng kế hoạch "
     "của mình và báo cáo kết quả hằng quý về Phòng Nội vụ.", dt.date(2024, 1, 10)),
    ("cong-khai-du-toan-ngan-sach-huyen-nam-2024", "budget", "Công khai dự toán ngân sách huyện năm 2024",
     "Số liệu dự toán thu, chi ngân sách địa phương năm 2024 đã được HĐND huyện quyết định.",
     "Thực hiện Luật Ngân sách nhà nước và Thông tư 343/2016/TT-BTC, UBND huyện công khai dự toán ngân "
     "sách năm 2024.\n\nBiểu số liệu chi tiết được niêm yết tại trụ sở UBND huyện.", dt.date(2024, 1, 15)),
    ("so-ket-phong-trao-thi-dua-nam-2024", "report", "Sơ kết phong trào thi đua sau 6 tháng triển khai",
     "Kết quả bước đầu của phong trào và những việc cần làm trong giai đoạn tiếp theo.",
     "Sau 6 tháng, tỷ lệ hồ sơ giải quyết đúng hạn toàn huyện tăng rõ rệt; các xã đã niêm yết đầy đủ "
     "thủ tục hành chính tại Bộ phận Một cửa.\n\nMột số đơn vị còn công khai chậm kết quả trả lời phản "
     "ánh, kiến nghị; Hội đồng Thi đua – Khen thưởng đề nghị khắc phục trong quý II.",
     dt.date(2024, 3, 22)),
    ("tra-son-niem-yet-thu-tuc-hanh-chinh", "news", "Xã Trà Sơn hoàn thành niêm yết thủ tục hành chính mới",
     "Bộ phận Một cửa xã niêm yết các thủ tục theo quyết định công bố mới của UBND tỉnh.",
     "Bộ phận Một cửa xã Trà Sơn đã niêm yết đầy đủ các thủ tục hành chính mới, kèm mã QR để người dân "
     "tra cứu thành phần hồ sơ trên điện thoại.", dt.date(2024, 2, 20)),
    ("tong-ket-phong-trao-thi-dua-hanh-chinh-minh-bach", "report",
     f"Tổng kết phong trào thi đua “{CAMPAIGN}”",
     "Kết quả chấm điểm các đơn vị và đề nghị khen thưởng sau 15 tháng thực hiện.",
     "Phong trào kết thúc ngày 30/11/2024. Kết quả chấm điểm của từng đơn vị được công khai để các đơn vị "
     "có ý kiến trước khi Hội đồng Thi đua – Khen thưởng xét đề nghị khen thưởng.", dt.date(2024, 12, 6)),
)  # fmt: skip


def _articles(summary: DemoDisclosure, units: DemoUnits) -> None:
    tra_son = units.communes.get("20900")
    for slug, category, title, lead, body, day in ARTICLES:
        if Article.objects.filter(slug=slug).exists():
            continue
        agency = tra_son if slug.startswith("tra-son") and tra_son else units.district_committee
        item = None
        for ref, article_slug in ARTICLE_FOR.items():
            if article_slug == slug:
                item = PublicationItem.objects.filter(agency=agency, trigger_ref=ref).first()
        services.article_save(
            actor=None, agency=agency, category=category, title=title, summary=lead, body=body,
            published_at=_at(day, 10), publication_item=item, slug=slug,
        )  # fmt: skip
        summary.articles += 1


def load_disclosure(units: DemoUnits) -> DemoDisclosure:
    """Contacts, register and articles of the demo; returns what was created (or found) this run."""
    summary = DemoDisclosure()
    _district_contacts(summary, units)
    for n, (code, committee) in enumerate(sorted(units.communes.items())):
        _commune_contacts(summary, code, n, committee, units.desks[code])
    _register(summary, units)
    _articles(summary, units)
    items = PublicationItem.objects.filter(agency__in=[units.district_committee, *units.communes.values()])
    summary.items = items.count()
    published = list(items.filter(published_at__isnull=False).only("published_at", "due_at"))
    summary.published = len(published)
    summary.late = sum(1 for i in published if i.published_at.astimezone(VN).date() > i.due_at)
    summary.unpublished = summary.items - summary.published
    return summary
