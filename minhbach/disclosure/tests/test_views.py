"""Pages of disclosure: public pages with query counts; staff pages against the role matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from minhbach.disclosure import services
from minhbach.disclosure.models import Article, ArticleAttachment, PublicationItem, UnitContact
from minhbach.disclosure.tests.conftest import at
from minhbach.disclosure.tests.test_uploads import PDF

D = dt.date


def register_url(agency):
    return reverse("disclosure:register", kwargs={"slug": agency.slug})


def article(agency, n: int, **kwargs):
    defaults = dict(
        actor=None, agency=agency, category="news", title=f"Tin số {n} về cải cách hành chính",
        summary="Tóm tắt", body="Đoạn một.\n\nĐoạn hai.", published_at=at("2024-05-02 08:00"),
    )  # fmt: skip
    return services.article_save(**{**defaults, **kwargs})


# --- Public pages -------------------------------------------------------------------------------


def test_article_list_filter_search_and_query_count(client, district, django_assert_max_num_queries):
    for n in range(25):
        article(district.commune_a if n % 2 else district.committee, n, category="plan" if n < 5 else "news")
    article(district.committee, 99, title="Bản nháp chưa đăng", published_at=None)
    article(district.committee, 100, title="Lịch tiếp công dân tháng 5")
    with django_assert_max_num_queries(3):
        response = client.get(reverse("disclosure-public:list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == 20
    assert "Bản nháp" not in response.content.decode()
    response = client.get(reverse("disclosure-public:list"), {"category": "plan"})
    assert response.context["page"].paginator.count == 5
    response = client.get(reverse("disclosure-public:list"), {"q": "lich tiep cong dan"})
    assert [a.title for a in response.context["page"]] == ["Lịch tiếp công dân tháng 5"]
    response = client.get(reverse("disclosure-public:list"), {"category": "secret"})
    assert response.status_code == 400
    assert "Chuyên mục không có trong danh sách." in response.content.decode()
    assert client.get(reverse("disclosure-public:list"), {"trang": "2"}).context["page"].number == 2


def test_article_detail_escapes_body_and_serves_attachments(
    client, district, tmp_path, settings, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    item = article(
        district.committee, 1, body="<script>alert(1)</script>\n\nĐoạn hai.",
        files=[SimpleUploadedFile("Kế hoạch.pdf", PDF, content_type="application/pdf")],
    )  # fmt: skip
    with django_assert_max_num_queries(2):
        response = client.get(reverse("disclosure-public:article", kwargs={"slug": item.slug}))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    attachment = item.attachments.get()
    assert attachment.title == "Kế hoạch.pdf"
    url = reverse("disclosure-public:attachment", kwargs={"slug": item.slug, "pk": attachment.pk})
    assert url in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    draft = article(district.committee, 2, published_at=None)
    assert client.get(reverse("disclosure-public:article", kwargs={"slug": draft.slug})).status_code == 404


def test_agency_page_contacts_rate_and_query_count(
    client, district, make_item, django_assert_max_num_queries
):
    services.contact_create(
        actor=None, agency=district.committee, kind=UnitContact.Kind.SPOKESPERSON, name="Trần Văn Bình",
        title="Chánh Văn phòng HĐND và UBND huyện", phone="0235 3882 101", email="vanphong@thu.gov.vn",
        valid_from=D(2024, 1, 2), decision_number="12/QĐ-UBND", decision_date=D(2024, 1, 2),
    )  # fmt: skip
    services.contact_create(
        actor=None, agency=district.committee, kind=UnitContact.Kind.PAKN_RECEPTION, name="Văn phòng",
        phone="0235 3882 102", valid_from=D(2024, 1, 2), confirmed_at=timezone.now() - dt.timedelta(days=200),
    )  # fmt: skip
    published = make_item(district.committee)
    services.item_publish(
        actor=None, item=published, published_at=at("2024-03-05 09:00"), channels=["letter"]
    )
    make_item(district.committee)
    url = reverse("units-public:agency", kwargs={"slug": district.committee.slug})
    with django_assert_max_num_queries(8):
        response = client.get(url, {"nam": "2024"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "0235 3882 101" in html and "Trần Văn Bình" in html
    assert "chưa được đơn vị xác nhận lại" in html  # the PAKN contact is stale, the spokesperson not
    assert html.count("chưa được đơn vị xác nhận lại") == 1
    # Spokesperson and PAKN-contact items (due 09/01) unpublished, two listings: 1 of 4 on time.
    assert "25.00%" in html or "25,00%" in html
    assert "1/4" in html
    assert "?agency=" in html and reverse("feedback-public:list") in html
    empty = client.get(
        reverse("units-public:agency", kwargs={"slug": district.commune_b.slug}), {"nam": "2024"}
    )
    assert "N/A" in empty.content.decode()
    assert client.get(reverse("units-public:agency", kwargs={"slug": "khong-co"})).status_code == 404


# --- Staff pages --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(register_url(district.desk_a))
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


@pytest.mark.parametrize(
    ("user", "agency", "status"),
    [
        ("officer_a", "desk_a", 200),
        ("officer_b", "desk_a", 404),
        ("leader_a", "commune_a", 200),
        ("leader_a", "commune_b", 404),
        ("secretariat", "commune_b", 200),
        ("auditor", "commune_b", 200),
        ("no_unit", "desk_a", 404),
    ],
)
def test_register_role_matrix(client, district, users, calendar, user, agency, status):
    client.force_login(users[user])
    assert client.get(register_url(getattr(district, agency))).status_code == status


def add_item(client, agency, **overrides):
    data = {
        "item-kind": "budget", "item-title": "Dự toán ngân sách xã 2024", "item-trigger_kind": "decision",
        "item-trigger_ref": "15/QĐ-UBND", "item-trigger_date": "2024-01-12", "item-legal_basis": "",
        "item-due_at": "",
    }  # fmt: skip
    data.update(overrides)
    return client.post(reverse("disclosure:item-add", kwargs={"slug": agency.slug}), data)


def test_officer_may_view_but_not_add(client, district, users, calendar):
    client.force_login(users["officer_a"])
    assert add_item(client, district.desk_a).status_code == 404
    assert not PublicationItem.objects.exists()


def test_leader_adds_and_publishes_an_item(client, district, users, calendar):
    client.force_login(users["leader_a"])
    response = add_item(client, district.commune_a)
    assert response.status_code == 302
    item = PublicationItem.objects.get()
    assert (item.trigger_ref, item.due_at) == ("decision:15/QĐ-UBND", D(2024, 2, 15))
    # Missing trigger date: refused with a message, nothing written.
    response = add_item(client, district.commune_a, **{"item-trigger_date": "", "item-trigger_ref": "16/QĐ"})
    assert response.status_code == 400 and PublicationItem.objects.count() == 1
    # "Other" needs a planned due date.
    response = add_item(client, district.commune_a, **{"item-kind": "other", "item-trigger_ref": "KH-2"})
    assert response.status_code == 400
    assert "cần nhập hạn công khai" in response.content.decode()
    page = client.get(register_url(district.commune_a)).content.decode()
    assert "quá hạn" in page
    url = reverse("disclosure:item-publish", kwargs={"slug": district.commune_a.slug, "pk": item.pk})
    bad = client.post(
        url, {"pub-published_at": "2024-02-20T09:00", "pub-channels": ["portal"], "pub-url": ""}
    )
    assert bad.status_code == 400 and "đường dẫn" in bad.content.decode()
    ok = client.post(
        url, {"pub-published_at": "2024-02-20T09:00", "pub-channels": ["portal", "loudspeaker"],
              "pub-url": "https://tramy.gov.vn/ngan-sach-2024"},
    )  # fmt: skip
    assert ok.status_code == 302
    item.refresh_from_db()
    assert item.published_at == at("2024-02-20 09:00") and item.channels == ["portal", "loudspeaker"]


def test_publish_of_another_units_item_is_404(client, district, users, make_item):
    foreign = make_item(district.commune_b)
    client.force_login(users["leader_a"])
    url = reverse("disclosure:item-publish", kwargs={"slug": district.commune_a.slug, "pk": foreign.pk})
    response = client.post(url, {"pub-published_at": "2024-03-05T09:00", "pub-channels": ["letter"]})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.published_at is None


def test_contact_add_and_confirm(client, district, users, calendar):
    client.force_login(users["leader_a"])
    url = reverse("disclosure:contact-add", kwargs={"slug": district.commune_a.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "kind": "spokesperson", "name": "Hồ Thị Lan", "title": "Chủ tịch UBND xã", "phone": "0235 3881 200",
        "email": "", "address": "", "website": "", "office_hours": "", "decision_number": "03/QĐ-UBND",
        "decision_date": "2024-02-07", "valid_from": "2024-02-07",
    })  # fmt: skip
    assert response.status_code == 302
    contact = UnitContact.objects.get()
    assert PublicationItem.objects.get().due_at == D(2024, 2, 21)
    old = contact.confirmed_at
    confirm = reverse(
        "disclosure:contact-confirm", kwargs={"slug": district.commune_a.slug, "pk": contact.pk}
    )
    assert client.post(confirm).status_code == 302
    contact.refresh_from_db()
    assert contact.confirmed_at > old
    client.force_login(users["officer_b"])
    assert client.get(url).status_code == 404


def test_article_upload_bad_file_and_fulfilling_an_item(
    client, district, users, make_item, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    item = make_item(district.commune_a, kind="plan_report")
    client.force_login(users["leader_a"])
    url = reverse("disclosure:article-create", kwargs={"slug": district.commune_a.slug})
    data = {
        "category": "plan",
        "title": "Kế hoạch cải cách hành chính năm 2024",
        "summary": "",
        "body": "Nội dung.",
        "published_at": "2024-03-06T08:00",
        "publication_item": str(item.pk),
    }
    bad = client.post(
        url, {**data, "files": SimpleUploadedFile("a.pdf", b"GIF89a...", content_type="application/pdf")}
    )
    assert bad.status_code == 400
    assert "Chỉ nhận tệp PDF, DOCX, XLSX, JPEG, PNG" in bad.content.decode()
    assert not Article.objects.exists() and not ArticleAttachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))
    good = client.post(
        url, {**data, "files": SimpleUploadedFile("kh.pdf", PDF, content_type="application/pdf")}
    )
    assert good.status_code == 302
    saved = Article.objects.get()
    assert saved.attachments.count() == 1
    item.refresh_from_db()
    assert item.published_at == at("2024-03-06 08:00")
    assert item.url == reverse("disclosure-public:article", kwargs={"slug": saved.slug})
    edit = reverse("disclosure:article-edit", kwargs={"slug": district.commune_a.slug, "pk": saved.pk})
    assert client.get(edit).status_code == 200
    client.force_login(users["officer_a"])
    assert client.get(url).status_code == 404


def test_register_page_query_count_does_not_grow_with_items(
    client, district, users, make_item, django_assert_max_num_queries
):
    for n in range(12):
        item = make_item(district.commune_a)
        if n % 3 == 0:
            services.item_publish(
                actor=None, item=item, published_at=at("2024-03-05 09:00"), channels=["letter"]
            )
    article(district.commune_a, 1)
    client.force_login(users["leader_a"])
    with django_assert_max_num_queries(16):
        response = client.get(register_url(district.commune_a))
    assert response.status_code == 200
    assert response.content.decode().count('class="overdue"') == 8
