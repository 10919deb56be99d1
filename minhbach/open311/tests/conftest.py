"""Fixtures of the Open311 tests: a trusted client, and PAKN in the states the API maps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import pytest
import time_machine

from minhbach.core.workdays.seed import seed_years
from minhbach.feedback import services as fb
from minhbach.feedback.models import Category, Feedback
from minhbach.open311 import services

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2024, 3, 20, 10, 0, tzinfo=VN)

PHONE = "0912345678"
EMAIL = "mai.nguyen@example.vn"
CCCD = "049190000123"
SENDER = fb.Sender(name="Nguyễn Thị Mai", address="Số 12 đường Trần Phú", phone=PHONE, email=EMAIL)
#: What a citizen may type; none of it may reach a GET response.
PRIVATE = (SENDER.name, SENDER.address, PHONE, EMAIL, CCCD)
RAW_TEXT = f"Tôi là {SENDER.name}, CCCD {CCCD}, gọi {PHONE} hoặc gửi {EMAIL} không ai trả lời."


def parse_xml(content: bytes) -> ET.Element:
    """Parse a response of our own endpoint (trusted: the server under test wrote it)."""
    return ET.fromstring(content)  # noqa: S314


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def frozen():
    """Today is 20/03/2024 (the default window of GET /requests is the last 90 days)."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def calendar(db):
    seed_years([2023, 2024, 2025])


@pytest.fixture
def api_key(district):
    _client, key = services.api_client_create(
        actor=None, name="Cổng dịch vụ công tỉnh", agency=district.desk_a
    )
    return key


def receive(agency, *, when: str, category: str = Category.OTHER, sender=SENDER, **kwargs) -> Feedback:
    return fb.feedback_receive(
        actor=None, agency=agency, channel="minhbach", sender=sender, received_at=at(when), text=RAW_TEXT,
        category=category, **kwargs,
    )  # fmt: skip


def publish(item: Feedback, *, question: str, answer: str, when: str = "2024-03-12 09:00") -> Feedback:
    for step, kwargs in (("start_handling", {}), ("submit_answer", {"answer": answer}), ("approve", {})):
        item = getattr(fb, f"feedback_{step}")(actor=None, feedback=item, at=at(when), **kwargs)
    return fb.feedback_publish(actor=None, feedback=item, question_redacted=question, at=at(when))


@dataclass
class Items:
    received: Feedback
    published: Feedback
    refused: Feedback
    anonymous: Feedback
    anonymous_published: Feedback
    out_of_scope: Feedback
    old: Feedback


@pytest.fixture
def items(district, calendar, frozen) -> Items:
    """One item per case the API distinguishes, all received in March 2024 but ``old``."""
    received = receive(district.desk_a, when="2024-03-04 09:00", category=Category.CONDUCT)
    published = publish(
        receive(district.desk_a, when="2024-03-05 09:00", category=Category.UNSUITABLE),
        # The officer forgot the phone and the e-mail: the API redacts them again.
        question=f"Gọi {PHONE} hoặc gửi {EMAIL} không ai trả lời.",
        answer=f"Đã bố trí cán bộ trực; liên hệ lại qua {EMAIL}.",
    )
    refused = fb.feedback_refuse(
        actor=None,
        feedback=receive(district.desk_b, when="2024-03-06 09:00"),
        reason=f"Không đủ thông tin; người gửi số CCCD {CCCD}.",
        at=at("2024-03-07 09:00"),
    )
    anonymous = receive(district.desk_a, when="2024-03-07 09:00", sender=fb.Sender(anonymous=True))
    anonymous_published = publish(
        receive(district.desk_a, when="2024-03-08 09:00", sender=fb.Sender(anonymous=True)),
        question="Cán bộ một cửa hẹn nhiều lần.",
        answer="Đã nhắc nhở cán bộ.",
        when="2024-03-13 09:00",
    )
    out_of_scope = receive(district.desk_a, when="2024-03-09 09:00", out_of_scope=True)
    old = receive(district.desk_a, when="2023-10-02 09:00")
    return Items(received, published, refused, anonymous, anonymous_published, out_of_scope, old)
