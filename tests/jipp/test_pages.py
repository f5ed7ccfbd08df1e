import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from jipp.models import HomePage, StandardPage
from tests.factories import StandardPageFactory, build_site_tree


@pytest.fixture
def about(home_page):
    return StandardPageFactory(
        parent=home_page,
        title="Tentang JIPP",
        title_en="About JIPP",
        slug="tentang",
        intro="<p>JIPP dijalankan bersama hub provinsi.</p>",
        intro_en="<p>JIPP is run with provincial hubs.</p>",
    )


@pytest.mark.django_db
class TestHomePage:
    def test_renders_in_indonesian_by_default(self, client, home_page, about):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="id">' in html
        assert "<h1>Jaringan Inovasi Pelayanan Publik</h1>" in html
        assert "Langsung ke konten" in html
        assert 'href="/tentang/"' in html
        assert ">Tentang JIPP</a>" in html

    def test_renders_in_english_under_en(self, client, home_page, about):
        response = client.get("/en/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "<h1>Public Service Innovation Network</h1>" in html
        assert "Skip to content" in html
        assert "Langsung ke konten" not in html
        assert 'href="/en/tentang/"' in html
        assert ">About JIPP</a>" in html

    def test_links_to_live_menu_sections_only(self, client, home_page, about):
        StandardPageFactory(parent=home_page, title="Draf rahasia", slug="draf", live=False)
        StandardPageFactory(parent=home_page, title="Bukan menu", slug="lain", show_in_menus=False)
        html = client.get("/").content.decode()
        assert "Draf rahasia" not in html
        assert 'href="/lain/"' not in html

    def test_shows_the_hubs_with_member_counts(self, client, home_page):
        html = client.get("/").content.decode()
        assert "Hub JIPP Jawa Timur" in html
        assert "38 anggota: 29 kabupaten dan 9 kota" in html
        assert "24 anggota: 21 kabupaten dan 3 kota" in html
        english = client.get("/en/").content.decode()
        assert "JIPP Hub Jawa Timur" in english
        assert "38 members: 29 regencies and 9 cities" in english

    def test_english_falls_back_to_indonesian_content(self, client):
        build_site_tree(title="Beranda JIPP", title_en="", intro_en="")
        html = client.get("/en/").content.decode()
        assert "<h1>Beranda JIPP</h1>" in html
        assert "Jaringan inovasi pelayanan publik." in html

    def test_language_switcher_links_to_the_same_page(self, client, home_page, about):
        html = client.get("/tentang/?ref=menu").content.decode()
        assert '<a href="/en/tentang/?ref=menu" lang="en" hreflang="en">English</a>' in html
        html = client.get("/en/tentang/").content.decode()
        assert '<a href="/tentang/" lang="id" hreflang="id">Bahasa Indonesia</a>' in html
        html = client.get("/en/").content.decode()
        assert '<a href="/" lang="id" hreflang="id">Bahasa Indonesia</a>' in html

    def test_unknown_page_is_a_translated_404(self, client, home_page):
        response = client.get("/tidak-ada/")
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.content.decode()
        response = client.get("/en/tidak-ada/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_standard_page_renders_body_blocks(client, home_page):
    StandardPageFactory(
        parent=home_page,
        slug="panduan",
        title="Panduan",
        body=[
            ("heading", {"text": "Langkah pertama", "level": "h2"}),
            ("paragraph", "<p>Kenali masalah <b>pelayanan</b>.</p>"),
            (
                "callout",
                {
                    "title": "Ikut lokakarya",
                    "text": "<p>Daftar sekarang.</p>",
                    "link_page": None,
                    "link_text": "",
                },
            ),
        ],
    )
    html = client.get("/panduan/").content.decode()
    assert "<h2>Langkah pertama</h2>" in html
    assert "Kenali masalah <b>pelayanan</b>." in html
    assert '<aside class="callout">' in html


@pytest.mark.django_db
def test_page_text_is_escaped(client, home_page):
    StandardPageFactory(
        parent=home_page, slug="xss", title="<script>alert(1)</script>", title_en="x"
    )
    html = client.get("/xss/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestPageTypes(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = build_site_tree(title="Beranda")

    def setUp(self):
        self.login()

    def test_home_page_lives_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_standard_page_lives_under_home_or_standard_pages(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_editor_can_create_a_standard_page(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "Panduan Studi Tiru",
                    "slug": "panduan-studi-tiru",
                    "title_en": "Study Visit Guide",
                    "intro": rich_text("<p>Cara menyiapkan studi tiru.</p>"),
                    "intro_en": rich_text("<p>How to prepare a study visit.</p>"),
                    "body": streamfield([("heading", {"text": "Persiapan", "level": "h2"})]),
                    "body_en": streamfield([]),
                }
            ),
        )

    def test_editor_can_create_a_home_page(self):
        root = Page.get_first_root_node()
        HomePage.objects.all().delete()  # max_count = 1
        self.assertCanCreate(
            root,
            HomePage,
            nested_form_data(
                {
                    "title": "Beranda baru",
                    "slug": "beranda-baru",
                    "title_en": "",
                    "intro": rich_text("<p>Selamat datang.</p>"),
                    "intro_en": rich_text(""),
                    "body": streamfield([]),
                    "body_en": streamfield([]),
                }
            ),
        )
