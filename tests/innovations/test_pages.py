"""The case library's pages: creating them in the admin, validation, the case page itself,
its query budget, escaping of everything editors type, and gallery uploads."""

import html
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from hubs.models import Regency
from innovations.interchange import plain_to_rich
from innovations.models import (
    SDG,
    EvaluationAspect,
    InnovationDocument,
    InnovationGalleryImage,
    InnovationIndexPage,
    InnovationMetric,
    InnovationPage,
    RegencyFolderPage,
    Sector,
)
from jipp.models import HomePage, StandardPage
from tests.factories import (
    InnovationIndexPageFactory,
    InnovationPageFactory,
    build_site_tree,
    folder_for,
    replication,
)

XSS = "<script>alert(1)</script>"
RICH_TEXT_FIELDS = [
    "problem",
    "solution",
    "novelty",
    "implementation",
    "impact",
    "adaptability",
    "resources",
    "sustainability",
]


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    """Renditions are cached by image id; ids are reused after each test's rollback."""
    cache.clear()
    yield
    cache.clear()


# --- helpers -----------------------------------------------------------------------------------


def jpeg_bytes(width=1200, height=800, color=(30, 110, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def png_bytes(width, height, mode="1"):
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def make_image(title="Foto layanan", width=1200, height=800):
    return get_image_model().objects.create(
        title=title,
        file=ImageFile(io.BytesIO(jpeg_bytes(width, height)), name="layanan.jpg"),
    )


def make_document(title="Laporan evaluasi", name="laporan.pdf"):
    return get_document_model().objects.create(
        title=title, file=ContentFile(b"%PDF-1.4\n% JIPP\n%%EOF\n", name=name)
    )


def text(fragment):
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page_html, start_marker, tag):
    """The element whose start tag holds the first `start_marker`, up to its closing `tag`."""
    start = page_html.rindex("<", 0, page_html.index(start_marker) + 1)
    return page_html[start : page_html.index(f"</{tag}>", start) + len(tag) + 3]


def field_errors(page_html, name):
    """The error text the admin shows under the form field `name`."""
    field = page_html[page_html.index(f'data-contentpath="{name}"') :]
    return text(section(field, 'class="w-field__errors"', "div"))


def facts(page_html):
    aside = section(page_html, '<aside class="case__facts"', "aside")
    return {
        text(term): text(value)
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", aside, re.S)
    }


def table_rows(table_html):
    body = table_html[table_html.index("<tbody>") :]
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def media_path(url):
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def case_form(sectors, **fields):
    """POST data of the admin's case form; `sectors` are Sector pks (checkboxes)."""
    data = {
        "title": "Kios Adminduk Desa",
        "slug": "kios-adminduk-desa",
        "summary": "Warga mencetak KTP dan KK di kantor desa tanpa ke kota.",
        **{name: rich_text("") for name in RICH_TEXT_FIELDS},
        "problem": rich_text("<p>Warga menempuh 60 km ke kantor Dinas.</p>"),
        "metrics": inline_formset([]),
        "gallery_images": inline_formset([]),
        "documents": inline_formset([]),
        "keywords": "adminduk, ktp",
        "stage": "penerapan",
        "year_started": "2021",
        "action-publish": "action-publish",
    }
    data.update(fields)
    data = nested_form_data(data)
    data["sectors"] = sectors
    return data


def sector_pks(*codes):
    return [Sector.objects.get(code=code).pk for code in codes]


# --- Page types and creation in the admin ------------------------------------------------------


class TestPageTypes(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = build_site_tree(title="Beranda")
        cls.library = InnovationIndexPageFactory(parent=cls.home)
        cls.folder = folder_for("35.10")

    def setUp(self):
        self.login()

    def test_library_lives_under_the_home_page_and_holds_folders_only(self):
        self.assertAllowedParentPageTypes(InnovationIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(InnovationIndexPage, {RegencyFolderPage})
        self.assertCanNotCreateAt(StandardPage, InnovationIndexPage)
        self.assertCanNotCreateAt(InnovationIndexPage, InnovationPage)
        # max_count = 1: the existing library blocks a second one.
        self.assertFalse(InnovationIndexPage.can_create_at(self.home))

    def test_folders_live_in_the_library_and_hold_cases_only(self):
        self.assertAllowedParentPageTypes(RegencyFolderPage, {InnovationIndexPage})
        self.assertAllowedSubpageTypes(RegencyFolderPage, {InnovationPage})
        self.assertCanNotCreateAt(HomePage, RegencyFolderPage)

    def test_cases_live_in_folders_and_have_no_children(self):
        self.assertAllowedParentPageTypes(InnovationPage, {RegencyFolderPage})
        self.assertAllowedSubpageTypes(InnovationPage, set())
        self.assertCanNotCreateAt(HomePage, InnovationPage)
        self.assertCanNotCreateAt(StandardPage, InnovationPage)

    def test_editor_can_create_the_library(self):
        self.library.delete()
        self.assertCanCreate(
            self.home,
            InnovationIndexPage,
            nested_form_data(
                {
                    "title": "Pustaka Inovasi",
                    "slug": "pustaka",
                    "title_en": "Innovation Library",
                    "intro": rich_text("<p>Kasus inovasi kabupaten dan kota.</p>"),
                    "intro_en": rich_text(""),
                    "body": streamfield([]),
                    "body_en": streamfield([]),
                }
            ),
        )
        library = InnovationIndexPage.objects.get(slug="pustaka")
        self.assertTrue(library.live)
        response = self.client.get("/pustaka/")
        self.assertContains(response, "<h1>Pustaka Inovasi</h1>", html=False)
        self.assertContains(response, "Kasus inovasi kabupaten dan kota.")

    def test_editor_can_create_a_regency_folder(self):
        bandung = Regency.objects.get(code="32.73")
        self.assertCanCreate(
            self.library,
            RegencyFolderPage,
            nested_form_data(
                {"title": "Kota Bandung", "slug": "kota-bandung", "regency": bandung.pk}
            ),
        )
        folder = RegencyFolderPage.objects.get(slug="kota-bandung")
        self.assertEqual(folder.regency, bandung)
        self.assertEqual(folder.get_parent().specific, self.library)
        response = self.client.get("/inovasi/kota-bandung/")
        self.assertContains(response, "<h1>Kota Bandung</h1>", html=False)
        self.assertContains(response, "Daerah ini belum menerbitkan inovasi.")

    def test_editor_can_create_a_case(self):
        data = case_form(
            sector_pks("1.02", "2.12"),
            metrics=inline_formset(
                [
                    {
                        "indicator": "Waktu layanan",
                        "baseline": "14",
                        "current": "2",
                        "unit": "hari",
                        "source": "Disdukcapil",
                        "measured_on": "2023-03-01",
                    },
                    {
                        "indicator": "Biaya perjalanan warga",
                        "baseline": "150000",
                        "current": "0",
                        "unit": "rupiah",
                        "source": "",
                        "measured_on": "",
                    },
                ]
            ),
        )
        data["sdgs"] = [SDG.objects.get(number=16).pk]
        data["aspects"] = [EvaluationAspect.objects.get(slug="inovasi").pk]
        self.assertCanCreate(self.folder, InnovationPage, data)

        case = InnovationPage.objects.get(slug="kios-adminduk-desa")
        self.assertTrue(case.live)
        self.assertEqual(case.get_parent().pk, self.folder.pk)
        self.assertEqual(case.regency.code, "35.10")
        self.assertEqual(sorted(s.code for s in case.sectors.all()), ["1.02", "2.12"])
        self.assertEqual(sorted(case.keywords.names()), ["adminduk", "ktp"])
        self.assertEqual(
            [(m.indicator, m.baseline, m.current) for m in case.metrics.all()],
            [
                ("Waktu layanan", Decimal("14"), Decimal("2")),
                ("Biaya perjalanan warga", Decimal("150000"), Decimal("0")),
            ],
        )
        self.assertFalse(case.gallery_images.exists())
        self.assertFalse(case.documents.exists())

        page_html = self.client.get("/inovasi/kabupaten-banyuwangi/kios-adminduk-desa/")
        self.assertContains(page_html, "<h1>Kios Adminduk Desa</h1>", html=False)
        self.assertContains(page_html, '<th scope="row">Waktu layanan</th>', html=False)


# --- Validation in the admin -------------------------------------------------------------------


@pytest.fixture
def banyuwangi(library):
    return folder_for("35.10")


@pytest.mark.django_db
class TestCaseValidation:
    def post(self, admin_client, folder, data):
        return admin_client.post(add_url(InnovationPage, folder), data)

    def test_summary_of_200_words_is_accepted(self, admin_client, banyuwangi):
        response = self.post(
            admin_client, banyuwangi, case_form(sector_pks("1.02"), summary="kata " * 200)
        )
        assert response.status_code == 302
        assert InnovationPage.objects.filter(slug="kios-adminduk-desa").exists()

    def test_summary_over_200_words_is_refused(self, admin_client, banyuwangi):
        response = self.post(
            admin_client, banyuwangi, case_form(sector_pks("1.02"), summary="kata " * 201)
        )
        assert response.status_code == 200
        page_html = response.content.decode()
        assert "Ringkasan paling banyak 200 kata; saat ini 201 kata." in page_html
        assert field_errors(page_html, "summary") == (
            "Ringkasan paling banyak 200 kata; saat ini 201 kata."
        )
        assert not InnovationPage.objects.filter(slug="kios-adminduk-desa").exists()

    def test_a_case_needs_a_sector(self, admin_client, banyuwangi):
        response = self.post(admin_client, banyuwangi, case_form([]))
        assert response.status_code == 200
        assert "harus diisi" in field_errors(response.content.decode(), "sectors")
        assert not InnovationPage.objects.filter(slug="kios-adminduk-desa").exists()

    def test_slug_of_a_case_in_another_folder_is_refused(self, admin_client, banyuwangi):
        InnovationPageFactory(parent=folder_for("73.71"), slug="kios-adminduk-desa")
        response = self.post(admin_client, banyuwangi, case_form(sector_pks("1.02")))
        assert response.status_code == 200
        assert field_errors(response.content.decode(), "slug") == (
            "Slug ini sudah dipakai inovasi lain; slug inovasi harus unik."
        )
        assert InnovationPage.objects.filter(slug="kios-adminduk-desa").count() == 1
        assert banyuwangi.get_children().count() == 0

    def test_rich_text_from_the_editor_keeps_no_script(self, admin_client, banyuwangi):
        # What a crafted request could send in place of Draftail's own data: a paragraph whose
        # text is a script tag and a javascript: link.
        contentstate = {
            "blocks": [
                {
                    "key": "a1b2c",
                    "text": f"Awal {XSS} tautan",
                    "type": "unstyled",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 31, "length": 6, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {
                "0": {
                    "type": "LINK",
                    "mutability": "MUTABLE",
                    "data": {"url": "javascript:alert(1)"},
                }
            },
        }
        data = case_form(sector_pks("1.02"))
        for name in RICH_TEXT_FIELDS:
            data[name] = json.dumps(contentstate)
        data["problem"] = rich_text(f"<p>Masalah</p>{XSS}<p>lanjutan</p>")
        response = self.post(admin_client, banyuwangi, data)
        assert response.status_code == 302

        case = InnovationPage.objects.get(slug="kios-adminduk-desa")
        for name in RICH_TEXT_FIELDS:
            assert "<script" not in getattr(case, name), name
            assert "javascript:" not in getattr(case, name), name
        assert "Masalah" in case.problem
        page_html = admin_client.get(case.url).content.decode()
        assert XSS not in page_html
        assert "javascript:alert" not in page_html
        assert "Awal &lt;script&gt;alert(1)&lt;/script&gt; <a>tautan</a></p>" in page_html


# --- The case page -----------------------------------------------------------------------------


@pytest.fixture
def full_case(library):
    banyuwangi = folder_for("35.10")
    legal = make_document("Perbup Banyuwangi 12/2020", "perbup-12-2020.pdf")
    case = InnovationPageFactory(
        parent=banyuwangi,
        title="Smart Kampung",
        slug="smart-kampung",
        summary="Desa melayani adminduk dan kesehatan secara daring.\nTanpa ke kota.",
        sectors=["1.02", "2.12"],
        problem="<p>Warga menempuh 60 km ke kantor Dinas.</p>",
        solution="<p>Kios layanan di setiap kantor desa.</p>",
        novelty="<p>Pertama di Jawa Timur.</p>",
        implementation="<p>Dimulai di 25 desa.</p>",
        impact="<p>Waktu layanan turun tajam.</p>",
        adaptability="<p>Cocok untuk kabupaten kepulauan.</p>",
        adapt_regulation="Perbup tentang layanan desa",
        adapt_staff="Dua operator per desa",
        adapt_it="Jaringan internet desa",
        adapt_budget="Rp 150 juta",
        adapt_setup_months=6,
        resources="<p>APBDes dan CSR.</p>",
        sustainability="<p>Masuk RPJMD 2021-2026.</p>",
        legal_instrument="Perbup Banyuwangi No. 12 Tahun 2020",
        legal_instrument_document=legal,
        stage="dilembagakan",
        year_started=2019,
        award="Top 45 KIPP 2021",
        video_url="https://video.example.org/smart-kampung",
        contact_name="Siti Rahma",
        contact_email="siti@banyuwangikab.go.id",
        contact_phone="0333-123456",
        last_confirmed_running=date(2024, 6, 1),
    )
    case.sdgs = list(SDG.objects.filter(number__in=[3, 16]))
    case.aspects = list(
        EvaluationAspect.objects.filter(slug__in=["sistem-informasi-pelayanan-publik", "inovasi"])
    )
    case.keywords.add("ktp", "adminduk")
    case.metrics = [
        InnovationMetric(
            indicator="Waktu layanan",
            baseline=Decimal("14"),
            current=Decimal("2"),
            unit="hari",
            source="Disdukcapil",
            measured_on=date(2023, 3, 1),
        ),
        InnovationMetric(
            indicator="Biaya perjalanan warga",
            baseline=Decimal("1500.50"),
            current=Decimal("0"),
            unit="ribu rupiah",
        ),
    ]
    case.gallery_images = [
        InnovationGalleryImage(
            image=make_image(), alt_text="Operator melayani warga", caption="Kios di Desa Kemiren"
        )
    ]
    case.documents = [
        InnovationDocument(document=make_document(), title="Laporan evaluasi 2023"),
    ]
    case.save_revision().publish()
    case.refresh_from_db()
    replication(case, "73.71", status="berjalan")
    replication(
        case,
        "35.78",
        status="berhasil",
        confirmed=True,
        started_on=date(2023, 3, 1),
        adapted="Kios di kelurahan",
        outcome="Antrean turun 70%",
    )
    return case


@pytest.mark.django_db
class TestCasePage:
    def test_sections_in_proposal_order(
        self, client, full_case, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):  # indexed for "Inovasi serupa"
            full_case.save_revision().publish()
            InnovationPageFactory(
                parent=folder_for("16.71"), sectors=["2.12"], summary=full_case.summary
            )
        response = client.get("/inovasi/kabupaten-banyuwangi/smart-kampung/")
        assert response.status_code == 200
        page_html = response.content.decode()
        body = section(page_html, '<div class="case__body">', "aside")
        headings = [text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)]
        assert headings == [
            "Latar belakang dan tujuan",
            "Inovasi yang diterapkan",
            "Kebaruan",
            "Implementasi",
            "Signifikansi",
            "Adaptabilitas: yang dibutuhkan untuk mereplikasi",
            "Sumber daya",
            "Strategi keberlanjutan",
            "Galeri",
            "Dokumen",
            "Replikasi",
            "Inovasi serupa",
            "Ringkasan data",
        ]
        assert "<h1>Smart Kampung</h1>" in page_html
        assert "Desa melayani adminduk dan kesehatan secara daring.<br>Tanpa ke kota." in page_html
        assert '<a href="/inovasi/kabupaten-banyuwangi/">Kabupaten Banyuwangi</a>, Jawa Timur' in (
            page_html
        )
        for paragraph in [
            "Warga menempuh 60 km ke kantor Dinas.",
            "Kios layanan di setiap kantor desa.",
            "Pertama di Jawa Timur.",
            "Dimulai di 25 desa.",
            "Waktu layanan turun tajam.",
            "Cocok untuk kabupaten kepulauan.",
            "APBDes dan CSR.",
            "Masuk RPJMD 2021-2026.",
        ]:
            assert f"<p>{paragraph}</p>" in body
        adapt = section(body, 'aria-labelledby="adapt-heading"', "section")
        assert text(adapt).endswith(
            "Regulasi Perbup tentang layanan desa SDM Dua operator per desa "
            "Teknologi informasi Jaringan internet desa Anggaran Rp 150 juta "
            "Waktu persiapan 6 bulan"
        )
        legal_url = full_case.legal_instrument_document.url
        assert (
            f'<strong>Dasar hukum:</strong> <a href="{legal_url}">'
            "Perbup Banyuwangi No. 12 Tahun 2020</a>" in body
        )

    def test_facts_panel(self, client, full_case):
        page_html = client.get(full_case.url).content.decode()
        assert facts(page_html) == {
            "Kabupaten/kota": "Kabupaten Banyuwangi",
            "Provinsi": "Jawa Timur",
            "Hub": "Hub JIPP Jawa Timur",
            "Urusan": "Kesehatan; Administrasi Kependudukan dan Pencatatan Sipil",
            "TPB/SDG": (
                "3. Kehidupan Sehat dan Sejahtera; "
                "16. Perdamaian, Keadilan dan Kelembagaan yang Tangguh"
            ),
            "Aspek evaluasi": "Sistem Informasi Pelayanan Publik; Inovasi",
            "Tahap": "Dilembagakan",
            "Tahun mulai": "2019",
            "Penghargaan": "Top 45 KIPP 2021",
            "Replikasi": "2",
            "Terakhir dipastikan berjalan": "1 Juni 2024",
            "Kata kunci": "adminduk, ktp",
            "Kontak": "Siti Rahma siti@banyuwangikab.go.id 0333-123456",
        }
        aside = section(page_html, '<aside class="case__facts"', "aside")
        assert '<a href="mailto:siti@banyuwangikab.go.id">' in aside
        assert '<a href="https://video.example.org/smart-kampung" rel="noopener">' in aside

    def test_metrics_table(self, client, full_case):
        page_html = client.get(full_case.url).content.decode()
        impact = section(page_html, 'aria-labelledby="impact-heading"', "section")
        assert "<caption>Indikator sebelum dan sesudah inovasi</caption>" in impact
        assert table_rows(impact) == [
            ["Waktu layanan", "14", "2", "hari", "Disdukcapil", "1 Maret 2023"],
            ["Biaya perjalanan warga", "1.500,50", "0", "ribu rupiah", "", "—"],
        ]

    def test_gallery_is_a_picture_with_webp_and_jpeg_fallback(self, client, full_case):
        page_html = client.get(full_case.url).content.decode()
        gallery = section(page_html, 'aria-labelledby="gallery-heading"', "section")
        picture = section(gallery, "<picture>", "picture")
        source = re.search(r"<source [^>]*>", picture).group(0)
        assert 'type="image/webp"' in source
        webp_urls = re.findall(r"(\S+\.webp) (\d+)w", source)
        assert [int(width) for _, width in webp_urls] == [400, 800]
        img = re.search(r"<img [^>]*>", picture).group(0)
        assert 'alt="Operator melayani warga"' in img
        fallback = re.search(r'src="([^"]+)"', img).group(1)
        assert fallback.endswith(".jpg")
        assert "<figcaption>Kios di Desa Kemiren</figcaption>" in gallery
        # The files behind the URLs are real images of the announced formats and sizes.
        with PILImage.open(media_path(webp_urls[1][0])) as webp:
            assert (webp.format, webp.size) == ("WEBP", (800, 533))
        with PILImage.open(media_path(fallback)) as jpeg:
            assert (jpeg.format, jpeg.size) == ("JPEG", (400, 266))

    def test_documents(self, client, full_case):
        page_html = client.get(full_case.url).content.decode()
        documents = section(page_html, 'aria-labelledby="documents-heading"', "section")
        document = full_case.documents.get().document
        assert f'<li><a href="{document.url}">Laporan evaluasi 2023</a> (PDF)</li>' in documents
        response = client.get(document.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")

    def test_replication_ledger_lists_confirmed_first(self, client, full_case):
        page_html = client.get(full_case.url).content.decode()
        ledger = section(page_html, 'aria-labelledby="replications-heading"', "section")
        assert table_rows(ledger) == [
            [
                "Kota Surabaya Jawa Timur",
                "Berhasil Dikonfirmasi",
                "Maret 2023",
                "Kios di kelurahan",
                "Antrean turun 70%",
            ],
            ["Kota Makassar Sulawesi Selatan", "Berjalan", "—", "", ""],
        ]

    def test_case_without_replications_says_so(self, client, library):
        case = InnovationPageFactory(parent=folder_for("32.73"), slug="sendiri")
        page_html = client.get(case.url).content.decode()
        ledger = section(page_html, 'aria-labelledby="replications-heading"', "section")
        assert "Belum ada daerah yang mencatat replikasi inovasi ini." in ledger
        assert "Hub" not in facts(page_html)  # Kota Bandung belongs to no hub

    def test_similar_cases_are_live_and_alike(
        self, client, full_case, django_capture_on_commit_callbacks
    ):
        """ "Inovasi serupa" comes from the search index (more like this): cases that share the
        case's words, published ones only."""
        palembang = folder_for("16.71")
        with django_capture_on_commit_callbacks(execute=True):
            full_case.save_revision().publish()
            InnovationPageFactory(
                parent=palembang,
                title="Kios Adminduk Desa",
                summary="Desa melayani adminduk secara daring di kios layanan kantor desa.",
            )
            InnovationPageFactory(
                parent=palembang,
                title="Lintas Urusan",
                summary="Pemeliharaan jalan provinsi dengan drone.",
            )
            draft = InnovationPageFactory(
                parent=palembang,
                title="Draf Kios Desa",
                summary="Desa melayani adminduk secara daring di kios layanan kantor desa.",
            )
            draft.unpublish()
        page_html = client.get(full_case.url).content.decode()
        similar = section(page_html, 'aria-labelledby="similar-heading"', "section")
        assert text(similar) == "Inovasi serupa Kios Adminduk Desa (Kota Palembang)"
        assert "Lintas Urusan" not in page_html
        assert "Draf Kios Desa" not in page_html

    def test_five_similar_cases_when_the_library_has_them(
        self, client, library, django_capture_on_commit_callbacks
    ):
        """The case page lists five similar cases, the closest first, even when only a few
        share much of its wording; a case with nothing in common never shows."""
        with django_capture_on_commit_callbacks(execute=True):
            case = InnovationPageFactory(
                parent=folder_for("35.10"),
                title="Posyandu Balita Digital",
                summary="Kader posyandu mencatat penimbangan balita dan gizi anak di aplikasi.",
            )
            near = [
                ("Kader Posyandu Balita", "Kader posyandu menimbang balita dan mencatat gizi."),
                ("Gizi Balita Desa", "Penimbangan balita dan pemantauan gizi anak di desa."),
                ("Aplikasi Kader", "Aplikasi untuk kader kesehatan mencatat kunjungan."),
                ("Posyandu Remaja", "Posyandu remaja untuk pemeriksaan anak sekolah."),
                ("Dapur Gizi", "Dapur umum gizi anak dan ibu hamil di kecamatan."),
                ("Timbang Serentak", "Penimbangan balita serentak di kelurahan."),
            ]
            for title, summary in near:
                InnovationPageFactory(parent=folder_for("16.71"), title=title, summary=summary)
            InnovationPageFactory(
                parent=folder_for("16.71"),
                title="Lintas Urusan",
                summary="Pemeliharaan jalan provinsi dengan drone.",
            )
        page_html = client.get(case.url).content.decode()
        similar = section(page_html, 'aria-labelledby="similar-heading"', "section")
        listed = re.findall(r"<a [^>]*>([^<]+)</a>", similar)
        assert len(listed) == 5, similar
        assert set(listed) <= {title for title, _summary in near}
        assert listed[0] == "Kader Posyandu Balita"
        assert "Lintas Urusan" not in similar


@pytest.mark.django_db
def test_case_copied_to_another_folder_takes_that_regency(admin_client, full_case):
    """A Kota Surabaya editor copies Banyuwangi's case into their own folder to adapt it;
    the copy is Surabaya's, everywhere the library shows a regency."""
    surabaya = folder_for("35.78")
    response = admin_client.post(
        f"/admin/pages/{full_case.pk}/copy/",
        {
            "new_title": "Smart Kampung Surabaya",
            "new_slug": "smart-kampung-surabaya",
            "new_parent_page": surabaya.pk,
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = InnovationPage.objects.get(slug="smart-kampung-surabaya")
    assert copy.get_parent().pk == surabaya.pk
    page_html = admin_client.get("/inovasi/kota-surabaya/smart-kampung-surabaya/").content
    assert facts(page_html.decode())["Kabupaten/kota"] == "Kota Surabaya"
    listing = admin_client.get("/inovasi/?regency=Kota%20Surabaya").content.decode()
    assert "Smart Kampung Surabaya" in listing
    listing = admin_client.get("/inovasi/?regency=Kabupaten%20Banyuwangi").content.decode()
    assert "Smart Kampung Surabaya" not in listing


@pytest.mark.django_db
def test_case_moved_to_another_folder_takes_that_regency(client, full_case):
    full_case.move(folder_for("16.71"), pos="last-child")
    page_html = client.get("/inovasi/kota-palembang/smart-kampung/").content.decode()
    assert facts(page_html)["Kabupaten/kota"] == "Kota Palembang"
    assert facts(page_html)["Hub"] == "Hub JIPP Sumatera Selatan"
    assert "Smart Kampung" in client.get("/inovasi/?hub=sumatera-selatan").content.decode()
    assert "Smart Kampung" not in client.get("/inovasi/?hub=jawa-timur").content.decode()


# --- Query budget of the case page -------------------------------------------------------------

ADOPTERS = ["73.71", "16.71", "32.73", "35.78", "11.01"]


def case_with(folder, slug, count):
    case = InnovationPageFactory(parent=folder, slug=slug, sectors=["1.02"])
    case.keywords.add(*[f"kata-{n}" for n in range(count)])
    case.metrics = [
        InnovationMetric(indicator=f"Indikator {n}", baseline=10, current=n, unit="hari")
        for n in range(count)
    ]
    case.gallery_images = [
        InnovationGalleryImage(image=make_image(f"Foto {n}", 240, 160), alt_text=f"Foto {n}")
        for n in range(count)
    ]
    case.documents = [
        InnovationDocument(document=make_document(f"Dok {n}", f"dok-{n}.pdf"))
        for n in range(count)
    ]
    case.save_revision().publish()
    for code in ADOPTERS[:count]:
        replication(case, code, status="berjalan", confirmed=True)
    return case


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_case_page_query_count_does_not_grow_with_its_content(client, library):
    folder = folder_for("35.10")
    small = case_with(folder, "kecil", 1)
    large = case_with(folder, "besar", 5)
    for case in (small, large):
        client.get(case.url)  # renditions are generated on the first view
    html_large = client.get(large.url).content.decode()
    assert html_large.count("<picture>") == 5
    assert html_large.count('<th scope="row">Indikator') == 5
    assert html_large.count("<small>Dikonfirmasi</small>") == 5
    assert html_large.count("(PDF)</li>") == 5
    assert queries_for(client, small.url) == queries_for(client, large.url)


@pytest.mark.django_db
def test_case_page_query_count_with_renditions_not_in_cache(client, library):
    """The renditions exist but are not in the cache: after a restart, in another worker, once
    the cache entry expired (default timeout 5 minutes) or was evicted (the local-memory cache
    keeps 300 entries). Each gallery image then costs a query of its own."""
    folder = folder_for("35.10")
    small = case_with(folder, "kecil", 1)
    large = case_with(folder, "besar", 5)
    for case in (small, large):
        client.get(case.url)
    cache.clear()
    small_count = queries_for(client, small.url)
    cache.clear()
    assert queries_for(client, large.url) == small_count


# --- Escaping of everything editors type -------------------------------------------------------


@pytest.fixture
def scripted_case(library):
    """A case with the payload in every plain text field an editor or adopter fills in.

    Rich text is stored as the editor and the importer store it: converted from what was
    typed, so typed markup arrives escaped (the admin path is tested above).
    """
    banyuwangi = folder_for("35.10")
    case = InnovationPageFactory(
        parent=banyuwangi,
        slug="xss",
        title=XSS,
        seo_title=XSS,
        search_description=XSS,
        summary=f"{XSS}\n{XSS}",
        sectors=["1.02"],
        **{name: plain_to_rich(XSS) for name in RICH_TEXT_FIELDS},
        adapt_regulation=XSS,
        adapt_staff=XSS,
        adapt_it=XSS,
        adapt_budget=XSS,
        legal_instrument=XSS,
        award=XSS,
        contact_name=XSS,
        contact_phone=XSS,
    )
    case.keywords.add(XSS)
    case.metrics = [InnovationMetric(indicator=XSS, baseline=1, current=2, unit=XSS, source=XSS)]
    case.gallery_images = [InnovationGalleryImage(image=make_image(), alt_text=XSS, caption=XSS)]
    case.documents = [InnovationDocument(document=make_document(), title=XSS)]
    case.save_revision().publish()
    replication(case, "35.78", adapted=XSS, outcome=XSS, outcome_metrics=XSS)
    return case


@pytest.mark.django_db
class TestNoScriptInjection:
    def test_case_page(self, client, scripted_case):
        page_html = client.get(scripted_case.url).content.decode()
        assert XSS not in page_html
        assert "<script" not in page_html
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        # Every field is shown, escaped: SEO title, search description, title, summary (two
        # lines), 8 rich text fields, metric indicator/unit/source, 4 adaptability facts,
        # legal basis, alt text, caption, document title, replication adapted/outcome, award,
        # keyword, contact name and phone.
        assert page_html.count(escaped) == 30
        assert 'alt="&lt;script&gt;alert(1)&lt;/script&gt;"' in page_html
        assert 'content="&lt;script&gt;alert(1)&lt;/script&gt;"' in page_html

    def test_listing(self, client, scripted_case):
        for query in ({}, {"award": XSS}, {"sector": "1.02", "sort": "az"}):
            page_html = client.get("/inovasi/", query).content.decode()
            assert "1 inovasi" in page_html, query
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html, query
            assert XSS not in page_html, query
            assert "<script" not in page_html, query

    @pytest.mark.parametrize("key", ["regency", "province", "sdg", "stage", "hub", "sort"])
    def test_listing_error_message_escapes_the_submitted_value(self, client, library, key):
        response = client.get("/inovasi/", {key: XSS})
        assert response.status_code == 400
        page_html = response.content.decode()
        assert "Filter tidak dapat digunakan" in page_html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
        assert XSS not in page_html
        assert "<script" not in page_html

    def test_feeds(self, client, scripted_case):
        for url in ("/inovasi/feed/", "/inovasi/feed/atom/"):
            feed = client.get(url).content.decode()
            assert XSS not in feed, url
            assert "<script" not in feed, url

    def test_regency_folder_pages(self, client, scripted_case):
        own = client.get("/inovasi/kabupaten-banyuwangi/").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in own
        folder_for("35.78")
        adopter = client.get("/inovasi/kota-surabaya/").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in adopter
        for page_html in (own, adopter):
            assert XSS not in page_html
            assert "<script" not in page_html

    def test_api(self, client, scripted_case):
        response = client.get(f"/api/v2/pages/{scripted_case.pk}/")
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert data["title"] == XSS  # JSON carries the text as typed; clients escape it
        assert "<script" not in data["problem"]


# --- Gallery uploads through the admin ---------------------------------------------------------


@pytest.mark.django_db
class TestImageUpload:
    url = "/admin/images/add/"

    def upload(self, admin_client, name, content):
        return admin_client.post(
            self.url, {"title": "Foto kios", "file": SimpleUploadedFile(name, content)}
        )

    def file_error(self, response):
        assert response.status_code == 200
        return field_errors(response.content.decode(), "file")

    def test_real_jpeg_is_accepted(self, admin_client):
        response = self.upload(admin_client, "kios.jpg", jpeg_bytes(640, 480))
        assert response.status_code == 302
        image = get_image_model().objects.get()
        assert (image.title, image.width, image.height) == ("Foto kios", 640, 480)
        with image.open_file() as stored, PILImage.open(stored) as opened:
            assert opened.format == "JPEG"

    def test_text_file_named_png_is_refused(self, admin_client):
        response = self.upload(admin_client, "bukan-gambar.png", b"Ini bukan gambar.\n" * 40)
        assert "Unggah gambar yang valid" in self.file_error(response)
        assert not get_image_model().objects.exists()

    def test_file_over_10_mb_is_refused(self, admin_client):
        # 1900x1900 RGB stored without compression: a real 3.6 MP PNG of about 10.8 MB.
        pixels = (bytes(range(256)) * 42305)[: 1900 * 1900 * 3]
        noise = PILImage.frombytes("RGB", (1900, 1900), pixels)
        buffer = io.BytesIO()
        noise.save(buffer, "PNG", compress_level=0)
        assert buffer.tell() > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        response = self.upload(admin_client, "besar.png", buffer.getvalue())
        error = self.file_error(response)
        assert "Berkas terlalu besar" in error
        assert "10,0 MB" in error
        assert not get_image_model().objects.exists()

    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    @pytest.mark.parametrize("size", [(6400, 6400), (10000, 10000)])
    def test_decompression_bomb_is_refused(self, admin_client, size):
        bomb = png_bytes(*size)
        assert len(bomb) < 20_000  # a few KB on the wire, 41-100 MP once decoded
        response = self.upload(admin_client, "bom.png", bomb)
        error = self.file_error(response)
        assert f"({size[0] * size[1]})" in error
        assert "40000000" in error
        assert not get_image_model().objects.exists()
