"""The Elasticsearch engine against a live cluster (DESIGN section 6).

Runs only when the environment names a cluster: `ELASTICSEARCH_URL=http://localhost:9200
pytest tests/search/test_elasticsearch_live.py` (the test settings keep it as
ELASTICSEARCH_TEST_URL and run every other test on the database engine). Each test uses an
index prefix of its own and deletes the indices it created.
"""

import uuid

import pytest
from django.conf import settings as django_settings

from search import service
from search.engines import elasticsearch as elastic_module
from search.models import OutboxEntry
from search.query import SearchQuery

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
    settings.ELASTICSEARCH_URL = settings.ELASTICSEARCH_TEST_URL
    settings.SEARCH_INDEX_PREFIX = f"jipp-test-{uuid.uuid4().hex[:12]}"
    elastic_module._engine_for.cache_clear()
    engine = service.elasticsearch_engine()
    try:
        assert service.rebuild(["elasticsearch"]) == {"elasticsearch": len(corpus)}
        yield engine
    finally:
        created = engine.client.indices.get(
            index=f"{engine.alias}-*", allow_no_indices=True, expand_wildcards="all"
        )
        for name in created.body:  # by name: clusters may refuse wildcard deletes
            engine.client.indices.delete(index=name, ignore_unavailable=True)
        elastic_module._engine_for.cache_clear()


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


def test_a_second_rebuild_swaps_the_alias_and_deletes_the_old_index(live, corpus):
    (old,) = indices_of(live)
    assert service.rebuild(["elasticsearch"]) == {"elasticsearch": len(corpus)}
    (new,) = indices_of(live)
    assert new != old
    assert not live.client.indices.exists(index=old)
    assert set(slugs(both()[0])) == set(corpus)


# --- Queries: the same behaviour as the database engine ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("disdukcapil", "jempol-dukcapil"),  # acronym, spelled out in the case
        ("mpp", "mpp-inklusif"),  # acronym of "Mal Pelayanan Publik"
        ("ktp el", "jempol-dukcapil"),  # KTP-el typed split
        ("ktpel", "jempol-dukcapil"),  # ... and joined
        ("stuntign", "pelita-balita"),  # typo
        ("sampha", "sibaku"),  # typo
        ("banyuwangi", "jempol-dukcapil"),  # place
        ("makassar", "mpp-inklusif"),  # place
        ("birth certificate", "paket-lahir"),  # English
        ("flood early warning", "siaga-banjir"),  # English
    ],
)
def test_query_kinds_find_what_the_database_engine_finds(live, text, expected):
    elastic, database = both(text)
    assert slugs(database)[:1] == [expected]  # the reference behaviour
    assert expected in slugs(elastic)[:3], (text, slugs(elastic))


def test_a_typo_gets_a_suggestion(live):
    elastic, database = both("sampha")
    assert database.suggestion == "sampah"
    assert elastic.suggestion == "sampah"


def test_highlights_mark_the_matched_words(live):
    elastic, _database = both("bank sampah")
    hit = elastic.results[0]
    assert hit.slug == "sibaku"
    assert any(
        "<mark>" in fragment for fragments in hit.highlights.values() for fragment in fragments
    )


def test_results_have_the_database_engine_shape(live, corpus):
    elastic, database = both("bank sampah")
    body, expected = elastic.as_json(), database.as_json()
    assert body.keys() == expected.keys()
    assert body["results"][0].keys() == expected["results"][0].keys()
    hit, same = body["results"][0], expected["results"][0]
    for key in ("id", "slug", "title", "url", "summary", "regency", "province", "hubs", "sectors"):
        assert hit[key] == same[key], key


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
