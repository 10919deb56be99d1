"""Counts for 766 indicators 5.1–5.3 and the 5-day forwarding check, in SQL (DOMAIN.md §6.4, §6.5).

Dates across Tết Giáp Thìn 2024 (Thu 08/02 – Wed 14/02 off) are hand-computed; the start day is
day zero and not counted. The forward limit is 5 working days (NĐ 20/2008 Điều 9 khoản 1 điểm d).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from minhbach.accounts.tests.factories import make_official
from minhbach.core.models import RuleSet
from minhbach.core.workdays.seed import seed_years
from minhbach.feedback import metrics, services, sla
from minhbach.feedback.models import Category, Class766, Feedback, State
from minhbach.feedback.tests.test_sla import at
from minhbach.feedback.tests.test_views import ALL_PERMS, grant  # noqa: F401

D = dt.date
SENDER = services.Sender(name="Lê Thị Hoa", address="Thôn 2", phone="0905123456")


@pytest.fixture
def units(district):
    seed_years([2023, 2024, 2025])
    return district


def receive(agency, when, category=Category.OTHER, **kwargs):
    return services.feedback_receive(
        actor=None,
        agency=agency,
        channel="minhbach",
        text="Thủ tục chậm.",
        received_at=at(when),
        category=category,
        sender=kwargs.pop("sender", SENDER),
        **kwargs,
    )


def answer(item, *, handled, submitted, approved, published=None):
    item = services.feedback_start_handling(actor=None, feedback=item, at=at(handled))
    item = services.feedback_submit_answer(actor=None, feedback=item, answer="Trả lời.", at=at(submitted))
    item = services.feedback_approve(actor=None, feedback=item, at=at(approved))
    if published:
        item = services.feedback_publish(
            actor=None, feedback=item, question_redacted="Hỏi.", at=at(published)
        )
    return item


# Received; forward due (5 working days, 24:00 of that day).
FORWARD_VECTORS = [
    ("2024-02-07 10:00", D(2024, 2, 21)),  # 15, 16, 19, 20, 21 after Tết
    ("2024-02-10 09:00", D(2024, 2, 21)),  # received during Tết: counting starts Thu 15/02
    ("2024-02-02 08:00", D(2024, 2, 16)),  # 05, 06, 07, Tết, 15, 16
    ("2024-02-06 15:00", D(2024, 2, 20)),  # 07, Tết, 15, 16, 19, 20
    ("2024-04-26 09:00", D(2024, 5, 7)),  # 27/04–01/05 off, 02, 03, Sat 04/05 make-up, 06, 07
    ("2024-03-04 09:00", D(2024, 3, 11)),
]


@pytest.mark.parametrize(("received", "due"), FORWARD_VECTORS)
def test_forward_due_dates_match_hand_computed(units, received, due):
    item = receive(units.commune_a, received)
    assert sla.forward_deadline(item).due_date == due
    assert engine_local(item.forward_due_at) == dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min)
    timer = sla.forward_timer(item, at(f"{due} 23:59"))
    assert timer is not None and timer.status == sla.Status.DUE_SOON
    assert sla.forward_timer(item, at(f"{due + dt.timedelta(days=1)} 00:00")).status == sla.Status.LATE


def engine_local(moment):
    from minhbach.core.workdays import engine

    return engine.to_local(moment).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("forwarded", "late"),
    [
        ("2024-02-21 16:59", False),
        ("2024-02-21 23:59", False),
        ("2024-02-22 00:00", True),
        ("2024-02-26 08:00", True),
    ],
)
def test_forward_event_records_lateness_and_summary_counts_it(units, forwarded, late):
    item = receive(units.commune_a, "2024-02-07 10:00")
    services.feedback_forward(actor=None, feedback=item, to_agency=units.home_affairs, at=at(forwarded))
    event = item.events.get(action="forward")
    assert event.late is late
    summary = metrics.pakn_summary(units.commune_a, D(2024, 2, 1), D(2024, 2, 29))
    assert (summary.forwarded, summary.forwarded_late) == (1, int(late))
    assert summary.forwarded_on_time.numerator == int(not late)
    # Forwarded away: counted at the competent unit, not at the sender.
    assert summary.received == 0
    assert metrics.pakn_summary(units.home_affairs, D(2024, 2, 1), D(2024, 2, 29)).received == 1


def test_forward_timer_only_for_regulation_items_in_received(units):
    item = receive(units.commune_a, "2024-03-04 09:00")
    assert sla.forward_timer(item) is not None
    conduct = receive(units.commune_a, "2024-03-04 09:00", category=Category.CONDUCT)
    assert sla.forward_timer(conduct) is None
    item = services.feedback_start_handling(actor=None, feedback=item, at=at("2024-03-05 09:00"))
    assert sla.forward_timer(item) is None


def test_forward_limit_comes_from_the_rule_set(units):
    assert RuleSet.objects.get(code="vn-pakn", version=2).settings["feedback"]["sla"]["forward"] == 5
    RuleSet.objects.create(
        domain="feedback",
        code="tinh-thu",
        version=1,
        name="Tỉnh rút ngắn",
        valid_from=D(2024, 1, 1),
        settings={"feedback": {"sla": {"forward": 3}}},
    )
    item = receive(units.commune_a, "2024-03-04 09:00")
    assert sla.forward_deadline(item).due_date == D(2024, 3, 7)


def test_staff_page_shows_forward_timer_late(client, units, grant):  # noqa: F811
    item = receive(units.commune_a, "2024-02-07 10:00")
    officer = grant(make_official(units.commune_a, roles=()).user, *ALL_PERMS)
    client.force_login(officer)
    body = client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    row = body[body.index('data-timer="forward"') - 40 :][:600]
    assert 'class="overdue"' in row and "21/02/2024" in row  # today is long after 21/02/2024


# --- lateness and satisfaction ----------------------------------------------------------------


def test_late_answer_is_unsatisfied_and_on_time_is_not(units):
    on_time = answer(
        receive(units.commune_a, "2024-02-07 10:00"),
        handled="2024-02-07 11:00",
        submitted="2024-03-01 09:00",
        approved="2024-03-06 16:00",
        published="2024-03-07 09:00",
    )
    late = answer(
        receive(units.commune_a, "2024-02-07 10:00"),
        handled="2024-02-07 11:00",
        submitted="2024-03-06 09:00",
        approved="2024-03-07 00:00",
        published="2024-03-07 09:00",
    )
    rows = {f.pk: f for f in metrics.with_satisfaction(Feedback.objects.all(), at("2024-04-01 00:00"))}
    assert (rows[on_time.pk].late, rows[on_time.pk].unsatisfied) == (False, False)
    assert (rows[late.pk].late, rows[late.pk].unsatisfied) == (True, True)


def test_dislikes_and_follow_ups_make_an_item_unsatisfied(units):
    items = [
        answer(
            receive(units.commune_a, "2024-03-04 09:00"),
            handled="2024-03-04 10:00",
            submitted="2024-03-05 09:00",
            approved="2024-03-06 09:00",
            published="2024-03-06 10:00",
        )
        for _ in range(3)
    ]
    liked, disliked, followed = items
    for n, value in enumerate(("like", "like", "dislike")):
        services.feedback_react(feedback=liked, value=value, device_token=f"l{n}")
    for n, value in enumerate(("like", "dislike", "dislike")):
        services.feedback_react(feedback=disliked, value=value, device_token=f"d{n}")
    services.feedback_follow_up(
        feedback=followed, text="Chưa thỏa đáng.", sender=SENDER, at=at("2024-03-08 09:00")
    )
    rows = {f.pk: f for f in metrics.with_satisfaction(Feedback.objects.all(), at("2024-03-31 00:00"))}
    assert (rows[liked.pk].likes, rows[liked.pk].dislikes, rows[liked.pk].unsatisfied) == (2, 1, False)
    assert (rows[disliked.pk].likes, rows[disliked.pk].dislikes, rows[disliked.pk].unsatisfied) == (
        1,
        2,
        True,
    )
    assert rows[followed.pk].unsatisfied is True
    summary = metrics.pakn_summary(units.committee, D(2024, 3, 1), D(2024, 3, 31))
    assert summary.received == 3 and summary.unsatisfied == 2
    assert summary.satisfied == metrics.Ratio(1, 3)


def test_sql_lateness_agrees_with_the_item_page(units):
    """``late_q`` is the SQL twin of ``sla.answered_on_time`` over a mix of items and moments."""
    a = units.commune_a
    items = [
        receive(a, "2024-02-07 10:00"),  # still received: refuse timer runs
        services.feedback_refuse(
            actor=None, feedback=receive(a, "2024-02-07 10:00"), reason="x", at=at("2024-02-15 09:00")
        ),
        services.feedback_refuse(
            actor=None, feedback=receive(a, "2024-02-07 10:00"), reason="x", at=at("2024-02-19 09:00")
        ),
        services.feedback_request_info(
            actor=None, feedback=receive(a, "2024-02-07 10:00"), note="?", at=at("2024-02-22 09:00")
        ),
        services.feedback_start_handling(
            actor=None, feedback=receive(a, "2024-02-07 10:00"), at=at("2024-02-08 09:00")
        ),
        answer(
            receive(a, "2024-02-07 10:00"),
            handled="2024-02-07 11:00",
            submitted="2024-03-01 09:00",
            approved="2024-03-01 10:00",
        ),
        answer(
            receive(a, "2024-02-07 10:00"),
            handled="2024-02-07 11:00",
            submitted="2024-03-01 09:00",
            approved="2024-03-01 10:00",
            published="2024-03-07 09:00",
        ),
    ]
    info = services.feedback_request_info(
        actor=None, feedback=receive(a, "2024-02-07 10:00"), note="?", at=at("2024-02-07 11:00")
    )
    items.append(services.feedback_info_received(actor=None, feedback=info, at=at("2024-02-19 09:00")))
    items.append(
        services.feedback_start_handling(
            actor=None, feedback=receive(a, "2024-03-01 09:00"), at=at("2024-03-01 10:00")
        )
    )
    items.append(receive(a, "2024-03-06 09:00"))
    # Moments after the last event: the item page judges a timer met later than ``as_of`` by
    # that later moment, the counts (as of the end of a period) do not; see the next test.
    for when in (
        "2024-03-07 10:00",
        "2024-03-07 23:59",
        "2024-03-08 00:00",
        "2024-03-12 00:00",
        "2024-06-01 00:00",
    ):
        moment = at(when)
        late_ids = set(Feedback.objects.filter(metrics.late_q(moment)).values_list("pk", flat=True))
        expected = {i.pk for i in items if not sla.answered_on_time(Feedback.objects.get(pk=i.pk), moment)}
        assert late_ids == expected, when


def test_counts_judge_running_timers_at_the_end_of_the_period(units):
    # Refused on Mon 19/02, after the refuse timer (24:00 16/02): late in a period ending after
    # 16/02, but in a period ending 09/02 it was still within time.
    item = receive(units.commune_a, "2024-02-07 10:00")
    services.feedback_refuse(actor=None, feedback=item, reason="x", at=at("2024-02-19 09:00"))
    assert metrics.pakn_summary(units.commune_a, D(2024, 2, 1), D(2024, 2, 9)).on_time == metrics.Ratio(1, 1)
    assert metrics.pakn_summary(units.commune_a, D(2024, 2, 1), D(2024, 2, 29)).on_time == metrics.Ratio(0, 1)


def test_summary_scope_competence_and_classes(units, django_assert_max_num_queries):
    receive(units.commune_a, "2024-03-04 09:00")
    receive(units.commune_a, "2024-03-05 09:00", category=Category.CONDUCT)
    receive(units.commune_b, "2024-03-05 09:00")
    receive(units.commune_a, "2024-03-05 09:00", out_of_scope=True)  # complaint: not counted
    receive(units.commune_a, "2024-03-05 09:00", sender=services.Sender(anonymous=True))  # invalid
    receive(units.commune_a, "2024-02-05 09:00")  # before P, still open: carried over into 5.2
    receive(units.commune_a, "2024-04-05 09:00")  # after P
    with django_assert_max_num_queries(2):
        summary = metrics.pakn_summary(units.commune_a, D(2024, 3, 1), D(2024, 3, 31))
    assert summary.received == 2
    assert summary.by_class == {
        Class766.STAFF: metrics.Ratio(1, 2),
        Class766.REGULATION: metrics.Ratio(1, 2),
    }
    # 5.2 at 24:00 31/03: the two March items are still within their answer timer? No: the refuse
    # timer of an item left in "received" ran out after 2 working days, so all three are late.
    assert summary.on_time == metrics.Ratio(0, 3)
    district = metrics.pakn_summary(units.committee, D(2024, 3, 1), D(2024, 3, 31))
    assert district.received == 3
    assert metrics.pakn_summary(units.committee, D(2024, 3, 1), D(2024, 3, 31), subtree=False).received == 0


def test_open_item_within_time_at_end_of_period_is_on_time(units):
    item = receive(units.commune_a, "2024-03-25 09:00")
    services.feedback_start_handling(actor=None, feedback=item, at=at("2024-03-25 10:00"))
    summary = metrics.pakn_summary(units.commune_a, D(2024, 3, 1), D(2024, 3, 31))
    assert summary.on_time == metrics.Ratio(1, 1)  # answer due 15/04, P ends 31/03
    later = metrics.pakn_summary(units.commune_a, D(2024, 4, 1), D(2024, 4, 30))
    assert later.received == 0 and later.on_time == metrics.Ratio(0, 1)  # carried over, past due
    assert later.on_time.rate == 0 and metrics.Ratio(0, 0).rate is None


def test_recompute_all_restores_due_moments(units):
    item = receive(units.commune_a, "2024-02-07 10:00")
    expected = Feedback.objects.filter(pk=item.pk).values_list("answer_due_at", "forward_due_at").get()
    Feedback.objects.update(answer_due_at=None, forward_due_at=None)
    assert sla.recompute_all() == 1
    assert (
        Feedback.objects.filter(pk=item.pk).values_list("answer_due_at", "forward_due_at").get() == expected
    )
    assert item.state == State.RECEIVED
