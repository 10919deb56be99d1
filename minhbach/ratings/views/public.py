"""Citizen pages of satisfaction ratings. No login, and nothing about the rater is kept.

``/danh-gia/<code>/?t=…`` is opened from the QR code on the receipt (Mẫu 01) with the citizen's
own phone; the token is single use and the page opens only once the result has been returned
(status 10, DOMAIN.md §7.4). ``/danh-gia/quay/<agency>/`` is the counter tablet: the citizen
types the dossier code; each rating is tagged ``kiosk`` and the page is throttled per client IP.
The kiosk never lists dossier codes: on an unattended tablet that list would be public.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from minhbach.dossiers.models import Dossier, Status
from minhbach.ratings import services, tokens
from minhbach.ratings.models import COMMENT_MAX_LENGTH, CRITERIA, RatingChannel, RatingTokenUse
from minhbach.units.models import Agency

CRITERION_CHOICES = [
    ("", gettext_lazy("Không đánh giá")),
    ("0", gettext_lazy("0 – Chưa tốt")),
    ("1", gettext_lazy("1 – Đạt")),
    ("2", gettext_lazy("2 – Tốt")),
]


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Mức độ hài lòng"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Vui lòng chọn một mức độ hài lòng.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Ý kiến khác (không bắt buộc)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )

    def __init__(self, *args, levels: tuple[services.Level, ...], criteria: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv.code, lv.label) for lv in levels]
        if criteria:
            for number, label in enumerate(CRITERIA, start=1):
                self.fields[f"c{number}"] = forms.ChoiceField(
                    label=label, required=False, choices=CRITERION_CHOICES
                )

    def criteria(self) -> dict[str, int]:
        return {
            name[1:]: int(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("c") and name[1:].isdigit() and value != ""
        }

    def criterion_fields(self):
        return [self[name] for name in self.fields if name.startswith("c") and name[1:].isdigit()]


class KioskForm(RatingForm):
    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ (in trên phiếu hẹn trả kết quả)"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )


def _private(response: HttpResponse) -> HttpResponse:
    """Not cached, not indexed, and the token in the address never leaks through a Referer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _message(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    context = {"title": title, "message": message}
    return _private(render(request, "ratings/public/message.html", context, status=status))


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    token = request.GET.get("t", "")
    title = _("Đánh giá mức độ hài lòng")
    dossier = (
        Dossier.objects.filter(code=code).only("pk", "code", "status").first()
        if tokens.token_matches(code, token)
        else None
    )
    if dossier is None:
        message = _("Liên kết đánh giá không hợp lệ. Vui lòng quét lại mã QR trên phiếu hẹn trả kết quả.")
        return _message(request, title, message, status=404)
    if RatingTokenUse.objects.filter(digest=tokens.digest(token)).exists():
        message = _("Mã đánh giá trên phiếu hẹn này đã được sử dụng. Mỗi mã chỉ dùng để đánh giá một lần.")
        return _message(request, title, message, status=409)
    if dossier.status != Status.RETURNED:
        message = _("Hồ sơ chưa được trả kết quả. Ông/bà có thể đánh giá sau khi nhận kết quả.")
        return _message(request, title, message, status=400 if request.method == "POST" else 200)
    form = RatingForm(request.POST if request.method == "POST" else None, levels=services.levels_in_force())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.rating_submit(
                    dossier=dossier,
                    level=form.cleaned_data["level"],
                    channel=RatingChannel.QR,
                    criteria=form.criteria(),
                    comment=form.cleaned_data["comment"],
                    token=token,
                )
            except services.RatingRefused as error:
                return _message(request, title, " ".join(error.messages), status=error.status)
            return redirect("ratings:thanks")
    context = {"form": form, "code": dossier.code}
    return _private(render(request, "ratings/public/rate.html", context, status=status))


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "ratings/public/thanks.html", {}))


# --- Counter kiosk ---------------------------------------------------------------------------


def kiosk_rate_limit() -> tuple[int, int]:
    """(ratings, seconds) per client IP: ``RATINGS_KIOSK_RATE_LIMIT`` per ``RATINGS_KIOSK_RATE_WINDOW``."""
    return (
        int(getattr(settings, "RATINGS_KIOSK_RATE_LIMIT", 20)),
        int(getattr(settings, "RATINGS_KIOSK_RATE_WINDOW", 600)),
    )


def _kiosk_attempt_allowed(request: HttpRequest) -> bool:
    """Count one submission from the client IP (``REMOTE_ADDR``, set by the reverse proxy)."""
    limit, window = kiosk_rate_limit()
    ip = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = f"ratings-kiosk:{hashlib.sha256(ip.encode()).hexdigest()}"
    cache.add(key, 0, timeout=window)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        hits = 1
    return hits <= limit


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=slug)
    if request.method == "POST" and not _kiosk_attempt_allowed(request):
        minutes = max(1, kiosk_rate_limit()[1] // 60)
        message = _("Thiết bị đã gửi quá nhiều đánh giá. Vui lòng thử lại sau %(minutes)d phút.") % {
            "minutes": minutes
        }
        return _message(request, _("Đánh giá tại quầy"), message, status=429)
    form = KioskForm(
        request.POST if request.method == "POST" else None,
        levels=services.levels_in_force(),
        criteria=False,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            dossier = Dossier.objects.filter(
                code=form.cleaned_data["code"].strip(), receiving_agency__path__startswith=agency.path
            ).first()
            if dossier is None:
                form.add_error("code", _("Không tìm thấy hồ sơ có mã này tại nơi tiếp nhận."))
            else:
                try:
                    services.rating_submit(
                        dossier=dossier,
                        level=form.cleaned_data["level"],
                        channel=RatingChannel.KIOSK,
                        comment=form.cleaned_data["comment"],
                    )
                except services.RatingRefused as error:
                    form.add_error(None, error.messages)
                    status = error.status
                else:
                    context = {"agency": agency}
                    return _private(render(request, "ratings/public/kiosk_thanks.html", context))
    context = {"form": form, "agency": agency}
    return _private(render(request, "ratings/public/kiosk.html", context, status=status))
