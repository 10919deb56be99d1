"""Back office of the procedure listing: coverage, gaps, and recording what the counter shows.

Every agency is looked up through the user's scope (``policies.restrict``): outside it, or
without the right, the answer is 404, never 403. Writes go through ``procedures.listing``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minhbach.accounts import policies
from minhbach.procedures import coverage, listing, posters
from minhbach.procedures.models import Procedure, ProcedureAssignment, ProcedureListing
from minhbach.units.models import Agency

VIEW_PERM = "procedures.view_procedurelisting"
CHANGE_PERM = "procedures.change_procedurelisting"
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
RECORDABLE = [
    (ProcedureListing.Medium.PAPER.value, ProcedureListing.Medium.PAPER.label),
    (ProcedureListing.Medium.QR.value, ProcedureListing.Medium.QR.label),
    (ProcedureListing.Medium.BOTH.value, ProcedureListing.Medium.BOTH.label),
]


class CheckDateForm(forms.Form):
    ngay = forms.DateField(
        label=_("Ngày kiểm tra"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": _("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2025.")
        },
    )


class ListingRecordForm(forms.Form):
    procedure = forms.CharField(
        label=_("Mã thủ tục"), max_length=40, error_messages={"required": _("Chưa chọn thủ tục.")}
    )
    agency = forms.SlugField(
        label=_("Đơn vị niêm yết"), max_length=80, error_messages={"required": _("Chưa chọn đơn vị.")}
    )
    medium = forms.ChoiceField(
        label=_("Hình thức niêm yết"),
        choices=RECORDABLE,
        error_messages={
            "required": _("Chưa chọn hình thức niêm yết."),
            "invalid_choice": _("Hình thức niêm yết phải là bản giấy, mã QR hoặc cả hai."),
        },
    )
    location = forms.CharField(
        label=_("Vị trí niêm yết"),
        max_length=255,
        required=False,
        error_messages={"max_length": _("Vị trí niêm yết dài quá 255 ký tự.")},
    )
    posted_on = forms.DateField(
        label=_("Ngày niêm yết"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Ngày niêm yết không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.")},
    )

    def clean_posted_on(self) -> dt.date | None:
        value = self.cleaned_data.get("posted_on")
        if value is not None and value > timezone.localdate():
            raise ValidationError(gettext("Ngày niêm yết không được sau ngày hôm nay."))
        return value


class ListingCheckForm(forms.Form):
    procedure = forms.CharField(max_length=40, error_messages={"required": _("Chưa chọn thủ tục.")})
    agency = forms.SlugField(max_length=80, error_messages={"required": _("Chưa chọn đơn vị.")})


def _agency_in_scope(request: HttpRequest, slug: str, perm: str) -> Agency:
    if not request.user.has_perm(perm):
        raise Http404
    scoped = policies.restrict(Agency.objects.select_related("administrative_unit", "parent"), request.user)
    return get_object_or_404(scoped, slug=slug)


def _subtree_agency(request: HttpRequest, root: Agency, slug: str) -> Agency | None:
    """An agency under ``root`` and in the user's scope, or ``None``."""
    scoped = policies.restrict(Agency.objects.filter(path__startswith=root.path), request.user)
    return scoped.filter(slug=slug).first()


def _page(
    request: HttpRequest,
    agency: Agency,
    on: dt.date | None,
    *,
    record_form: ListingRecordForm | None = None,
    date_form: CheckDateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = coverage.check_context(agency, on)
    context = {
        "agency": agency,
        "ctx": ctx,
        "coverage": coverage.coverage(agency, ctx=ctx),
        "by_agency": coverage.coverage_by_agency(agency, ctx),
        "gaps": list(coverage.gaps(agency, ctx)),
        "listed": list(coverage.in_sync_rows(agency, ctx)),
        "record_form": record_form,
        "date_form": date_form or CheckDateForm(initial={"ngay": ctx.on.strftime("%d/%m/%Y")}),
        "media": RECORDABLE,
        "can_record": request.user.has_perm(CHANGE_PERM),
        "default_posted_on": coverage.default_check_date(agency),
    }
    return render(request, "procedures/staff/coverage.html", context, status=status)


@login_required
def coverage_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Coverage of a unit (criterion C2), per agency of its subtree, and its gaps."""
    agency = _agency_in_scope(request, slug, VIEW_PERM)
    date_form = CheckDateForm(request.GET or None)
    on = None
    if request.GET:
        if not date_form.is_valid():
            return _page(request, agency, None, date_form=date_form, status=400)
        on = date_form.cleaned_data["ngay"]
    return _page(request, agency, on, date_form=date_form if request.GET else None)


@login_required
@require_POST
def listing_record_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Record that a procedure is listed at the counter (paper, QR or both)."""
    root = _agency_in_scope(request, slug, CHANGE_PERM)
    form = ListingRecordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        target = _subtree_agency(request, root, data["agency"])
        procedure = Procedure.objects.filter(code=data["procedure"]).first()
        # Today, or the last day of a unit that no longer exists.
        posted_on = data["posted_on"] or (coverage.default_check_date(target) if target else None)
        if target is None:
            form.add_error("agency", gettext("Đơn vị không thuộc phạm vi được giao."))
        elif procedure is None:
            form.add_error("procedure", gettext("Không tìm thấy thủ tục có mã này."))
        elif not _assigned(target, procedure, posted_on):
            form.add_error("procedure", gettext("Thủ tục này không được giao cho đơn vị vào ngày niêm yết."))
        else:
            try:
                listing.listing_record(
                    actor=request.user,
                    agency=target,
                    procedure=procedure,
                    medium=data["medium"],
                    location=data["location"],
                    posted_on=posted_on,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Đã ghi nhận niêm yết thủ tục %(code)s tại %(agency)s.")
                    % {"code": procedure.code, "agency": target.name},
                )
                return redirect(reverse("listing:coverage", args=[root.slug]))
    messages.error(request, gettext("Chưa ghi nhận được: hãy sửa các lỗi bên dưới."))
    return _page(request, root, None, record_form=form, status=400)


def _assigned(agency: Agency, procedure: Procedure, on: dt.date) -> bool:
    return (
        ProcedureAssignment.objects.filter(agency=agency, procedure=procedure, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .exists()
    )


@login_required
@require_POST
def listing_check_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm after a walk to the counter that a listing is there as recorded."""
    root = _agency_in_scope(request, slug, CHANGE_PERM)
    form = ListingCheckForm(request.POST)
    record = None
    if form.is_valid():
        target = _subtree_agency(request, root, form.cleaned_data["agency"])
        record = (
            ProcedureListing.objects.select_related("agency", "procedure")
            .filter(agency=target, procedure__code=form.cleaned_data["procedure"])
            .first()
            if target is not None
            else None
        )
    if record is None:
        messages.error(request, gettext("Không tìm thấy niêm yết cần xác nhận."))
        return _page(request, root, None, status=400)
    try:
        listing.listing_check(actor=request.user, listing=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, root, None, status=400)
    messages.success(
        request, gettext("Đã xác nhận kiểm tra niêm yết thủ tục %(code)s.") % {"code": record.procedure.code}
    )
    return redirect(reverse("listing:coverage", args=[root.slug]))


@login_required
@require_POST
def poster_print(request: HttpRequest, slug: str) -> HttpResponse:
    """Print the unit's poster and record that its procedures are listed (paper and QR)."""
    agency = _agency_in_scope(request, slug, CHANGE_PERM)
    poster, pdf, _recorded = posters.generate_poster(actor=request.user, agency=agency, record=True)
    return posters.pdf_response(pdf, poster.filename, attachment=True)
