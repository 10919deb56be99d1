"""Applicants hear about results, supplements and apologies after commit; officers get a digest."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from minhbach.accounts.models import Membership, Official
from minhbach.accounts.tests.factories import make_official
from minhbach.core.workdays import engine
from minhbach.dossiers import notifications, services, tasks
from minhbach.dossiers.links import lookup_url
from minhbach.dossiers.models import Applicant, Dossier, Status
from minhbach.dossiers.notifications import ConsoleSmsBackend, LocmemSmsBackend, SmsMessage
from minhbach.dossiers.tests.conftest import at
from minhbach.units.models import Agency
from minhbach.units.tests.factories import make_agency

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CITIZEN_ID = "049190000123"  # the conftest applicant's
ADDRESS = "Thôn 2, xã Trà Đốc, huyện Bắc Trà My"
EMAIL = "lan.ho@example.vn"


@pytest.fixture(autouse=True)
def channels(settings):
    """Tasks run at once, email in ``mail.outbox`` (pytest-django), SMS in the locmem outbox."""
    settings.TASKS = IMMEDIATE
    settings.MINHBACH_SMS_BACKEND = "minhbach.dossiers.notifications.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def in_progress(register):
    """A counter dossier accepted and transferred (status 4), its owner with email and address."""

    def _make(*, email: str = EMAIL, phone: str = "0905123456") -> Dossier:
        dossier = register(when="2024-03-04 08:00")
        Applicant.objects.filter(pk=dossier.owner_id).update(email=email, phone=phone, address=ADDRESS)
        dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 08:05"))
        return services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-04 09:00"))

    return _make


def _assert_nothing_personal(text: str) -> None:
    assert CITIZEN_ID not in text
    assert ADDRESS not in text
    assert "Trà Đốc" not in text and "Tra Doc" not in text


# --- Applicants --------------------------------------------------------------------------------


def test_finishing_emails_the_applicant_once_after_commit(in_progress, django_capture_on_commit_callbacks):
    dossier = in_progress()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-06 10:00"))
        assert mail.outbox == []  # not before the transition commits
        assert LocmemSmsBackend.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert dossier.code in message.subject and "đã có kết quả" in message.subject
    assert lookup_url(dossier.code) in message.body
    assert "Đã xử lý xong" in message.body  # status 9, in Vietnamese
    assert "06/03/2024" in message.body
    assert "Hồ Thị Lan" in message.body
    _assert_nothing_personal(message.subject + message.body)


def test_applicant_with_a_phone_gets_an_sms_too(in_progress, django_capture_on_commit_callbacks):
    dossier = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-06 10:00"))
    assert len(mail.outbox) == 1
    [sms] = LocmemSmsBackend.outbox
    assert sms.to == "0905123456"
    assert dossier.code in sms.body and lookup_url(dossier.code) in sms.body
    assert sms.body.isascii()  # no diacritics: one GSM-7 SMS holds 160 characters
    _assert_nothing_personal(sms.body)


def test_channels_follow_the_contacts_the_applicant_left(in_progress, django_capture_on_commit_callbacks):
    email_only, sms_only = in_progress(phone=""), in_progress(email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_finish(actor=None, dossier=email_only, at=at("2024-03-06 10:00"))
        services.dossier_finish(actor=None, dossier=sms_only, at=at("2024-03-06 10:00"))
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert [s.to for s in LocmemSmsBackend.outbox] == ["0905123456"]
    assert email_only.code in mail.outbox[0].subject and sms_only.code in LocmemSmsBackend.outbox[0].body


def test_rolled_back_transition_sends_nothing(in_progress, django_capture_on_commit_callbacks):
    dossier = in_progress()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-06 10:00"))
        raise RuntimeError("the caller failed after the service")
    assert callbacks == []
    assert mail.outbox == [] and LocmemSmsBackend.outbox == []
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_transitions_citizens_need_not_hear_about_send_nothing(register, django_capture_on_commit_callbacks):
    dossier = register(when="2024-03-04 08:00")
    Applicant.objects.filter(pk=dossier.owner_id).update(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier = services.dossier_accept(actor=None, dossier=dossier, accepted_at=at("2024-03-04 08:05"))
        services.dossier_transfer(actor=None, dossier=dossier, at=at("2024-03-04 09:00"))
    assert len(callbacks) == 2  # the signal is sent for every transition ...
    assert mail.outbox == [] and LocmemSmsBackend.outbox == []  # ... but only some are told


def test_supplement_request_lists_every_missing_item(in_progress, django_capture_on_commit_callbacks):
    dossier = in_progress()
    items = [
        {"name": "Bản sao Giấy khai sinh", "reason": "bản nộp bị mờ"},
        {"name": "Tờ khai theo mẫu", "reason": ""},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_request_supplement(
            actor=None, dossier=dossier, items=items, reason="Thiếu giấy tờ", at=at("2024-03-05 09:00")
        )
    [message] = mail.outbox
    assert "cần bổ sung" in message.subject and dossier.code in message.subject
    assert "1. Bản sao Giấy khai sinh (bản nộp bị mờ)" in message.body
    assert "2. Tờ khai theo mẫu" in message.body
    assert "Lý do: Thiếu giấy tờ" in message.body
    assert "05/03/2024" in message.body and lookup_url(dossier.code) in message.body
    _assert_nothing_personal(message.body)
    [sms] = LocmemSmsBackend.outbox
    assert "bo sung" in sms.body and dossier.code in sms.body


def test_supplement_request_before_acceptance_of_an_online_dossier(
    register, django_capture_on_commit_callbacks
):
    dossier = register(channel=2, when="2024-03-04 08:00")  # online: the code is issued at once
    Applicant.objects.filter(pk=dossier.owner_id).update(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_request_supplement(
            actor=None, dossier=dossier, items=[{"name": "Ảnh chân dung"}], reason="Thiếu ảnh"
        )
    [message] = mail.outbox
    assert dossier.code in message.subject and "1. Ảnh chân dung" in message.body


def test_apology_gives_the_reason_and_the_new_date(in_progress, django_capture_on_commit_callbacks):
    dossier = in_progress()
    dossier.refresh_from_db()
    new_due = dossier.effective_due_at + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_issue_extension(
            actor=None, dossier=dossier, reason="Chờ ý kiến cơ quan phối hợp", new_due_at=new_due,
            at=at("2024-03-05 09:00"),
        )  # fmt: skip
    [message] = mail.outbox
    assert "Xin lỗi" in message.subject and dossier.code in message.subject
    assert "xin lỗi" in message.body and "Lý do: Chờ ý kiến cơ quan phối hợp" in message.body
    assert engine.format_day((new_due - dt.timedelta(microseconds=1)).date()) in message.body
    assert lookup_url(dossier.code) in message.body
    _assert_nothing_personal(message.body)


def test_console_sms_backend_prints_the_message(settings, capsys, in_progress):
    settings.MINHBACH_SMS_BACKEND = "minhbach.dossiers.notifications.ConsoleSmsBackend"
    dossier = in_progress(email="")
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.FINISHED, finished_at=at("2024-03-06 10:00"))
    delivery = notifications.notify_applicant(dossier_id=dossier.pk, action="finish")
    assert (delivery.emails, delivery.sms) == (0, 1)
    out = capsys.readouterr().out
    assert "SMS to 0905123456" in out and dossier.code in out
    assert LocmemSmsBackend.outbox == []


def test_console_sms_backend_writes_to_a_given_stream():
    stream = io.StringIO()
    assert ConsoleSmsBackend(stream=stream).send_messages([SmsMessage("0905000000", "Xin chao")]) == 1
    assert "SMS to 0905000000\nXin chao" in stream.getvalue()


def test_sms_backend_is_chosen_by_settings(settings):
    settings.MINHBACH_SMS_BACKEND = "minhbach.dossiers.notifications.ConsoleSmsBackend"
    assert isinstance(notifications.get_sms_backend(), ConsoleSmsBackend)
    settings.MINHBACH_SMS_BACKEND = "minhbach.dossiers.notifications.LocmemSmsBackend"
    assert isinstance(notifications.get_sms_backend(), LocmemSmsBackend)


def test_email_backend_is_chosen_by_settings(settings, in_progress):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    dossier = in_progress(phone="")
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.FINISHED, finished_at=at("2024-03-06 10:00"))
    notifications.notify_applicant(dossier_id=dossier.pk, action="finish")
    assert mail.outbox == []  # the dummy backend swallowed it


def test_database_task_backend_queues_until_a_worker_runs(
    settings, monkeypatch, in_progress, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker recycles its connection between tasks; inside the test's transaction that would
    # close the connection that holds the uncommitted rows (PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    dossier = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_finish(actor=None, dossier=dossier, at=at("2024-03-06 10:00"))
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "minhbach.dossiers.tasks.notify_applicant"
    assert queued.args_kwargs == {"args": [], "kwargs": {"dossier_id": dossier.pk, "action": "finish"}}
    assert mail.outbox == []  # nothing sent by the web process
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]


def test_task_takes_ids_and_reports_what_it_sent(in_progress):
    dossier = in_progress()
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.FINISHED, finished_at=at("2024-03-06 10:00"))
    result = tasks.notify_applicant.enqueue(dossier_id=dossier.pk, action="finish")
    assert result.return_value == {"emails": 1, "sms": 1}
    assert tasks.notify_applicant.enqueue(dossier_id=0, action="finish").return_value == {
        "emails": 0,
        "sms": 0,
    }


# --- Officers' digest ---------------------------------------------------------------------------


def _due(register, agency: Agency, due: dt.date, *, status: int = Status.IN_PROGRESS) -> Dossier:
    """An open online dossier of ``agency`` due at the end of ``due`` (set directly: the digest reads)."""
    dossier = register(channel=2, when="2024-01-02 08:00")
    Dossier.objects.filter(pk=dossier.pk).update(
        receiving_agency=agency, status=status, effective_due_at=engine.end_of_day(due)
    )
    return dossier


def _official(agency: Agency, email: str) -> Official:
    official = make_official(agency)
    Official.objects.filter(pk=official.pk).update(email=email)
    return official


@pytest.fixture
def digest_setup(desk, register):
    other = make_agency(name="UBND xã Khác", kind=Agency.Kind.PEOPLE_COMMITTEE)
    _official(desk, "a@motcua.vn")
    _official(desk, "b@motcua.vn")
    _official(desk, "")  # no email: skipped and counted
    gone = _official(desk, "gone@motcua.vn")
    Membership.objects.filter(official=gone).update(valid_to=dt.date(2023, 12, 31))
    _official(other, "c@khac.vn")
    return desk, other


def _codes(message) -> set[str]:
    return {line.split(" | ")[0][2:] for line in message.body.splitlines() if line.startswith("- ")}


@pytest.mark.parametrize(
    ("day", "included", "excluded"),
    [
        # Friday: the next working day is Monday, across the weekend.
        ("2024-03-08", ["2024-03-11"], ["2024-03-08", "2024-03-12"]),
        # Wednesday before Tết Giáp Thìn: days off 08–14/02/2024, next working day Thursday 15/02.
        ("2024-02-07", ["2024-02-15"], ["2024-02-07", "2024-02-16"]),
        # An ordinary Tuesday.
        ("2024-03-05", ["2024-03-06"], ["2024-03-05", "2024-03-07"]),
    ],
)
def test_digest_lists_exactly_the_dossiers_due_on_the_next_working_day(
    digest_setup, register, day, included, excluded
):
    desk, other = digest_setup
    wanted = {_due(register, desk, dt.date.fromisoformat(d)).code for d in included}
    wanted_accepted = _due(register, desk, dt.date.fromisoformat(included[0]), status=Status.ACCEPTED).code
    for d in excluded:
        _due(register, desk, dt.date.fromisoformat(d))
    _due(register, desk, dt.date.fromisoformat(included[0]), status=Status.SUPPLEMENT_REQUESTED)
    _due(register, desk, dt.date.fromisoformat(included[0]), status=Status.FINISHED)
    other_code = _due(register, other, dt.date.fromisoformat(included[0])).code

    report = notifications.send_due_digest(dt.date.fromisoformat(day))

    assert report.targets[desk.pk] == dt.date.fromisoformat(included[0])
    assert (report.agencies, report.dossiers) == (2, len(wanted) + 2)
    assert report.skipped_without_email == 1
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["a@motcua.vn", "b@motcua.vn", "c@khac.vn"]  # one each; not "gone"
    assert _codes(by_address["a@motcua.vn"]) == {*wanted, wanted_accepted}
    assert _codes(by_address["b@motcua.vn"]) == {*wanted, wanted_accepted}
    assert _codes(by_address["c@khac.vn"]) == {other_code}
    assert engine.format_day(dt.date.fromisoformat(included[0])) in by_address["a@motcua.vn"].subject
    assert report.emails == 3


def test_digest_sends_nothing_when_nothing_is_due(digest_setup, register):
    desk, _other = digest_setup
    _due(register, desk, dt.date(2024, 3, 20))
    report = notifications.send_due_digest(dt.date(2024, 3, 8))
    assert (report.agencies, report.dossiers, report.emails) == (0, 0, 0)
    assert mail.outbox == []


def _digest_queries(day: dt.date) -> int:
    with CaptureQueriesContext(connection) as captured:
        notifications.send_due_digest(day)
    return len(captured)


def test_digest_queries_do_not_grow_with_dossiers_or_officials(digest_setup, register):
    desk, other = digest_setup
    monday = dt.date(2024, 3, 11)
    _due(register, desk, monday)
    _due(register, other, monday)
    few = _digest_queries(dt.date(2024, 3, 8))
    for _ in range(6):
        _due(register, desk, monday)
        _due(register, other, monday)
    _official(desk, "d@motcua.vn")
    _official(other, "e@khac.vn")
    many = _digest_queries(dt.date(2024, 3, 8))
    assert many == few
    # agencies, two territorial units x (rule set + calendar days), dossiers, recipients
    assert few == 1 + 2 * 2 + 1 + 1


def test_send_due_digest_command(digest_setup, register):
    desk, _other = digest_setup
    _due(register, desk, dt.date(2024, 3, 11))
    out = io.StringIO()
    call_command("send_due_digest", "--date", "2024-03-08", stdout=out)
    assert "1 hồ sơ đến hạn ở 1 cơ quan" in out.getvalue()
    assert "đã gửi 2 thư" in out.getvalue() and "1 cán bộ không có thư điện tử" in out.getvalue()
    assert len(mail.outbox) == 2


def test_send_due_digest_command_can_enqueue(digest_setup, register):
    desk, _other = digest_setup
    _due(register, desk, dt.date(2024, 3, 11))
    out = io.StringIO()
    call_command("send_due_digest", "--date", "2024-03-08", "--enqueue", stdout=out)
    assert "hàng đợi" in out.getvalue()
    assert len(mail.outbox) == 2  # the immediate backend ran it


def test_send_due_digest_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_due_digest", "--date", "08/03/2024")
