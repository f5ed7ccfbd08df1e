"""The public read API (/api/v2/) for innovation cases, images and documents."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from innovations.models import SDG, EvaluationAspect, InnovationMetric, InnovationPage, Sector
from tests.factories import InnovationPageFactory, folder_for, replication

pytestmark = pytest.mark.django_db

FIELDS = "regency,hubs,sectors,sdgs,aspects,stage,metrics,replications,keywords"
LIST_URL = f"/api/v2/pages/?type=innovations.InnovationPage&fields={FIELDS}"


@pytest.fixture
def case(library):
    page = InnovationPageFactory(
        parent=folder_for("35.10"),
        title="Smart Kampung",
        slug="smart-kampung",
        sectors=["1.02", "2.12"],
        stage="dilembagakan",
        sdgs=list(SDG.objects.filter(number__in=[3, 16])),
        aspects=list(EvaluationAspect.objects.filter(slug="inovasi")),
        metrics=[
            InnovationMetric(
                indicator="Waktu layanan",
                baseline=Decimal("14"),
                current=Decimal("2.5"),
                unit="hari",
                source="Disdukcapil",
                measured_on=date(2023, 3, 1),
            )
        ],
    )
    page.keywords.add("ktp", "adminduk")
    page.save_revision().publish()
    replication(page, "73.71", status="berhasil", started_on=date(2023, 5, 1), adapted="Kelurahan")
    return page


def items_by_slug(response):
    assert response.status_code == 200
    return {item["meta"]["slug"]: item for item in response.json()["items"]}


def test_case_fields_have_the_documented_shapes(client, case):
    item = items_by_slug(client.get(LIST_URL))["smart-kampung"]
    assert item["id"] == case.pk
    assert item["title"] == "Smart Kampung"
    assert item["meta"]["type"] == "innovations.InnovationPage"
    assert item["meta"]["html_url"].endswith("/inovasi/kabupaten-banyuwangi/smart-kampung/")
    assert item["regency"] == {
        "code": "35.10",
        "name": "Kabupaten Banyuwangi",
        "province": {"code": "35", "name": "Jawa Timur"},
    }
    assert item["hubs"] == ["jawa-timur"]
    assert item["sectors"] == [
        {"code": "1.02", "name": "Kesehatan"},
        {"code": "2.12", "name": "Administrasi Kependudukan dan Pencatatan Sipil"},
    ]
    assert item["sdgs"] == [
        {"code": 3, "name": "Kehidupan Sehat dan Sejahtera"},
        {"code": 16, "name": "Perdamaian, Keadilan dan Kelembagaan yang Tangguh"},
    ]
    assert item["aspects"] == [{"code": "inovasi", "name": "Inovasi"}]
    assert item["stage"] == "dilembagakan"
    assert item["keywords"] == ["adminduk", "ktp"]
    [metric] = item["metrics"]
    assert {key: metric[key] for key in metric if key not in ("id", "meta")} == {
        "indicator": "Waktu layanan",
        "baseline": "14.00",
        "current": "2.50",
        "unit": "hari",
        "source": "Disdukcapil",
        "measured_on": "2023-03-01",
    }
    assert item["replications"] == [
        {
            "adopting_regency": {
                "code": "73.71",
                "name": "Kota Makassar",
                "province": {"code": "73", "name": "Sulawesi Selatan"},
            },
            "status": "berhasil",
            "started_on": "2023-05-01",
            "adapted": "Kelurahan",
            "outcome": "",
            "confirmed": False,
        }
    ]


def test_case_without_hub_or_replications(client, library):
    InnovationPageFactory(parent=folder_for("32.73"), slug="bandung", sectors=["P.02"])
    item = items_by_slug(client.get(LIST_URL))["bandung"]
    assert item["hubs"] == []
    assert item["replications"] == []
    assert item["metrics"] == []
    assert item["regency"]["name"] == "Kota Bandung"
    assert item["sectors"] == [{"code": "P.02", "name": "Pelayanan Publik Lintas Urusan"}]


def test_detail_carries_the_proposal_text(client, case):
    response = client.get(f"/api/v2/pages/{case.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["summary"] == case.summary
    assert data["problem"] == "<p>Warga harus datang ke kantor dinas.</p>"
    assert data["year_started"] == 2020
    assert data["meta"]["parent"]["title"] == "Kabupaten Banyuwangi"


def test_type_filter_lists_cases_only(client, case):
    response = client.get("/api/v2/pages/?type=innovations.InnovationPage")
    data = response.json()
    assert data["meta"]["total_count"] == 1
    assert [item["meta"]["type"] for item in data["items"]] == ["innovations.InnovationPage"]
    folders = client.get("/api/v2/pages/?type=innovations.RegencyFolderPage").json()
    assert [item["title"] for item in folders["items"]] == ["Kabupaten Banyuwangi"]


def test_drafts_and_restricted_cases_are_not_in_the_api(client, case):
    folder = folder_for("35.78")
    draft = folder.add_child(
        instance=InnovationPage(title="Draf Rahasia", slug="draf", summary="x", live=False)
    )
    draft.sectors = list(Sector.objects.filter(code="1.02"))
    draft.save_revision()
    unpublished = InnovationPageFactory(parent=folder, slug="ditarik", sectors=["1.02"])
    unpublished.unpublish()
    restricted = InnovationPageFactory(parent=folder, slug="pegawai", sectors=["1.02"])
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    revised = InnovationPageFactory(parent=folder, slug="direvisi", title="Judul Terbit")
    revised.title = "Judul Draf Baru"
    revised.save_revision()

    items = items_by_slug(client.get(LIST_URL))
    assert set(items) == {"smart-kampung", "direvisi"}
    assert items["direvisi"]["title"] == "Judul Terbit"
    for hidden in (draft, unpublished, restricted):
        assert client.get(f"/api/v2/pages/{hidden.pk}/").status_code == 404
    search = client.get("/api/v2/pages/?type=innovations.InnovationPage&search=Rahasia").json()
    assert search["items"] == []


def test_images_and_documents_endpoints(client, db):
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), (10, 120, 90)).save(buffer, "JPEG")
    image = get_image_model().objects.create(
        title="Kios desa", file=ImageFile(buffer, name="kios.jpg")
    )
    document = get_document_model().objects.create(
        title="Laporan", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="laporan.pdf")
    )
    images = client.get("/api/v2/images/")
    assert images.status_code == 200
    [item] = images.json()["items"]
    assert (item["id"], item["title"]) == (image.pk, "Kios desa")
    detail = client.get(f"/api/v2/images/{image.pk}/").json()
    assert (detail["width"], detail["height"]) == (320, 200)
    documents = client.get("/api/v2/documents/")
    assert documents.status_code == 200
    [item] = documents.json()["items"]
    assert (item["id"], item["title"]) == (document.pk, "Laporan")
    download_url = client.get(f"/api/v2/documents/{document.pk}/").json()["meta"]["download_url"]
    assert download_url.endswith(document.url)  # /documents/<id>/<stored file name>
    response = client.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
