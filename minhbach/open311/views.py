"""Open311 GeoReport v2 endpoints (DOMAIN.md §6.7): services = PAKN categories, requests = PAKN.

Reads are public and show only what the published pages show (see ``selectors``). POST /requests
needs the ``api_key`` of an active ``ApiClient`` (403 otherwise); it is CSRF-exempt because API
clients hold no session, and nothing is written without a valid key. Every failure answers in the
specification's error format, never with a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from minhbach.feedback.models import Category, Class766, SenderKind, class_766_of
from minhbach.open311 import render, selectors, services
from minhbach.units.models import Agency

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-25T00:00:00+07:00"
TOKEN_SALT = "minhbach.open311.token"  # noqa: S105 (a namespace, not a secret)
MAX_CODES = 1000
MIN_YEAR, MAX_YEAR = 1990, 2999
_OFFSET_SPACE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def _methods(*allowed: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str = "json", **kwargs) -> HttpResponse:
            if request.method not in allowed:
                response = render.errors(fmt, 405, [_("Phương thức không được hỗ trợ.")])
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, fmt=fmt, **kwargs)

        return wrapper

    return decorator


# --- discovery and services -------------------------------------------------------------------


@_methods("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": _("Bộ phận tiếp nhận phản ánh, kiến nghị của cơ quan quản lý hệ thống"),
        "key_service": _("Khóa api_key do quản trị hệ thống cấp (lệnh open311_client)."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.respond(fmt, data, root="discovery")


def _service(category: Category) -> dict:
    group = Class766(class_766_of(category.value))
    return {
        "service_code": category.value,
        "service_name": str(category.label),
        "description": _("%(label)s (Nghị định 20/2008/NĐ-CP Điều 5).") % {"label": category.label},
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join([_("phản ánh"), _("kiến nghị"), str(group.label).lower()]),
        "group": str(group.label),
    }


@_methods("GET", "HEAD")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return render.respond(fmt, [_service(c) for c in Category], root="services", item="service")


@_methods("GET", "HEAD")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    if code not in Category.values:
        return render.errors(fmt, 404, [_("Không có dịch vụ mã “%(code)s”.") % {"code": code[:40]}])
    agencies = Agency.objects.valid_on(timezone.localdate()).order_by("path").values_list("slug", "name")
    attributes = [
        {
            "variable": True,
            "code": "agency",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("Mã đường dẫn (slug) của cơ quan, đơn vị."),
            "order": 1,
            "description": _("Cơ quan, đơn vị nhận phản ánh (mặc định: đơn vị của ứng dụng gửi)."),
            "values": [{"key": slug, "name": name} for slug, name in agencies],
        },
        {
            "variable": True,
            "code": "procedure_code",
            "datatype": "string",
            "required": False,
            "datatype_description": _("Mã thủ tục hành chính, ví dụ 1.001193."),
            "order": 2,
            "description": _("Thủ tục hành chính liên quan."),
        },
        {
            "variable": True,
            "code": "dossier_code",
            "datatype": "string",
            "required": False,
            "datatype_description": _("Mã hồ sơ in trên giấy tiếp nhận."),
            "order": 3,
            "description": _("Hồ sơ liên quan."),
        },
        {
            "variable": True,
            "code": "sender_kind",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 4,
            "description": _("Người gửi là cá nhân, tổ chức hay doanh nghiệp."),
            "values": [{"key": k.value, "name": str(k.label)} for k in SenderKind],
        },
    ]
    return render.respond(fmt, {"service_code": code, "attributes": attributes}, root="service_definition")


# --- requests -----------------------------------------------------------------------------------


def _moment(raw: str, name: str, errors: list[str]) -> dt.datetime | None:
    """A W3C datetime (``2024-03-04T09:00:00+07:00``, ``…Z``) or a date; naive means Vietnam time."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        # An unescaped "+07:00" in a query string arrives as " 07:00".
        moment = parse_datetime(_OFFSET_SPACE.sub(r"\1+\2", raw))
        if moment is None and (day := parse_date(raw)) is not None:
            moment = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        moment = None
    if moment is not None and not MIN_YEAR <= moment.year <= MAX_YEAR:
        moment = None  # also keeps the 90-day window arithmetic away from datetime's limits
    if moment is None:
        errors.append(
            _("Tham số %(name)s phải là thời điểm theo chuẩn W3C, ví dụ 2024-03-04T09:00:00+07:00.")
            % {"name": name}
        )
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    params, errors = request.GET, []
    codes = _split(params.get("service_request_id", ""))
    if len(codes) > MAX_CODES:
        errors.append(_("Tối đa %(n)d mã phản ánh mỗi lần tra cứu.") % {"n": MAX_CODES})
    service_codes = _split(params.get("service_code", ""))
    if unknown := [c for c in service_codes if c not in Category.values]:
        errors.append(_("Mã dịch vụ không tồn tại: %(codes)s.") % {"codes": ", ".join(unknown)[:200]})
    statuses = {s.lower() for s in _split(params.get("status", ""))}
    if statuses - {"open", "closed"}:
        errors.append(_("Tham số status chỉ nhận open hoặc closed."))
    start = _moment(params.get("start_date", ""), "start_date", errors)
    end = _moment(params.get("end_date", ""), "end_date", errors)
    if start and end and start > end:
        errors.append(_("start_date phải trước end_date."))
    elif start and end and end - start > selectors.DEFAULT_WINDOW:
        errors.append(_("Khoảng thời gian tra cứu không được quá 90 ngày."))
    if errors:
        return render.errors(fmt, 400, errors)
    if not codes:
        # GeoReport v2: without dates, the most recent 90 days; with one, 90 days from or before it.
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - selectors.DEFAULT_WINDOW
        elif end is None:
            end = start + selectors.DEFAULT_WINDOW
    items = selectors.search(
        codes=codes, service_codes=service_codes, statuses=statuses, start=start, end=end
    )
    return render.respond(fmt, selectors.represent_all(items), root="service_requests", item="request")


