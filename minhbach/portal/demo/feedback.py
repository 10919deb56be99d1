"""Demo feedback (PAKN) 01/9/2023–30/11/2024 for the communes and district offices of Bắc Trà My.

A few hundred items at full scale (``scale`` follows ``MINHBACH_DEMO_DOSSIER_SCALE``, with a floor
so that every case below still appears at test scale): questions on regulations, complaints
about delays, a few harassment reports (``conduct``) with substantiated yes/no, some forwarded to
the competent office (a few after the 5 working days of NĐ 20/2008 Điều 9), some refused, some
late, some with information requested, a few reopened by a citizen's follow-up, and likes and
dislikes on published answers.

Every item goes through the services (``minhbach.feedback.services``): the history, the ledger,
the SLA due moments and the redaction are exactly what the pages produce. A few hundred items
take a few seconds, so there is no bulk path to keep equivalent.

Citizens' texts deliberately contain personal data (phones written in several ways, 12-digit
citizen IDs, e-mails): the published question is ``suggest_redaction`` of it, as an officer
would confirm, so the public pages exercise the redaction (and the test of the issue checks
that nothing leaks). All people and numbers are synthetic.

Loading twice adds nothing: if any demo agency already has feedback in the period, it is skipped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random

from django.db import transaction

from minhbach.core.workdays import engine
from minhbach.core.workdays.calendar import load_calendar
from minhbach.feedback import services, sla
from minhbach.feedback.models import Category, Channel, Feedback, Substantiated
from minhbach.portal.demo.dossiers import END, FAMILY, FEMALE, MALE, START
from minhbach.portal.demo.units import OLD_COMMUNES, DemoUnits
from minhbach.units.models import Agency

SEED = 20230902
FULL_SCALE_ITEMS = 240
MIN_ITEMS = 40
VN = engine.VN_TZ

CHANNELS = (
    (Channel.MINHBACH, 0.35),
    (Channel.NATIONAL_PORTAL, 0.2),
    (Channel.PROVINCIAL_PORTAL, 0.1),
    (Channel.COUNTER, 0.15),
    (Channel.HOTLINE, 0.1),
    (Channel.LETTER, 0.05),
    (Channel.COMMENT_BOX, 0.05),
)
VILLAGES = ("thôn 1", "thôn 2", "thôn 3", "thôn 4", "thôn 5", "thôn Đồng Trường", "thôn Tân Hiệp")

# (category, text template, answer). Placeholders: {contact} a way to reach the sender, {id} a
# citizen ID, {procedure}, {days}.
REGULATION = (
    (
        Category.UNSUITABLE,
        "Tôi nộp hồ sơ {procedure} đã {days} ngày mà chưa có kết quả, cán bộ hẹn nhiều lần. "
        "Đề nghị UBND xem xét, có gì liên hệ tôi qua số {contact}. CCCD của tôi: {id}.",
        "UBND đã kiểm tra: hồ sơ {procedure} phải xác minh thêm với cơ quan phối hợp nên chậm so với "
        "giấy hẹn. Đơn vị đã có văn bản xin lỗi, trả kết quả và chấn chỉnh việc theo dõi thời hạn.",
    ),
    (
        Category.OTHER,
        "Xin hỏi thủ tục {procedure} cần những giấy tờ gì và mất bao lâu? Tôi ở {village}, "
        "điện thoại {contact}.",
        "Thành phần hồ sơ và thời hạn giải quyết thủ tục {procedure} được niêm yết tại Bộ phận Một cửa "
        "và trên Cổng dịch vụ công; ông/bà có thể nộp trực tuyến hoặc trực tiếp.",
    ),
    (
        Category.UNSUITABLE,
        "Quy định phải nộp bản sao có chứng thực khi làm {procedure} gây tốn kém cho người dân vùng xa. "
        "Đề nghị cho dùng bản chụp kèm bản chính để đối chiếu. Liên hệ: {contact}.",
        "Theo Nghị định 23/2015/NĐ-CP, người dân được nộp bản chụp kèm bản chính để đối chiếu; "
        "UBND đã nhắc cán bộ Một cửa không yêu cầu bản sao chứng thực trong trường hợp này.",
    ),
    (
        Category.INCONSISTENT,
        "Thành phần hồ sơ {procedure} niêm yết ở xã khác với trên Cổng dịch vụ công. "
        "Tôi là {name}, số định danh {id}, email {email}.",
        "Đơn vị đã rà soát và cập nhật bảng niêm yết theo quyết định công bố thủ tục mới nhất của "
        "UBND tỉnh. Cảm ơn ông/bà đã phản ánh.",
    ),
    (
        Category.PROPOSAL,
        "Đề nghị bố trí thêm ngày tiếp nhận hồ sơ {procedure} vào sáng thứ Bảy cho người đi làm rẫy. "
        "SĐT {contact}.",
        "UBND ghi nhận kiến nghị; từ tháng tới Bộ phận Một cửa tiếp nhận hồ sơ vào sáng thứ Bảy "
        "tuần thứ nhất và thứ ba của tháng.",
    ),
    (
        Category.UNLAWFUL,
        "Cán bộ thu thêm phí photo khi làm {procedure}, không có trong quy định. "
        "Tôi đã nộp theo CCCD {id}, liên lạc {contact}.",
        "Qua kiểm tra, khoản thu photo không có trong danh mục phí, lệ phí; đơn vị đã hoàn trả và "
        "nhắc nhở cán bộ liên quan.",
    ),
)
CONDUCT = (
    "Cán bộ tiếp nhận hồ sơ {procedure} có thái độ hách dịch, bắt tôi đi lại nhiều lần. "
    "Tôi tên {name}, SĐT {contact}, CCCD {id}.",
    "Cán bộ gợi ý phải 'bồi dưỡng' thì hồ sơ {procedure} mới nhanh. Tôi ở {village}, gọi {contact}.",
    "Tôi bị hẹn lại 3 lần khi làm {procedure} mà không được giải thích lý do. Email: {email}.",
)
CONDUCT_ANSWERS = {
    Substantiated.YES: "Qua xác minh, phản ánh là có căn cứ. UBND đã kiểm điểm cán bộ liên quan, "
    "xin lỗi công dân và giải quyết dứt điểm hồ sơ.",
    Substantiated.NO: "Qua xác minh, làm việc với các bên và xem lại sổ theo dõi, phản ánh là không "
    "có căn cứ; hồ sơ bị trả lại vì thiếu giấy tờ theo quy định và đã được hướng dẫn một lần bằng phiếu.",
}
COMPLAINT = (
    "Tôi khiếu nại quyết định thu hồi đất của gia đình tại {village}, đề nghị xem xét lại. "
    "Liên hệ {contact}, CCCD {id}."
)
REFUSE_ANONYMOUS = (
    "Phản ánh ẩn danh, thiếu họ tên, địa chỉ: ghi nhận như thông tin tham khảo (NĐ 20/2008 Điều 7)."
)
REFUSE_COMPLAINT = (
    "Là khiếu nại, không thuộc phạm vi phản ánh, kiến nghị; đã hướng dẫn gửi theo Luật Khiếu nại."
)
# The first items play these cases, so that even the test-scale demo has each of them.
FORCED = (
    "follow_up", "forward_late", "forward", "conduct_yes", "conduct_no", "info", "late", "anonymous",
    "complaint", "follow_up",
)  # fmt: skip
FOLLOW_UPS = (
    "Câu trả lời chưa thỏa đáng: hồ sơ của tôi vẫn chưa được trả. Đề nghị kiểm tra lại, gọi {contact}.",
    "Tôi không đồng ý với kết quả xác minh, đề nghị xem xét lại. Email {email}.",
)
PROCEDURES = (
    "đăng ký khai sinh",
    "chứng thực bản sao từ bản chính",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "đăng ký kết hôn",
    "cấp giấy phép xây dựng nhà ở riêng lẻ",
    "xác nhận hộ nghèo",
    "đăng ký thường trú",
)
# Forwards go to the office competent for the subject (Phòng TN-MT for land, Tư pháp otherwise).
FORWARD_TO = ("phong-tai-nguyen-moi-truong", "phong-tu-phap", "phong-lao-dong-tbxh")
OFFICE_TARGETS = (
    "phong-tu-phap",
    "phong-tai-nguyen-moi-truong",
    "phong-kinh-te-ha-tang",
    "phong-lao-dong-tbxh",
)


@dataclasses.dataclass
class DemoFeedback:
    items: int = 0
    published: int = 0
    reopened: int = 0
    forwarded: int = 0
    reactions: int = 0
    skipped: bool = False


def _phone(rng: random.Random) -> str:
    digits = f"0{rng.choice('3579')}{rng.randint(10, 99)}{rng.randint(100000, 999999)}"
    style = rng.randrange(5)
    if style == 0:
        return digits
    if style == 1:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if style == 2:
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    if style == 3:
        return f"+84 {digits[1:4]} {digits[4:7]} {digits[7:]}"
    return f"{digits[:4]}-{digits[4:7]}-{digits[7:]}"


def _citizen_id(rng: random.Random) -> str:
    digits = f"049{rng.choice('0123')}{rng.randint(60, 99):02d}{rng.randint(0, 999999):06d}"
    return digits if rng.random() < 0.6 else f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"


def _name(rng: random.Random) -> str:
    middles, givens = rng.choice((MALE, FEMALE))
    return f"{rng.choice(FAMILY)} {rng.choice(middles)} {rng.choice(givens)}"


def _email(rng: random.Random, name: str) -> str:
    base = "".join(ch for ch in name.split()[-1].lower() if ch.isascii() and ch.isalpha()) or "dan"
    return f"{base}{rng.randint(60, 99)}@{rng.choice(('gmail.com', 'yahoo.com', 'quangnam.vn'))}"


def _fill(template: str, rng: random.Random, name: str, email: str) -> str:
    contact = _phone(rng) if rng.random() < 0.8 else email
    return template.format(
        contact=contact,
        id=_citizen_id(rng),
        procedure=rng.choice(PROCEDURES),
        days=rng.randint(10, 40),
        village=rng.choice(VILLAGES),
        name=name,
        email=email,
    )


class _Clock:
    """Moments in office hours, ``n`` working days after a moment, on the seeded calendar."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cal = load_calendar(START - dt.timedelta(days=10), END + dt.timedelta(days=200))

    def after(self, moment: dt.datetime, n: int) -> dt.datetime:
        day = engine.to_local(moment).date()
        target = engine.add_working_days(day, n, self.cal).due_date if n > 0 else day
        minutes = self.rng.randint(7 * 60 + 30, 16 * 60 + 30)
        result = dt.datetime.combine(target, dt.time(0), tzinfo=VN) + dt.timedelta(minutes=minutes)
        return max(result, moment + dt.timedelta(minutes=30))


