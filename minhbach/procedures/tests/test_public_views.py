"""Citizen pages /thu-tuc/…: anyone may read them, bad input is a 400/404 page, never a 500.

Role matrix: these pages are public, so every row (anonymous, officials of any unit, leader,
secretariat, an account without a unit) gets the same page; none of them sees personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

from minhbach.procedures.models import Procedure, ProcedureAssignment, ProcedureVersion
from minhbach.procedures.services import DocumentData
from minhbach.procedures.tests.factories import make_procedure
from minhbach.units.models import Agency

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"
RESIDENCE = "1.012753.H19"
SPOKESPERSON = {
    "spokesperson_name": "Nguyễn Văn Phát",
    "spokesperson_position": "Phó Chủ tịch UBND xã",
    "spokesperson_phone": "0235 3880 123",
    "spokesperson_email": "ubnd.xaa@example.gov.vn",
    "address": "Thôn 1, xã A, huyện Thử",
}
# The "Giấy tờ phải nộp / xuất trình" of 1.001193 as the national record words them: long.
REAL_DOCUMENTS = [
    DocumentData(group="Giấy tờ phải nộp", name=text, originals=1)
    for text in (
        "Tờ khai đăng ký khai sinh theo mẫu.",
        "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng "
        "xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh.",
        "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm "
        "quyền lập.",
        "Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền thực "
        "hiện việc đăng ký khai sinh. Trường hợp người được ủy quyền là ông, bà, cha, mẹ, con, vợ, "
        "chồng, anh, chị, em ruột của người ủy quyền thì văn bản ủy quyền không phải chứng thực.",
        "Trường hợp khai sinh cho trẻ em sinh ra do mang thai hộ phải có văn bản xác nhận của cơ sở y "
        "tế đã thực hiện kỹ thuật hỗ trợ sinh sản cho việc mang thai hộ.",
    )
] + [
    DocumentData(group="Giấy tờ phải xuất trình", name=text, originals=1, mandatory=False)
    for text in (
        "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước hoặc "
        "các giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp, còn giá trị sử "
        "dụng để chứng minh về nhân thân của người có yêu cầu đăng ký khai sinh.",
        "Giấy tờ có giá trị chứng minh thông tin về cư trú trong trường hợp cơ quan đăng ký hộ tịch "
        "không thể khai thác được thông tin về nơi cư trú của công dân theo các phương thức quy định "
        "tại khoản 2 Điều 14 Nghị định số 104/2022/NĐ-CP ngày 21/12/2022 của Chính phủ.",
        "Giấy chứng nhận kết hôn của cha, mẹ trẻ em nếu cha, mẹ của trẻ em đã đăng ký kết hôn, trừ "
        "trường hợp cơ quan đăng ký hộ tịch khai thác được thông tin về giấy tờ này.",
        "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng thực các "
        "giấy tờ phải xuất trình nêu trên.",
    )
]


@pytest.fixture
def birth(district):
    Agency.objects.filter(pk=district.commune_a.pk).update(**SPOKESPERSON)
    version = make_procedure(
        BIRTH,
        conditions="Trẻ em sinh ra trên địa bàn xã.",
        documents=REAL_DOCUMENTS,
    )
    ProcedureAssignment.objects.create(
        procedure=version.procedure, agency=district.desk_a, valid_from=dt.date(2020, 1, 1)
    )
    ProcedureAssignment.objects.create(
        procedure=version.procedure,
        agency=district.desk_b,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),  # no longer handles it: not shown
    )
    return version.procedure


@pytest.fixture
def many(district):
    """60 procedures in two fields, most handled by desk A, some with fees."""
    for n in range(60):
        version = make_procedure(
            f"9.{n:06d}",
            f"Thủ tục thử nghiệm số {n:02d}",
            "Hộ tịch" if n % 2 else "Chứng thực",
            fee_vnd=(n % 3) * 25000,
            levels=("commune",) if n % 4 else ("district",),
        )
        ProcedureAssignment.objects.create(
            procedure=version.procedure, agency=district.desk_a, valid_from=dt.date(2020, 1, 1)
        )


# --- Search and list ----------------------------------------------------------------------------


def test_list_answers_anyone_in_vietnamese(client, birth):
    response = client.get("/thu-tuc/")
    page = response.content.decode()
    assert response.status_code == 200 and 'lang="vi"' in page
    assert "Tra cứu thủ tục hành chính" in page and "Thủ tục đăng ký khai sinh" in page
    assert "3 ngày làm việc" in page and "Miễn phí" in page and "Nộp trực tuyến được" in page


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "Đăng ký khai sinh"])
def test_search_puts_birth_registration_first(client, birth, query):
    for code, name in [
        ("1.004884", "Thủ tục đăng ký lại khai sinh"),
        ("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài"),
        ("1.000689", "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con"),
    ]:
        make_procedure(code, name)
    page = client.get("/thu-tuc/", {"q": query}).content.decode()
    # The first link to a procedure page (the header's menu links to the list itself).
    first = re.search(r'href="/thu-tuc/(\d[^"/]*)/"', page)
    assert first is not None and first.group(1) == BIRTH
    assert "4 thủ tục phù hợp" in page


def test_list_query_count_does_not_grow_with_the_catalogue(client, many, django_assert_max_num_queries):
    # field choices, agency choices, count, page, channels, fees
    with django_assert_max_num_queries(6):
        response = client.get("/thu-tuc/")
    assert response.status_code == 200
    assert response.content.decode().count('class="proc-result card"') == 20
    with django_assert_max_num_queries(6):
        response = client.get("/thu-tuc/", {"q": "thu nghiem", "field": "ho-tich", "page": 2, "online": "on"})
    assert response.status_code == 200
    assert response.content.decode().count('class="proc-result card"') == 10


def test_filters_on_the_page(client, many, district):
    page = client.get("/thu-tuc/", {"level": "district"}).content.decode()
    assert "15 thủ tục" in page
    page = client.get("/thu-tuc/", {"agency": district.desk_a.slug, "field": "chung-thuc"}).content.decode()
    assert "30 thủ tục" in page
    assert "50.000 đồng" in page and "25.000 đồng" in page


def test_pagination_keeps_the_filters(client, many):
    page = client.get("/thu-tuc/", {"q": "thu nghiem", "field": "ho-tich"}).content.decode()
    assert "?q=thu+nghiem&amp;field=ho-tich&amp;page=2" in page


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"page": "999999999999999999999999"}, 404, "Trang kết quả này không tồn tại"),
        ({"page": "-1"}, 404, "Trang kết quả này không tồn tại"),
        ({"page": "abc"}, 404, "Trang kết quả này không tồn tại"),
        ({"level": "xyz"}, 400, "không có trong danh sách"),
        ({"field": "khong-co"}, 400, "không có trong danh sách"),
        ({"agency": "<script>"}, 400, "không có trong danh sách"),
        ({"q": "x" * 201}, 400, "200"),
    ],
)
def test_bad_input_is_a_clear_page_not_a_500(client, many, params, status, message):
    response = client.get("/thu-tuc/", params)
    assert response.status_code == status
    page = response.content.decode()
    assert message in page and "<script>" not in page


def test_form_fields_have_labels(client, birth):
    parser = _Elements()
    parser.feed(client.get("/thu-tuc/").content.decode())
    controls = [a for tag, a in parser.elements if tag in {"input", "select"} and a.get("type") != "hidden"]
    labelled = {a.get("for") for tag, a in parser.elements if tag == "label"}
    assert controls and all(c.get("id") in labelled for c in controls)


# --- Detail page ------------------------------------------------------------------------------


def test_detail_says_everything_in_plain_vietnamese(client, birth):
    response = client.get(f"/thu-tuc/{BIRTH}/")
    page = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "<h1>Thủ tục đăng ký khai sinh</h1>",
        "Giấy tờ cần mang theo",
        "Giấy tờ phải nộp",
        "Giấy chứng sinh",
        "1 bản chính",
        "Trực tiếp",
        "Trực tuyến",
        "3 ngày làm việc",
        "Miễn phí",
        "Bước 1: Nộp hồ sơ.",
        "Trẻ em sinh ra trên địa bàn xã.",
        "Giấy khai sinh",
        "KQ.G15.000001",
        "60/2014/QH13",
        "Luật Hộ tịch",
        "20/11/2014",
        "Ủy ban nhân dân xã, phường, thị trấn",
        "Bộ phận Một cửa xã A",
        # the desk publishes no contact: its committee's PAKN contact answers for it
        SPOKESPERSON["spokesperson_name"],
        SPOKESPERSON["spokesperson_phone"],
        SPOKESPERSON["address"],
        "http://127.0.0.1:8000/thu-tuc/1.001193/",
        f'src="/thu-tuc/{BIRTH}/qr.svg"',
        f'href="/thu-tuc/{BIRTH}/giay-to/"',
        "1872/QĐ-BTP",
    ]:
        assert expected in page, expected
    assert "Bộ phận Một cửa xã B" not in page  # its assignment has ended


def test_detail_for_a_local_variant_code_with_dots(client, settings):
    settings.PUBLIC_BASE_URL = "https://dichvu.bactramy.gov.vn"
    make_procedure(RESIDENCE, "Thủ tục đăng ký thường trú", "Đăng ký, quản lý cư trú", fee_vnd=20000)
    page = client.get(f"/thu-tuc/{RESIDENCE}/").content.decode()
    assert "https://dichvu.bactramy.gov.vn/thu-tuc/1.012753.H19/" in page and "20.000 đồng" in page


def test_detail_query_count(client, birth, django_assert_max_num_queries):
    # procedure+version+decision+field, channels, fees, documents, results, legal bases,
    # assignments (+agency, parent), online services
    with django_assert_max_num_queries(8):
        assert client.get(f"/thu-tuc/{BIRTH}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/thu-tuc/{BIRTH}/giay-to/").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(f"/thu-tuc/{BIRTH}/qr.png").status_code == 200


@pytest.mark.parametrize("code", ["9.999999", "%00", "1.001193%00", "x" * 300, "%E2%80%AE", "1.001193'--"])
def test_unknown_code_is_a_vietnamese_404_page(client, birth, code):
    for suffix in ("", "giay-to/", "qr.svg", "qr.png"):
        response = client.get(f"/thu-tuc/{code}/{suffix}")
        assert response.status_code == 404, suffix
        assert "Không tìm thấy thủ tục hành chính này." in response.content.decode()


def test_abolished_procedure_says_so(client, birth):
    ProcedureVersion.objects.filter(procedure=birth).update(status=ProcedureVersion.Status.ABOLISHED)
    response = client.get(f"/thu-tuc/{BIRTH}/")
    assert response.status_code == 410 and "không còn áp dụng" in response.content.decode()


def test_new_version_shows_on_the_same_url(client, birth):
    make_procedure(BIRTH, "Thủ tục đăng ký khai sinh", decision="163/QĐ-BTP", days=1, fee_vnd=8000,
                   valid_from=dt.date(2025, 7, 1))  # fmt: skip
    page = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    assert "1 ngày làm việc" in page and "8.000 đồng" in page and "163/QĐ-BTP" in page
    assert Procedure.objects.get(code=BIRTH).versions.count() == 2


def test_only_get_and_head(client, birth):
    assert client.post(f"/thu-tuc/{BIRTH}/").status_code == 405
    assert client.head(f"/thu-tuc/{BIRTH}/").status_code == 200


@pytest.mark.parametrize("role", ["officer_a", "officer_b", "leader_a", "secretariat", "auditor", "no_unit"])
def test_every_role_reads_the_same_public_page_without_personal_data(client, birth, users, role):
    anonymous = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    client.force_login(users[role])
    for url in ("/thu-tuc/", f"/thu-tuc/{BIRTH}/", f"/thu-tuc/{BIRTH}/giay-to/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Cán Bộ Thử" not in page  # officials' names (factories.make_official) never appear
    main = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    assert _main(main) == _main(anonymous)


def test_english_interface_answers(client, birth):
    client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/"})
    assert client.get(f"/thu-tuc/{BIRTH}/").status_code == 200
    assert client.get("/thu-tuc/", {"q": "khai sinh"}).status_code == 200


# --- Printable checklist ----------------------------------------------------------------------


def test_checklist_lists_every_document_with_its_quantity(client, birth):
    response = client.get(f"/thu-tuc/{BIRTH}/giay-to/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="checklist__box"') == len(REAL_DOCUMENTS)
    assert "Giấy tờ phải xuất trình" in page and "(nếu có)" in page and "1 bản chính" in page
    assert "Bộ phận Một cửa xã A" in page and "http://127.0.0.1:8000/thu-tuc/1.001193/" in page


def test_checklist_prints_on_one_a4_page(client, birth):
    """Render the page as a browser prints it (print media, A4) and count the pages."""
    weasyprint = pytest.importorskip("weasyprint")
    html = client.get(f"/thu-tuc/{BIRTH}/giay-to/").content.decode()
    assert "checklist--normal" in html
    document = weasyprint.HTML(
        string=html, base_url="http://testserver/", url_fetcher=_django_fetcher(client), media_type="print"
    ).render()
    assert len(document.pages) == 1
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width * 25.4 / 96), round(height * 25.4 / 96)) == (210, 297)  # A4 in mm


@pytest.mark.parametrize(
    ("characters", "density"), [(3400, "compact"), (3700, "compact"), (4200, "dense"), (7200, "dense")]
)
def test_long_checklists_print_smaller_but_on_one_page(client, db, characters, density):
    text = REAL_DOCUMENTS[6].name  # ~240 characters of real wording
    count = characters // len(text)
    documents = [DocumentData(group=f"Nhóm {i // 10}", name=text, originals=1) for i in range(count)]
    make_procedure(BIRTH, documents=documents)
    html = client.get(f"/thu-tuc/{BIRTH}/giay-to/").content.decode()
    assert f"checklist--{density}" in html
    assert _printed_pages(client, html) == 1


def test_static_assets_are_local(client, birth):
    for url in ("/thu-tuc/", f"/thu-tuc/{BIRTH}/", f"/thu-tuc/{BIRTH}/giay-to/"):
        parser = _Elements()
        parser.feed(client.get(url).content.decode())
        for tag, attrs in parser.elements:
            if tag in {"link", "script", "img"} and attrs.get("rel") != "canonical":
                source = attrs.get("href") or attrs.get("src") or ""
                assert source.startswith(("/", "data:")), source
            if tag == "img":
                assert attrs.get("alt")
            if attrs.get("rel") == "canonical":
                assert attrs.get("href") == f"http://127.0.0.1:8000/thu-tuc/{BIRTH}/"


# --- helpers ------------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _main(page: str) -> str:
    return page[page.index("<main>") : page.index("</main>")]


def _printed_pages(client, html: str) -> int:
    weasyprint = pytest.importorskip("weasyprint")
    return len(
        weasyprint.HTML(
            string=html,
            base_url="http://testserver/",
            url_fetcher=_django_fetcher(client),
            media_type="print",
        )
        .render()
        .pages
    )


def _django_fetcher(client):
    """WeasyPrint URL fetcher answering from the test client and the static finders; an asset
    that cannot be found fails the rendering instead of printing an unstyled page."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = url.removeprefix("http://testserver")
            if path.startswith("/static/"):
                with open(finders.find(path.removeprefix("/static/")), "rb") as handle:
                    return URLFetcherResponse(url, body=handle.read(), headers={"Content-Type": "text/css"})
            response = client.get(path)
            assert response.status_code == 200, path
            return URLFetcherResponse(
                url, body=response.content, headers={"Content-Type": response["Content-Type"]}
            )

    return Fetcher(fail_on_errors=True)


def test_detail_links_to_online_submission_only_with_an_online_channel(client, birth):
    page = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    assert f'href="/ho-so/nop-truc-tuyen/{BIRTH}/"' in page
    paper_only = make_procedure("9.000001", "Thủ tục chỉ nộp trực tiếp")
    paper_only.channels.filter(channel=2).delete()
    page = client.get("/thu-tuc/9.000001/").content.decode()
    assert "/ho-so/nop-truc-tuyen/" not in page