def _form(request: HttpRequest) -> services.Submission:
    data = request.POST
    attributes = {}
    for key in data:
        if key.startswith("attribute[") and key.endswith("]"):
            attributes[key[len("attribute[") : -1]] = data.get(key, "")
    return services.Submission(
        service_code=data.get("service_code", "").strip(),
        description=data.get("description", ""),
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        address_string=data.get("address_string", ""),
        attributes=attributes,
    )


def token_for(code: str) -> str:
    return signing.dumps(code, salt=TOKEN_SALT)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    client = services.authenticate(key)
    if client is None:
        return render.errors(fmt, 403, [_("Thiếu khóa api_key hoặc khóa không hợp lệ.")])
    try:
        feedback = services.request_submit(client=client, submission=_form(request))
    except services.SubmissionError as exc:
        return render.errors(fmt, 400, exc.messages)
    row = {
        "service_request_id": feedback.code,
        "token": token_for(feedback.code),
        "service_notice": selectors.service_notice(),
        "account_id": None,
    }
    return render.respond(fmt, [row], root="service_requests", item="request")


@csrf_exempt
@_methods("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


def _not_found(fmt: str, code: str) -> HttpResponse:
    return render.errors(
        fmt, 404, [_("Không tìm thấy phản ánh, kiến nghị “%(code)s”.") % {"code": code[:40]}]
    )


@_methods("GET", "HEAD")
def request_detail(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    item = selectors.by_code(code)
    if item is None:
        return _not_found(fmt, code)
    return render.respond(fmt, [selectors.represent(item)], root="service_requests", item="request")


@_methods("GET", "HEAD")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    try:
        code = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        code = None
    if not isinstance(code, str) or not selectors.code_exists(code):
        return render.errors(fmt, 404, [_("Mã token không hợp lệ hoặc không tồn tại.")])
    return render.respond(
        fmt, [{"service_request_id": code, "token": token}], root="service_requests", item="request"
    )


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    fmt = "xml" if path.endswith(".xml") else "json"
    return render.errors(fmt, 404, [_("Không có tài nguyên này trong giao diện Open311.")])