class _Stop(Exception):
    """The next step would fall after the end of the demo period: the item stays open."""


def _agencies(units: DemoUnits) -> tuple[list[Agency], list[Agency], dict[str, Agency]]:
    communes = [units.communes[code] for code, *_rest in OLD_COMMUNES if code in units.communes]
    offices = [units.offices[slug] for slug in OFFICE_TARGETS if slug in units.offices]
    return communes, offices, units.offices


def demo_exists(agencies: list[Agency]) -> bool:
    lo, hi = engine.end_of_day(START - engine.ONE_DAY), engine.end_of_day(END)
    return Feedback.objects.filter(agency__in=agencies, received_at__gte=lo, received_at__lt=hi).exists()


@transaction.atomic
def load_feedback(units: DemoUnits, *, scale: float = 1.0, seed: int = SEED) -> DemoFeedback:
    """Create the demo feedback through the services; nothing when the demo is already there."""
    communes, offices, all_offices = _agencies(units)
    if not communes or demo_exists(communes + offices):
        return DemoFeedback(skipped=True)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    clock = _Clock(rng)
    horizon = engine.end_of_day(END)
    total = max(round(FULL_SCALE_ITEMS * scale), MIN_ITEMS)
    span = (END - START).days
    days = sorted(START + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(total))
    summary = DemoFeedback()
    runner = _Runner(rng, clock, horizon, all_offices, summary)
    with sla.shared_context():  # one calendar per agency for the whole load
        for n, day in enumerate(days):
            agency = rng.choice(communes) if n < len(FORCED) or rng.random() < 0.7 else rng.choice(offices)
            received = clock.after(dt.datetime.combine(day, dt.time(0), tzinfo=VN), 0)
            runner.run(n, agency, received)
    return summary


