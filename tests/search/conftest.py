"""A small corpus of real-looking cases for the search tests, indexed the way a site indexes
them: published through Wagtail, synced by the outbox after the transaction commits."""

import json
from pathlib import Path

import pytest

from innovations.models import SDG, EvaluationAspect, Sector
from tests.factories import InnovationPageFactory, folder_for

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "innovations.jsonl"
# Demo cases the tests search for, chosen to cover each query kind.
CORPUS = [
    "jempol-dukcapil",  # Banyuwangi, KTP-el, Disdukcapil (spelled out), jemput bola
    "sibaku",  # Surabaya, bank sampah
    "antre-sehat",  # Malang, Puskesmas, antrean daring
    "mpp-inklusif",  # Makassar, Mal Pelayanan Publik, disabilitas
    "paket-lahir",  # Kabupaten Gowa, akta kelahiran
    "pelita-balita",  # Lumajang, stunting, posyandu
    "lapor-desa",  # Sidoarjo, pengaduan, SP4N-LAPOR!
    "gerai-nib-desa",  # Ogan Ilir, NIB, OSS, UMKM, perizinan berusaha
    "siaga-banjir",  # Samarinda, banjir, peringatan dini (no hub)
    "baca-kampung",  # Jayapura, literasi (no hub)
]


def demo_records():
    records = {}
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records[record["slug"]] = record
    return records


def publish_case(record, **overrides):
    """Publish a demo record as a case in its regency's folder (keywords, SDGs, aspects)."""
    fields = {
        "title": record["title"],
        "slug": record["slug"],
        "summary": record["summary"],
        "problem": "".join(f"<p>{p}</p>" for p in record.get("problem", "").split("\n\n")),
        "solution": "".join(f"<p>{p}</p>" for p in record.get("solution", "").split("\n\n")),
        "implementation": "".join(
            f"<p>{p}</p>" for p in record.get("implementation", "").split("\n\n")
        ),
        "year_started": record.get("year"),
        "stage": record.get("stage") or "penerapan",
        "award": record.get("award") or "",
        **overrides,
    }
    page = InnovationPageFactory.build(**fields)
    folder_for(record["regency"]).add_child(instance=page)
    page.sectors = list(Sector.objects.filter(code__in=record["sector"]))
    page.sdgs = list(SDG.objects.filter(number__in=record.get("sdgs", [])))
    page.aspects = list(EvaluationAspect.objects.filter(slug__in=record.get("aspects", [])))
    page.keywords.add(*record.get("keywords", []))
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def corpus(library, django_capture_on_commit_callbacks):
    """The CORPUS cases, published and indexed; {slug: page}."""
    records = demo_records()
    with django_capture_on_commit_callbacks(execute=True):
        pages = {slug: publish_case(records[slug]) for slug in CORPUS}
    return pages
