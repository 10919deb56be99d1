"""Back office of publication: the register of a unit, its contacts and its portal articles.

The agency is looked up through the user's scope and a missing permission answers 404, like an
agency out of scope (never 403). Writes go through ``services``; a refusal comes back as the page
with the message, status 400, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minhbach.disclosure import selectors, services
from minhbach.disclosure.forms import ArticleForm, ContactForm, ItemForm, PublishForm
from minhbach.disclosure.models import PublicationItem

VIEW = "disclosure.view_publicationitem"
ADD_ITEM = "disclosure.add_publicationitem"
CHANGE_ITEM = "disclosure.change_publicationitem"
ADD_CONTACT = "disclosure.add_unitcontact"
CHANGE_CONTACT = "disclosure.change_unitcontact"
ADD_ARTICLE = "disclosure.add_article"
CHANGE_ARTICLE = "disclosure.change_article"


def _require(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(p) for p in perms):
        raise Http404


def _register_page(request: HttpRequest, agency, *, status: int = 200, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    items = list(selectors.register(agency))
    for item in items:
        item.overdue = item.is_overdue(today)
    context = {
        "agency": agency,
        "items": items,
        "today": today,
        "contacts": selectors.current_contacts(agency, today),
        "articles": selectors.agency_articles(agency)[:30],
        "item_form": forms.get("item_form") or ItemForm(prefix="item"),
        "publish_form": forms.get("publish_form"),
        "blank_publish_form": PublishForm(prefix="pub", initial={"channels": ["portal"]}),
        "publish_pk": forms.get("publish_pk"),
        "error": forms.get("error"),
        "can": {
            "add_item": request.user.has_perm(ADD_ITEM),
            "change_item": request.user.has_perm(CHANGE_ITEM),
            "add_contact": request.user.has_perm(ADD_CONTACT),
            "change_contact": request.user.has_perm(CHANGE_CONTACT),
            "add_article": request.user.has_perm(ADD_ARTICLE),
            "change_article": request.user.has_perm(CHANGE_ARTICLE),
        },
    }
    return render(request, "disclosure/staff/register.html", context, status=status)


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, VIEW)
    return _register_page(request, selectors.staff_agency(request.user, slug))


@login_required
@require_POST
def item_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, VIEW, ADD_ITEM)
    agency = selectors.staff_agency(request.user, slug)
    form = ItemForm(request.POST, prefix="item")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.item_from_trigger(
                actor=request.user, agency=agency, kind=d["kind"], title=d["title"],
                trigger_kind=d["trigger_kind"], trigger_ref=f"{d['trigger_kind']}:{d['trigger_ref'].strip()}",
                trigger_at=d["trigger_date"], legal_basis=d["legal_basis"], due_at=d["due_at"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã thêm thông tin phải công khai vào sổ theo dõi."))
            return redirect("disclosure:register", slug=agency.slug)
    return _register_page(request, agency, item_form=form, status=400)


@login_required
@require_POST
def item_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require(request, VIEW, CHANGE_ITEM)
    agency = selectors.staff_agency(request.user, slug)
    item = selectors.staff_item(request.user, pk)
    if item.agency_id != agency.pk:
        raise Http404
    form = PublishForm(request.POST, prefix="pub")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.item_publish(
                actor=request.user, item=item, published_at=d["published_at"], url=d["url"],
                channels=d["channels"], evidence=d["evidence"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi nhận công khai."))
            return redirect("disclosure:register", slug=agency.slug)
    return _register_page(request, agency, publish_form=form, publish_pk=item.pk, status=400)


@login_required
def contact_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, VIEW, ADD_CONTACT)
    agency = selectors.staff_agency(request.user, slug)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.contact_create(actor=request.user, agency=agency, **d)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu đầu mối liên hệ."))
            return redirect("disclosure:register", slug=agency.slug)
    status = 400 if form.errors else 200
    return render(
        request, "disclosure/staff/contact_form.html", {"agency": agency, "form": form}, status=status
    )


@login_required
@require_POST
def contact_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require(request, VIEW, CHANGE_CONTACT)
    agency = selectors.staff_agency(request.user, slug)
    contact = selectors.staff_contact(request.user, pk)
    if contact.agency_id != agency.pk:
        raise Http404
    services.contact_confirm(actor=request.user, contact=contact)
    messages.success(request, _("Đã xác nhận thông tin đầu mối còn đúng."))
    return redirect("disclosure:register", slug=agency.slug)


def _article_items(agency, article=None):
    qs = PublicationItem.objects.filter(agency=agency, published_at__isnull=True)
    if article is not None and article.publication_item_id:
        qs = qs | PublicationItem.objects.filter(pk=article.publication_item_id)
    return qs.order_by("due_at")


def _article_form_page(request: HttpRequest, slug: str, pk: int | None) -> HttpResponse:
    agency = selectors.staff_agency(request.user, slug)
    article = None
    if pk is not None:
        article = selectors.staff_article(request.user, pk)
        if article.agency_id != agency.pk:
            raise Http404
    items = _article_items(agency, article)
    initial = {}
    if article is not None:
        initial = {f: getattr(article, f) for f in ("category", "title", "summary", "body", "published_at")}
        initial["publication_item"] = article.publication_item_id
    form = ArticleForm(request.POST or None, request.FILES or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = services.article_save(
                actor=request.user, agency=agency, category=d["category"], title=d["title"],
                summary=d["summary"], body=d["body"], published_at=d["published_at"],
                publication_item=d["publication_item"], article=article, files=d["files"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu bài viết “%(title)s”.") % {"title": saved.title})
            return redirect("disclosure:register", slug=agency.slug)
    status = 400 if form.errors else 200
    context = {"agency": agency, "form": form, "article": article}
    return render(request, "disclosure/staff/article_form.html", context, status=status)


@login_required
def article_create(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, VIEW, ADD_ARTICLE)
    return _article_form_page(request, slug, None)


@login_required
def article_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require(request, VIEW, CHANGE_ARTICLE)
    return _article_form_page(request, slug, pk)
