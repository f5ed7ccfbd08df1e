"""Fixtures of the search tests.

- `corpus`: a small corpus of real-looking cases, indexed the way a site indexes them:
  published through Wagtail, synced by the outbox after the transaction commits.
- `search_engine` / `engine_corpus`: the behaviour tests run on the database engine, and on
  Elasticsearch too when ELASTICSEARCH_URL names a cluster (see test_elasticsearch_live.py).
- `fake_elasticsearch`: a fake Elasticsearch node over real HTTP, for the real client, where
  a test needs a server's answers (no cluster exists in the default test run).
"""

import json
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from innovations.models import SDG, EvaluationAspect, Sector
from search import service
from search.engines import elasticsearch as elastic_module
from tests.factories import InnovationPageFactory, folder_for

from .fake_elasticsearch import FakeElasticsearch

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


# --- The engines the behaviour tests run on -----------------------------------------------------

# The database engine always; Elasticsearch too when the environment names a cluster
# (ELASTICSEARCH_URL, kept by the test settings as ELASTICSEARCH_TEST_URL). Without one the
# fixture is not parametrized, so the tests and their ids are the database-only ones.
SEARCH_ENGINES = ["database"]
if getattr(django_settings, "ELASTICSEARCH_TEST_URL", ""):
    SEARCH_ENGINES.append("elasticsearch")


@contextmanager
def elasticsearch_index(settings):
    """Point the search at the test cluster under an index prefix of its own; delete the
    indices made under it afterwards. Yields the engine (nothing is built yet)."""
    settings.ELASTICSEARCH_URL = settings.ELASTICSEARCH_TEST_URL
    settings.SEARCH_INDEX_PREFIX = f"jipp-test-{uuid.uuid4().hex[:12]}"
    elastic_module._engine_for.cache_clear()
    elastic_module.resume_reads()
    engine = service.elasticsearch_engine()
    try:
        yield engine
    finally:
        created = engine.client.indices.get(
            index=f"{engine.alias}-*", allow_no_indices=True, expand_wildcards="all"
        )
        for name in created.body:  # by name: clusters may refuse wildcard deletes
            engine.client.indices.delete(index=name, ignore_unavailable=True)
        elastic_module._engine_for.cache_clear()
        elastic_module.resume_reads()


@pytest.fixture(params=SEARCH_ENGINES if len(SEARCH_ENGINES) > 1 else None)
def search_engine(request, settings):
    """The name of the engine the service answers from in this test; for Elasticsearch, a
    fresh index prefix on the test cluster (the database index is kept as well)."""
    name = getattr(request, "param", "database")
    if name == "database":
        yield name
        return
    with elasticsearch_index(settings):
        yield name


@pytest.fixture
def engine_corpus(search_engine, corpus):
    """The corpus, indexed in the engine under test: published through the outbox (which
    writes to every configured engine), then Elasticsearch rebuilt from the database."""
    if search_engine == "elasticsearch":
        assert service.rebuild(["elasticsearch"]) == {"elasticsearch": len(corpus)}
    return corpus


class PublishDuringRebuild:
    """A rebuild's progress callback that, once the first batch is written, publishes a case
    from another thread: its own connection and commit, as another process would.

    `wait`: the callback waits until that publish has committed (where the rebuild does not
    hold the database's write lock); then `check()` runs, in the rebuild's thread.
    """

    def __init__(self, title, *, regency="35.73", wait=True, check=None):
        self.title, self.regency, self.wait, self.check = title, regency, wait, check
        self.published, self.errors, self.worker = threading.Event(), [], None

    def _publish(self):
        try:
            InnovationPageFactory(parent=folder_for(self.regency), title=self.title)
        except Exception as error:  # reported by finish()
            self.errors.append(repr(error))
        finally:
            connection.close()
            self.published.set()

    def progress(self, name, total):
        def advance(count):
            if self.worker is None:
                self.worker = threading.Thread(target=self._publish)
                self.worker.start()
                if self.wait:
                    assert self.published.wait(timeout=60)
                    if self.check:
                        self.check()

        return advance

    def finish(self):
        """After the rebuild: the publish is done, and it went through."""
        self.worker.join(timeout=60)
        assert self.errors == []


# --- A fake Elasticsearch node ----------------------------------------------------------------


@pytest.fixture
def fake_elasticsearch(settings):
    """A fake node the search is pointed at (ELASTICSEARCH_URL). Fixtures listed before this
    one in a test (the corpus, say) were published without Elasticsearch."""
    fake = FakeElasticsearch().start()
    settings.ELASTICSEARCH_URL = fake.url
    elastic_module._engine_for.cache_clear()
    elastic_module.resume_reads()
    try:
        yield fake
    finally:
        fake.stop()
        elastic_module._engine_for.cache_clear()
        elastic_module.resume_reads()
