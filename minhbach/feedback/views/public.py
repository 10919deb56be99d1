"""Citizen pages: submit feedback, read published answers, mark them helpful or not.

Only the redacted question, the answer, the agency and the dates are shown: never the sender's
name, address, phone or e-mail (NĐ 13/2023/NĐ-CP; DOMAIN.md §6.6).
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minhbach.feedback import selectors, services
from minhbach.feedback.forms import FollowUpForm, ReactionForm, SubmitForm
from minhbach.feedback.models import Channel

DEVICE_COOKIE = "mb_device"
DEVICE_MAX_AGE = 5 * 365 * 24 * 3600
PAGE_SIZE = 20


def answers(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(selectors.published(query), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "feedback/public/list.html", {"page": page, "q": query})


def detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.published_by_code(code)
    return render(request, "feedback/public/detail.html", {"item": item, "follow_up_form": FollowUpForm()})


@require_POST
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    """A follow-up complaint about the published result (DOMAIN.md §6.3): the item is reopened."""
    item = selectors.published_by_code(code)
    form = FollowUpForm(request.POST)
    token = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(24)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_follow_up(
                feedback=item,
                text=data["text"],
                sender=services.Sender(
                    name=data["name"], address=data["address"], phone=data["phone"], email=data["email"]
                ),
                device_token=token,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            response = render(request, "feedback/public/follow_up_sent.html", {"item": item})
            response.set_cookie(DEVICE_COOKIE, token, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax")
            return response
    return render(request, "feedback/public/detail.html", {"item": item, "follow_up_form": form}, status=400)


def submit(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.feedback_receive(
                actor=request.user if request.user.is_authenticated else None,
                agency=data["agency"],
                channel=Channel.MINHBACH,
                category=data["category"],
                text=data["text"],
                sender=services.Sender(
                    name=data["name"],
                    address=data["address"],
                    phone=data["phone"],
                    email=data["email"],
                    kind=data["kind"],
                    anonymous=data["anonymous"],
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "feedback/public/submitted.html", {"code": item.code, "valid": item.valid})
    return render(request, "feedback/public/submit.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def react(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.published_by_code(code)
    form = ReactionForm(request.POST)
    token = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(24)
    if form.is_valid():
        services.feedback_react(feedback=item, value=form.cleaned_data["value"], device_token=token)
    response = redirect("feedback-public:detail", code=item.code)
    response.set_cookie(DEVICE_COOKIE, token, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax")
    return response
