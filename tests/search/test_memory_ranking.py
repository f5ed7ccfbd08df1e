"""The database engine ranks common terms from memory (Snapshot.term_postings): the same
results, scores and facet counts as ranking every term in SQL, whichever terms are common,
and nothing stale once the index changes."""

import pytest

from search import service
from search.engines.database import snapshot
from search.query import SearchQuery

from .test_search_behaviour import QUERY_KINDS

pytestmark = pytest.mark.django_db

QUERIES = [query for _kind, query, _target in QUERY_KINDS] + [
    "pelayanan",
    "layanan desa",
    "pelayanan publik desa warga",  # three in five: not every word must match
    "antrean puskesmas daring kota",
    "kesehtan ibu hamil",  # a typo among others
    "KTP-el desa",
]


def answers(text: str, **filters):
    results = service.search(SearchQuery(text=text, filters=filters, page_size=100))
    return (
        results.total,
        [(hit.slug, round(hit.score, 6)) for hit in results.results],
        {key: [(f.value, f.count) for f in values] for key, values in results.facets.items()},
        results.suggestion,
    )


@pytest.mark.parametrize("common_from", [1, 2, 4])
def test_memory_ranks_exactly_as_sql(corpus, settings, common_from):
    settings.SEARCH_MEMORY_TERM_CASES = 10**9  # every term from SQL
    expected = {text: answers(text) for text in QUERIES}
    filtered = answers("layanan", hub=["jawa-timur"])
    assert any(total > 1 for total, *_rest in expected.values())

    # Terms in `common_from` cases or more from memory: all of them, or some.
    settings.SEARCH_MEMORY_TERM_CASES = common_from
    for text in QUERIES:
        assert answers(text) == expected[text], text
    assert answers("layanan", hub=["jawa-timur"]) == filtered
    assert snapshot()._postings  # the common terms were read into memory


def test_a_small_memory_keeps_the_recent_terms_and_the_same_answers(corpus, settings):
    settings.SEARCH_MEMORY_TERM_CASES = 10**9
    expected = {text: answers(text) for text in QUERIES}
    settings.SEARCH_MEMORY_TERM_CASES = 1
    settings.SEARCH_MEMORY_POSTINGS = 2 * len(corpus)  # room for two terms
    for text in QUERIES:
        assert answers(text) == expected[text], text
    assert len(snapshot()._postings) == 2


def test_memory_forgets_the_terms_when_the_index_changes(
    corpus, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_MEMORY_TERM_CASES = 1
    assert "sibaku" in {slug for slug, _score in answers("bank sampah")[1]}
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        corpus["sibaku"].unpublish()
    assert "sibaku" not in {slug for slug, _score in answers("bank sampah")[1]}
    assert snapshot() is not before