class _Runner:
    def __init__(self, rng, clock, horizon, offices, summary) -> None:
        self.rng, self.clock, self.horizon, self.offices, self.summary = rng, clock, horizon, offices, summary

    def at(self, moment: dt.datetime, n: int) -> dt.datetime:
        result = self.clock.after(moment, n)
        if result >= self.horizon:
            raise _Stop
        return result

    def run(self, n: int, agency: Agency, received: dt.datetime) -> None:
        self.forced = FORCED[n] if n < len(FORCED) else ""
        rng = self.rng
        name = _name(rng)
        email = _email(rng, name)
        roll, forced = rng.random(), self.forced
        anonymous = forced == "anonymous" or (not forced and roll < 0.04)
        complaint = forced == "complaint" or (not forced and 0.04 <= roll < 0.08)
        conduct = forced.startswith("conduct") or (not forced and 0.08 <= roll < 0.16)
        if conduct:
            category, template, answer = Category.CONDUCT, rng.choice(CONDUCT), ""
        elif complaint:
            category, template, answer = Category.OTHER, COMPLAINT, ""
        else:
            category, template, answer = rng.choice(REGULATION)
        channel = rng.choices([c for c, _w in CHANNELS], weights=[w for _c, w in CHANNELS])[0]
        sender = services.Sender(
            name=name,
            address=f"{rng.choice(VILLAGES).capitalize()}, {agency.name.replace('UBND ', '')}",
            phone=_phone(rng).replace(" ", "").replace(".", "").replace("-", ""),
            email=email if rng.random() < 0.5 else "",
            anonymous=anonymous,
        )
        procedure = rng.choice(PROCEDURES)
        item = services.feedback_receive(
            actor=None, agency=agency, channel=channel, category=category, sender=sender,
            text=_fill(template, rng, name, email), received_at=received, out_of_scope=complaint,
            title=f"Về thủ tục {procedure}"[:255],
        )  # fmt: skip
        self.summary.items += 1
        with contextlib.suppress(_Stop):
            self._handle(item, anonymous, complaint, answer, agency, email, name)

    def _handle(self, item, anonymous, complaint, answer, agency, email, name) -> None:
        rng = self.rng
        moment = item.received_at
        if anonymous or complaint:
            reason = REFUSE_ANONYMOUS if anonymous else REFUSE_COMPLAINT
            at = self.at(moment, rng.choice((1, 1, 2, 3)))
            services.feedback_refuse(actor=None, feedback=item, reason=reason, at=at)
            return
        # Forward: a commune item on a land or social matter goes to the competent office.
        forced = self.forced
        if forced.startswith("forward") or (
            not forced
            and agency.kind != Agency.Kind.OFFICE
            and item.class_766 == "regulation"
            and rng.random() < 0.14
        ):
            to = self.offices.get(rng.choice(FORWARD_TO))
            if to is not None:
                delay = {"forward": 2, "forward_late": 8}.get(forced) or rng.choice((1, 2, 3, 4, 4, 5, 7, 8))
                moment = self.at(moment, delay)  # 7, 8: past the 5 working days
                item = services.feedback_forward(
                    actor=None, feedback=item, to_agency=to, at=moment,
                    note="Không thuộc thẩm quyền của xã (NĐ 20/2008 Điều 9 khoản 1 điểm d).",
                )  # fmt: skip
                self.summary.forwarded += 1
        if forced == "info" or (not forced and rng.random() < 0.1):
            moment = self.at(moment, rng.choice((1, 2, 3)))
            item = services.feedback_request_info(
                actor=None, feedback=item, note="Đề nghị cung cấp số biên nhận hồ sơ.", at=moment
            )
            moment = self.at(moment, rng.choice((2, 3, 5)))
            item = services.feedback_info_received(actor=None, feedback=item, at=moment)
        else:
            moment = self.at(moment, rng.choice((0, 1, 1, 2)))
            item = services.feedback_start_handling(actor=None, feedback=item, at=moment)
        late = forced == "late" or (not forced and rng.random() < 0.1)
        self._answer_and_publish(item, moment, late, answer, email)

    def _answer_and_publish(self, item, moment, late, answer, email, reopened=False) -> None:
        rng = self.rng
        if item.category == Category.CONDUCT and not reopened:
            yes = self.forced == "conduct_yes" or (self.forced != "conduct_no" and rng.random() < 0.35)
            outcome = Substantiated.YES if yes else Substantiated.NO
            moment = self.at(moment, rng.randint(3, 8))
            item = services.feedback_set_substantiated(
                actor=None, feedback=item, value=outcome, note="Biên bản xác minh.", at=moment
            )
            answer = CONDUCT_ANSWERS[outcome]
        text = (
            answer.format(procedure=rng.choice(PROCEDURES)) if answer else CONDUCT_ANSWERS[Substantiated.NO]
        )
        if reopened:
            text = "Trả lời bổ sung: đơn vị đã làm việc lại với công dân. " + text
        moment = self.at(moment, rng.randint(14, 20) if late else rng.randint(2, 8))
        item = services.feedback_submit_answer(actor=None, feedback=item, answer=text, at=moment)
        if rng.random() < 0.08:
            moment = self.at(moment, 1)
            item = services.feedback_return_for_rework(
                actor=None, feedback=item, note="Bổ sung căn cứ pháp lý.", at=moment
            )
            moment = self.at(moment, 1)
            item = services.feedback_submit_answer(actor=None, feedback=item, answer=text, at=moment)
        moment = self.at(moment, rng.choice((1, 1, 2)))
        item = services.feedback_approve(actor=None, feedback=item, at=moment)
        moment = self.at(moment, 4 if rng.random() < 0.05 else rng.choice((0, 1, 1, 2, 2)))
        item = services.feedback_publish(
            actor=None, feedback=item, question_redacted=services.suggest_redaction(item), at=moment
        )
        self.summary.published += not reopened
        self._react(item, moment)
        if not reopened and (self.forced == "follow_up" or (not self.forced and rng.random() < 0.07)):
            moment = self.at(moment, rng.randint(2, 10))
            name = _name(rng)
            services.feedback_follow_up(
                feedback=item,
                text=_fill(rng.choice(FOLLOW_UPS), rng, name, email),
                sender=services.Sender(name=name, address=rng.choice(VILLAGES), phone=_phone(rng)),
                device_token=f"demo-follow-up-{item.pk}",
                at=moment,
            )
            self.summary.reopened += 1
            moment = self.at(moment, 1)
            item = services.feedback_start_handling(actor=None, feedback=item, at=moment)
            self._answer_and_publish(item, moment, False, text, email, reopened=True)

    def _react(self, item, moment) -> None:
        rng = self.rng
        liked = rng.random() < 0.9
        for k in range(rng.randint(0, 6)):
            value = "like" if (rng.random() < 0.85) == liked else "dislike"
            at = moment + dt.timedelta(hours=rng.randint(1, 24 * 20))
            if at >= self.horizon:
                continue
            services.feedback_react(feedback=item, value=value, device_token=f"demo-{item.pk}-{k}", at=at)
            self.summary.reactions += 1


__all__ = ["DemoFeedback", "load_feedback"]
