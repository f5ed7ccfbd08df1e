"""The Elasticsearch engine against a live cluster: what only Elasticsearch does (DESIGN
section 6).

How to run the search tests on Elasticsearch as well as on the database engine:

    ELASTICSEARCH_URL=http://localhost:9200 .venv/bin/pytest tests/search

The test settings keep that URL as ELASTICSEARCH_TEST_URL and run the rest of the suite on the
database engine. With it set, the behaviour tests (test_search_behaviour.py: each query kind,
facets, highlights, paging, suggestions, the search page) run once per engine, and the tests
below run too; without it they are skipped and the suite is the database-only one. Each test
uses an index prefix of its own and deletes the indices it created.

Here: the index behind its alias and a rebuild that swaps it without downtime, the same facets
and totals as the database engine, the sync after commit and the outbox retry against the
cluster, a missing index answered from the database, more-like-this and the completion
suggester.
"""

import pytest
from django.conf import settings as django_settings

from search import service
from search.engines import elasticsearch as elastic_module
from search.models import OutboxEntry
from search.query import SearchQuery

from .conftest import demo_records, elasticsearch_index, publish_case

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not getattr(django_settings, "ELASTICSEARCH_TEST_URL", ""),
        reason="no Elasticsearch cluster: set ELASTICSEARCH_URL to run these tests",
    ),
]


@pytest.fixture
def live(settings, corpus):
    """The corpus indexed in a fresh Elasticsearch index (the database index has it too)."""
    with elasticsearch_index(settings) as engine:
        assert service.rebuild(["elasticsearch"]) == {"elasticsearch": len(corpus)}
        yield engine


def indices_of(engine) -> list[str]:
    """The indices the alias points to."""
    if not engine.client.indices.exists_alias(name=engine.alias):
        return []
    return sorted(engine.client.indices.get_alias(name=engine.alias).body)


def both(text="", **filters):
    """(Elasticsearch results, database results) for the same query."""
    query = SearchQuery(text=text, filters=filters, page_size=100)
    elastic = service.search(query)
    assert elastic.engine == "elasticsearch", elastic.notice
    return elastic, service.database_engine().search(query)


def slugs(results) -> list[str]:
    return [hit.slug for hit in results.results]


# --- Index ---------------------------------------------------------------------------------------


def test_rebuild_fills_an_index_behind_the_alias(live, corpus):
    (name,) = indices_of(live)
    assert name.startswith(f"{live.alias}-{elastic_module.index_version()}-")
    assert live.client.count(index=live.alias)["count"] == len(corpus)
    mapping = live.client.indices.get_mapping(index=name).body[name]["mappings"]
    assert mapping["properties"]["title"]["fields"]["joined"]["type"] == "text"
    assert mapping["properties"]["combined"]["search_analyzer"] == "jipp_search"


def test_a_second_rebuild_swaps_the_alias_without_downtime(live, corpus):
    (old,) = indices_of(live)
    during = []

    def progress(name, total):
        def advance(count):
            # The new index is filling: searches still get every case, from the old one.
            during.append((indices_of(live), both()[0].total))

        return advance

    assert service.rebuild(["elasticsearch"], progress) == {"elasticsearch": len(corpus)}
    assert during == [([old], len(corpus))]
    (new,) = indices_of(live)
    assert new != old
    assert not live.client.indices.exists(index=old)
    assert set(slugs(both()[0])) == set(corpus)


def test_a_missing_index_is_answered_from_the_database(settings, corpus):
    """ELASTICSEARCH_URL set, the index never built: the database answers, then a rebuild
    brings Elasticsearch in."""
    with elasticsearch_index(settings):
        results = service.search(SearchQuery(text="bank sampah"))
        assert results.engine == "database"
        assert results.notice
        assert slugs(results) == ["sibaku"]
        service.rebuild(["elasticsearch"])  # also ends the pause of reads
        assert "sibaku" in slugs(both("bank sampah")[0])


# --- Facets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"hub": ["jawa-timur"]},
        {"sector": ["2.12", "1.02"]},
        {"hub": ["jawa-timur"], "sector": ["1.02"]},
        {"regency": ["35.10"]},
    ],
)
def test_facets_and_totals_match_the_database_engine(live, filters):
    elastic, database = both(**filters)
    assert elastic.total == database.total
    assert set(slugs(elastic)) == set(slugs(database))
    assert elastic.as_json()["facets"] == database.as_json()["facets"]


def test_words_spread_over_fields_match_as_on_the_database_engine(live):
    """All of two words, each in a different field: "sampah" in the text of SIBAKU,
    "surabaya" only in its place names."""
    elastic, database = both("sampah surabaya")
    assert slugs(elastic)[:1] == slugs(database)[:1] == ["sibaku"]
    assert set(slugs(elastic)) == set(slugs(database))


# --- Sync ----------------------------------------------------------------------------------------


def test_an_unpublished_case_disappears_after_commit(
    live, corpus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        corpus["sibaku"].unpublish()
        assert "sibaku" in slugs(both("bank sampah")[0])
    elastic, database = both("bank sampah")
    assert "sibaku" not in slugs(elastic)
    assert "sibaku" not in slugs(database)
    assert live.client.count(index=live.alias)["count"] == len(corpus) - 1
    assert not OutboxEntry.objects.exists()


def test_a_change_missed_while_the_cluster_was_unreachable_is_retried(
    live, corpus, settings, django_capture_on_commit_callbacks
):
    cluster = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens: refused
    elastic_module._engine_for.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_case(demo_records()["klinik-pbg"])
    entry = OutboxEntry.objects.get()
    assert (entry.page_id, entry.engine, entry.attempts) == (page.pk, "elasticsearch", 1)

    settings.ELASTICSEARCH_URL = cluster
    elastic_module._engine_for.cache_clear()
    report = service.process_outbox()
    assert (report.synced, report.failed) == (1, 0)
    assert not OutboxEntry.objects.exists()
    assert live.client.count(index=live.alias)["count"] == len(corpus) + 1
    assert "klinik-pbg" in slugs(both("bangunan gedung")[0])


# --- More like this, completion ------------------------------------------------------------------


def test_suggest_and_similar_cases_come_from_elasticsearch(live, corpus, client):
    suggestions = client.get("/api/v2/search/suggest/", {"q": "sibak"}).json()["suggestions"]
    assert [s["id"] for s in suggestions] == [corpus["sibaku"].pk]
    assert suggestions[0]["url"] == corpus["sibaku"].get_url()
    assert suggestions[0]["regency"] == "Kota Surabaya"
    similar = service.similar_cases(corpus["paket-lahir"])
    assert corpus["paket-lahir"] not in similar
    assert all(page.live for page in similar)
    response = client.get("/api/v2/search/", {"q": "ktp"})
    assert response.json()["engine"] == "elasticsearch"
    assert "notice" not in response.json()


def test_suggest_matches_a_word_inside_the_title_as_the_database_engine(live, corpus):
    assert [s["id"] for s in service.database_engine().suggest("bank")] == [corpus["sibaku"].pk]
    assert [s["id"] for s in service.suggest("bank")] == [corpus["sibaku"].pk]
