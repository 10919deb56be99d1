"""Citizen pages of the one-stop dossiers: online submission and public lookup. No login.

``/ho-so/nop-truc-tuyen/<procedure code>/`` registers a dossier online (status 1, Mới đăng ký;
NĐ 45/2020/NĐ-CP on online administrative procedures); the desk then accepts or refuses it.
``/ho-so/tra-cuu/`` answers "where is my dossier" for a code plus the last four digits of the
phone number given, and ``/ho-so/tra-cuu/<code>/?t=…`` does so for the QR code printed on the
receipt (Mẫu 01). What the lookup shows, and why, is in ``dossiers.lookup``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from minhbach.dossiers import links, lookup, services, uploads
from minhbach.dossiers.models import DossierDocument, Status
from minhbach.dossiers.public_forms import CODE_RE, LookupForm, OnlineSubmissionForm
from minhbach.procedures import selectors as procedure_selectors
from minhbach.procedures.models import Channel, Procedure

SESSION_RECEIPT = "dossiers.online_receipt"


def _private(response: HttpResponse) -> HttpResponse:
    """Dossier pages are nobody else's business: not cached, not indexed, token not leaked."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Online submission -----------------------------------------------------------------------


def _unavailable(request: HttpRequest, message: str, *, status: int, procedure: Procedure | None = None):
    context = {"message": message, "procedure": procedure}
    return render(request, "dossiers/public/unavailable.html", context, status=status)


def _discard_stored(files: list) -> None:
    """Remove files a failed registration already wrote (their names are random, so exact)."""
    field = DossierDocument._meta.get_field("file")
    for upload in files:
        name = field.generate_filename(None, upload.name)
        if field.storage.exists(name):
            field.storage.delete(name)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """The size limits must be in place before the body is read, and the CSRF check reads it:
    the handler goes in first, then the check runs (Django's documented pattern)."""
    limiter = uploads.LimitedUploadHandler(request)
    request.upload_handlers.insert(0, limiter)
    return _submit(request, procedure_code, limiter)


@csrf_protect
def _submit(request: HttpRequest, procedure_code: str, limiter: uploads.LimitedUploadHandler) -> HttpResponse:
    procedure = (
        Procedure.objects.select_related("current_version").filter(code=procedure_code).first()
        if procedure_selectors.CODE_RE.fullmatch(procedure_code)
        else None
    )
    if procedure is None or not procedure_selectors.is_public(procedure):
        return _unavailable(
            request, _("Không tìm thấy thủ tục hành chính đang áp dụng với mã này."), status=404
        )
    version = procedure.current_version
    bad_status = 400 if request.method == "POST" else 200
    if not version.channels.filter(channel=Channel.ONLINE).exists():
        message = _(
            "Thủ tục “%(name)s” chưa được tiếp nhận hồ sơ trực tuyến. "
            "Vui lòng nộp trực tiếp hoặc qua bưu chính."
        )
        return _unavailable(
            request, message % {"name": procedure.name}, status=bad_status, procedure=procedure
        )
    assignments = (
        procedure_selectors.active_assignments()
        .filter(procedure=procedure)
        .select_related("agency")
        .order_by("agency__path", "pk")
    )
    agencies = {a.agency.slug: a.agency for a in assignments}
    if not agencies:
        message = _("Hiện chưa có cơ quan nào tiếp nhận trực tuyến thủ tục “%(name)s”.")
        return _unavailable(
            request, message % {"name": procedure.name}, status=bad_status, procedure=procedure
        )

    form = OnlineSubmissionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        agencies=[(slug, agency.name) for slug, agency in agencies.items()],
        documents=list(version.documents.all()),
    )
    valid = request.method == "POST" and form.is_valid()
    for message in limiter.errors:
        form.add_error(None, message)
    if valid and not limiter.errors:
        data = form.cleaned_data
        attached = form.attached()
        try:
            dossier = services.dossier_register(
                actor=None,
                procedure_version=version,
                channel=Channel.ONLINE,
                receiving_agency=agencies[data["agency"]],
                owner=services.ApplicantData(
                    full_name=data["full_name"],
                    citizen_id=data["citizen_id"],
                    phone=data["phone"],
                    email=data["email"],
                    address=data["address"],
                ),
                subject=data["subject"],
                documents=[
                    services.SubmittedDocument(
                        name=document.name,
                        originals=0,
                        copies=0,
                        procedure_document_id=document.pk,
                        digitised=True,
                        file=upload,
                    )
                    for document, upload in attached
                ],
            )
        except ValidationError as error:
            _discard_stored([upload for _doc, upload in attached])
            form.add_error(None, error.messages)
        except BaseException:
            _discard_stored([upload for _doc, upload in attached])
            raise
        else:
            request.session[SESSION_RECEIPT] = {"code": dossier.code or "", "digits": data["phone"][-4:]}
            return redirect("dossiers-public:submitted")
    context = {
        "procedure": procedure,
        "version": version,
        "form": form,
        "max_file": uploads.format_megabytes(uploads.max_file_bytes()),
        "max_total": uploads.format_megabytes(uploads.max_total_bytes()),
    }
    return render(request, "dossiers/public/submit.html", context, status=bad_status)


@require_safe
def submitted(request: HttpRequest) -> HttpResponse:
    """The confirmation, from the submitter's own session only (it names the phone digits)."""
    receipt = request.session.get(SESSION_RECEIPT)
    if not receipt:
        return redirect("dossiers-public:lookup")
    code = receipt["code"]
    link = (
        f"{reverse('dossiers-public:lookup-code', args=[code])}?t={links.lookup_token(code)}" if code else ""
    )
    context = {"code": code, "digits": receipt["digits"], "lookup_link": link}
    return _private(render(request, "dossiers/public/submitted.html", context))


# --- Public lookup ---------------------------------------------------------------------------


def _too_many(request: HttpRequest) -> HttpResponse:
    _limit, window = lookup.rate_limit()
    response = render(
        request, "dossiers/public/rate_limited.html", {"minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return _private(response)


def _not_found(request: HttpRequest) -> HttpResponse:
    """One answer for a wrong code and for wrong digits: same status, same page, no echo."""
    context = {"form": LookupForm(), "not_found": True}
    return _private(render(request, "dossiers/public/lookup.html", context, status=404))


def _result(request: HttpRequest, dossier) -> HttpResponse:
    context = {"dossier": lookup.public_view(dossier), "rating_url": None}
    if dossier.status == Status.RETURNED:
        # The receipt's QR leads here; once the result is returned the citizen may rate it (§7.4).
        from minhbach.ratings.tokens import rating_url

        context["rating_url"] = rating_url(dossier.code)
    return _private(render(request, "dossiers/public/lookup_result.html", context))


@require_http_methods(["GET", "POST"])
def lookup_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "dossiers/public/lookup.html", {"form": LookupForm()})
    if not lookup.attempt_allowed(lookup.client_ip(request)):
        return _too_many(request)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _private(render(request, "dossiers/public/lookup.html", {"form": form}, status=400))
    code, digits = form.cleaned_data["code"], form.cleaned_data["digits"]
    if lookup.code_blocked(code):
        return _too_many(request)
    dossier = lookup.find_by_digits(code, digits)
    if dossier is None:
        lookup.record_failure(code)
        return _not_found(request)
    return _result(request, dossier)


@require_safe
def lookup_code(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt's QR: with a valid token, the status at once; otherwise ask for the digits.

    The token is checked without the database, so a bad token says nothing about the code.
    """
    if not lookup.attempt_allowed(lookup.client_ip(request)):
        return _too_many(request)
    if not CODE_RE.fullmatch(code):
        return _not_found(request)
    token = request.GET.get("t", "")
    dossier = lookup.find_by_token(code, token) if token else None
    if dossier is not None:
        return _result(request, dossier)
    context = {"form": LookupForm(initial={"code": code}), "bad_token": bool(token)}
    return _private(render(request, "dossiers/public/lookup.html", context))
