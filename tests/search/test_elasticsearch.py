"""The Elasticsearch engine without a cluster (DESIGN section 6): the index settings and
mappings, the query body and the parsing of a response are checked on real elasticsearch-dsl
objects and a real client object that is never contacted; the fallback to the database engine
against a real refused connection (nothing listens on 127.0.0.1:9); the requests the real
client sends (search, more-like-this, suggestions, rebuild, writes) and the fallback when the
index is missing or the node hangs, against a fake node over HTTP (conftest.py).
"""

import json
import math
import re
import struct
import threading
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from elasticsearch import Elasticsearch

from hubs.models import Hub, Province
from innovations.models import SDG, InnovationPage, Sector, Stage
from search import service
from search.analysis import GLOSSARY_FILE, STOPWORDS_FILE, SYNONYMS_FILE
from search.documents import FIELD_WEIGHTS, build_document, indexable_cases
from search.engines import elasticsearch as elastic_module
from search.engines.database import minimum_should_match
from search.models import OutboxEntry
from search.query import COUNTED_FACETS, SearchQuery
from tests.factories import InnovationPageFactory, folder_for

from .conftest import PublishDuringRebuild, demo_records, publish_case

pytestmark = pytest.mark.django_db

ALIAS = "jipp-test-innovations"
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused


def engine():
    """An engine over a real client object; no test here lets it send a request."""
    return elastic_module.ElasticsearchEngine(Elasticsearch(UNREACHABLE), ALIAS)


WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # a word, hyphenated parts included


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def rules(path) -> list[str]:
    """The rules of a synonyms/stop-words file: its non-empty lines that are not comments."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


# --- (a) Index settings and mappings ----------------------------------------------------------


def index_body() -> dict:
    return elastic_module.index_definition("x").to_dict()


def test_analyzers_share_one_chain_synonyms_at_search_time_only():
    body = index_body()
    analyzers = body["settings"]["analysis"]["analyzer"]
    index_chain = ["lowercase", "asciifolding", "jipp_stop", "jipp_acronyms", "jipp_stemmer"]
    # Synonyms before the stop filter, so that no rule loses a stop word (see below).
    search_chain = [*index_chain[:2], "jipp_synonyms", *index_chain[2:]]
    for name, chain in [
        ("jipp_index", index_chain),
        ("jipp_search", search_chain),
        ("jipp_joined_index", index_chain),
        ("jipp_joined_search", search_chain),
    ]:
        assert analyzers[name]["type"] == "custom"
        assert analyzers[name]["tokenizer"] == "standard"
        assert analyzers[name]["filter"] == chain, name
    for name in ("jipp_joined_index", "jipp_joined_search"):
        assert analyzers[name]["char_filter"] == ["jipp_hyphen_join"]
    for name in ("jipp_index", "jipp_search"):
        assert "char_filter" not in analyzers[name]


def test_token_filters_come_from_the_synonym_files():
    body = index_body()
    filters = body["settings"]["analysis"]["filter"]
    assert filters["jipp_stop"]["type"] == "stop"
    assert set(filters["jipp_stop"]["stopwords"]) == {w.lower() for w in rules(STOPWORDS_FILE)}
    assert {"dan", "yang", "di"} <= set(filters["jipp_stop"]["stopwords"])

    synonyms = filters["jipp_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert synonyms["synonyms"] == rules(SYNONYMS_FILE) + rules(GLOSSARY_FILE)
    assert any("=>" in rule for rule in synonyms["synonyms"])  # the English glossary

    # Single-word synonym entries (acronyms) are kept from the stemmer, hyphens removed as
    # the tokenizer of the database engine does ("ktp-el" -> "ktpel").
    acronyms = set()
    for line in rules(SYNONYMS_FILE):
        for entry in line.split(","):
            words = WORD.findall(fold(entry))
            if len(words) == 1:
                acronyms.add(words[0].replace("-", ""))
    assert filters["jipp_acronyms"] == {"type": "keyword_marker", "keywords": sorted(acronyms)}
    assert {"mpp", "disdukcapil"} <= acronyms
    assert filters["jipp_stemmer"] == {"type": "stemmer", "language": "indonesian"}


def test_no_synonym_entry_is_lost_to_the_stop_filter():
    """Elasticsearch parses synonym rules through the filters before the synonym filter; a
    stop word removed inside a multi-word entry would make Lucene reject (with lenient=true:
    silently drop) the entry. Entries with stop words exist, so the stop filter must come
    after the synonyms in every analyzer that has them."""
    body = index_body()["settings"]["analysis"]
    stop = set(body["filter"]["jipp_stop"]["stopwords"])
    with_stop_words = [
        entry.strip()
        for rule in body["filter"]["jipp_synonyms"]["synonyms"]
        for side in rule.split("=>")
        for entry in side.split(",")
        if any(word in stop for word in re.findall(r"\w+", fold(entry)))
    ]
    assert "dinas kependudukan dan pencatatan sipil" in with_stop_words
    for name, analyzer in body["analyzer"].items():
        chain = analyzer["filter"]
        if "jipp_synonyms" in chain:
            assert chain.index("jipp_synonyms") < chain.index("jipp_stop"), name


def test_the_hyphen_join_char_filter():
    body = index_body()
    join = body["settings"]["analysis"]["char_filter"]["jipp_hyphen_join"]
    assert join["type"] == "pattern_replace"
    # The pattern means the same in Java and Python: hyphens inside words only.
    joined = re.sub(join["pattern"], join["replacement"], "KTP-el, e-KTP dan SP4N-LAPOR! - x")
    assert joined == "KTPel, eKTP dan SP4NLAPOR! - x"


JOINED = ("title", "keywords", "summary", "body")


def test_mappings(settings):
    body = index_body()
    assert body["settings"]["number_of_shards"] == 1
    assert body["settings"]["number_of_replicas"] == settings.ELASTICSEARCH_REPLICAS
    properties = body["mappings"]["properties"]
    for name in FIELD_WEIGHTS:
        field = properties[name]
        assert (field["type"], field["analyzer"], field["search_analyzer"]) == (
            "text",
            "jipp_index",
            "jipp_search",
        ), name
        # Copied to the spelling field and to both combined fields the matching is done on.
        assert field["copy_to"] == ["spelling", "combined", "combined_joined"], name
        if name in JOINED:
            assert field["fields"] == {
                "joined": {
                    "type": "text",
                    "analyzer": "jipp_joined_index",
                    "search_analyzer": "jipp_joined_search",
                }
            }, name
        else:
            assert "fields" not in field, name
    assert properties["body"]["term_vector"] == "with_positions_offsets"
    # The combined fields analyse like the text fields (index: no synonyms; search: synonyms),
    # one with hyphens kept as word breaks, one with them joined; no copy_to chains.
    assert properties["combined"] == {
        "type": "text",
        "analyzer": "jipp_index",
        "search_analyzer": "jipp_search",
    }
    assert properties["combined_joined"] == {
        "type": "text",
        "analyzer": "jipp_joined_index",
        "search_analyzer": "jipp_joined_search",
    }
    for name in ("hub", "province", "regency", "sector", "aspect", "stage", "award", "slug"):
        assert properties[name] == {"type": "keyword"}, name
    assert properties["sdg"] == properties["year"] == {"type": "integer"}
    assert properties["published_at"] == {"type": "date"}
    assert properties["title_suggest"] == {"type": "completion", "analyzer": "jipp_plain"}
    assert properties["spelling"] == {"type": "text", "analyzer": "jipp_plain"}
    assert properties["data"] == {"type": "object", "enabled": False}
    assert set(COUNTED_FACETS) | {"regency"} <= set(properties)


def test_the_index_body_has_no_null_values():
    body = index_body()

    def nulls(value, path=""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from nulls(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from nulls(item, f"{path}[{index}]")
        elif value is None:
            yield path

    assert list(nulls(body)) == []


def test_index_version_is_stable_and_follows_the_settings(settings):
    version = elastic_module.index_version()
    assert re.fullmatch(r"[0-9a-f]{10}", version)
    assert elastic_module.index_version() == version
    settings.ELASTICSEARCH_REPLICAS = settings.ELASTICSEARCH_REPLICAS + 1
    assert elastic_module.index_version() != version
    settings.ELASTICSEARCH_REPLICAS = settings.ELASTICSEARCH_REPLICAS - 1
    assert elastic_module.index_version() == version


def test_title_suggestions_start_at_every_title_word(corpus):
    sibaku = corpus["sibaku"]
    assert [s["id"] for s in service.database_engine().suggest("bank")] == [sibaku.pk]
    source = elastic_module.to_source(build_document(indexable_cases([sibaku.pk]).get()))
    inputs = [fold(text) for text in source["title_suggest"]["input"]]
    # The completion suggester finds an input whose analysed text starts with the prefix.
    assert any(re.match(r"\W*bank\b", text) for text in inputs), inputs


# --- (b) The query body -----------------------------------------------------------------------

QUERY = SearchQuery(
    text="ktp keliling",
    filters={"hub": ["jawa-timur"], "sector": ["2.12", "1.02"], "regency": ["35.10"]},
    sort="newest",
    page=2,
    page_size=5,
)


def selected_in(clause) -> dict:
    """{facet: values} a filter clause selects: one `terms`, a bool of them, or match_all."""
    if "terms" in clause:
        return dict(clause["terms"])
    if "bool" in clause:
        assert set(clause["bool"]) == {"must"}
        found = {}
        for part in clause["bool"]["must"]:
            found.update(selected_in(part))
        return found
    assert clause == {"match_all": {}}
    return {}


def test_query_text_matching_counts_words_across_fields_and_ranks_by_field():
    body = engine().build(QUERY)._s.to_dict()
    boosted = [f"{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()]
    joined = [f"{name}.joined^{FIELD_WEIGHTS[name]:g}" for name in JOINED]
    assert "title^4" in boosted and "place^2" in boosted
    enough = {"query": "ktp keliling", "minimum_should_match": "2<-40%"}
    # What matches: enough of the words in the combined fields (so one word may be in the
    # title and another only in the place names), exactly, with hyphens joined, or fuzzily.
    required = {
        "bool": {
            "should": [
                {"match": {"combined": enough}},
                {"match": {"combined_joined": enough}},
                {
                    "match": {
                        "combined": {
                            **enough,
                            "analyzer": "jipp_index",  # no synonyms
                            "fuzziness": "AUTO",
                            "prefix_length": 1,
                        }
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    # How they rank: the same words in the weighted fields (optional clauses).
    ranking = [
        {
            "multi_match": {
                "query": "ktp keliling",
                "fields": boosted + joined,
                "type": "best_fields",
                "tie_breaker": 0.3,
            }
        },
        {
            "multi_match": {
                "query": "ktp keliling",
                "fields": boosted,
                "type": "best_fields",
                "tie_breaker": 0.3,
                "analyzer": "jipp_index",
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "boost": 0.5,
            }
        },
    ]
    assert body["query"] == {
        "bool": {
            # The regency (a filter, not a counted facet) narrows the query.
            "filter": [{"terms": {"regency": ["35.10"]}}, required],
            "should": ranking,
            "minimum_should_match": 0,
        }
    }
    # Without a regency filter the query is the same, less that filter.
    plain = engine().build(SearchQuery(text="ktp keliling"))._s.to_dict()["query"]
    assert plain == {"bool": {"filter": [required], "should": ranking, "minimum_should_match": 0}}


def java_minimum_should_match(clauses: int, spec: str) -> int:
    """Elasticsearch's Queries.calculateMinShouldMatch, float arithmetic included (Java's
    float is IEEE single precision: `(result * percent) * (1 / 100f)`)."""

    def single(value: float) -> float:
        return struct.unpack("f", struct.pack("f", value))[0]

    result = clauses
    if "<" in spec:
        for part in spec.split():
            bound, rest = part.split("<")
            if clauses <= int(bound):
                return result
            result = java_minimum_should_match(clauses, rest)
        return result
    if spec.endswith("%"):
        calc = single(float(clauses * int(spec[:-1])) * single(1 / 100))
        result = result + math.trunc(calc) if calc < 0 else math.trunc(calc)
    else:
        calc = int(spec)
        result = result + calc if calc < 0 else calc
    return max(result, 0)


def test_minimum_should_match_is_the_database_engines_rule():
    """All of one or two words, then ceil(60%): Elasticsearch's "2<-40%" requires
    n - floor(0.4 n), which is ceil(0.6 n); the former "2<60%" required floor(0.6 n)."""
    table = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 5, 8: 5, 9: 6, 10: 6, 11: 7, 12: 8, 20: 12}
    for words, required in table.items():
        assert math.ceil(words * 0.6) == required, words
        assert minimum_should_match(words) == required, words
    for words in range(1, 101):
        spec = elastic_module.MINIMUM_SHOULD_MATCH
        assert java_minimum_should_match(words, spec) == minimum_should_match(words), words
    # The former setting let a case match only two of four words.
    assert java_minimum_should_match(4, "2<60%") == 2 != minimum_should_match(4)


def test_query_filters_post_filter_and_disjunctive_facets():
    body = engine().build(QUERY)._s.to_dict()
    # The regency (a filter, not a counted facet) narrows the query and so every count.
    assert body["query"]["bool"]["filter"][0] == {"terms": {"regency": ["35.10"]}}
    # Counted facets filter the hits after the aggregations: OR within a facet, AND across.
    assert selected_in(body["post_filter"]) == {
        "hub": ["jawa-timur"],
        "sector": ["2.12", "1.02"],
    }
    assert set(body["aggs"]) == {f"_filter_{key}" for key in COUNTED_FACETS}
    for key in COUNTED_FACETS:
        aggregation = body["aggs"][f"_filter_{key}"]
        assert aggregation["aggs"] == {key: {"terms": {"field": key, "size": 100}}}
        # Each facet is counted under the other facets' selections, not its own.
        expected = {k: v for k, v in QUERY.filters.items() if k not in (key, "regency")}
        assert selected_in(aggregation["filter"]) == expected, key


def test_query_highlight_sort_paging_and_suggester():
    body = engine().build(QUERY)._s.to_dict()
    highlight = body["highlight"]
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["post_tags"] == ["</mark>"]
    assert highlight["encoder"] == "html"
    assert set(highlight["fields"]) == {"title", "summary", "body"}
    assert highlight["fields"]["title"] == {"number_of_fragments": 0}  # the whole title
    assert body["sort"][0] == {"published_at": {"order": "desc"}}
    assert (body["from"], body["size"]) == (5, 5)
    assert body["track_total_hits"] is True
    assert body["_source"] == ["slug", "title", "summary", "data"]
    spelling = body["suggest"]["spelling"]
    assert spelling["text"] == "ktp keliling"
    assert spelling["phrase"]["field"] == "spelling"


def test_query_by_relevance_and_the_empty_query():
    relevance = engine().build(SearchQuery(text="bank sampah"))._s.to_dict()
    assert "sort" not in relevance  # by score
    assert (relevance.get("from", 0), relevance["size"]) == (0, 10)
    assert "post_filter" not in relevance

    everything = engine().build(SearchQuery())._s.to_dict()
    assert "should" not in str(everything.get("query", {}))
    assert everything["sort"][0] == {"published_at": {"order": "desc"}}
    assert "suggest" not in everything


# --- (c) Parsing a response -------------------------------------------------------------------


def source_of(page) -> dict:
    """What the engine stored for a case (`to_source` of its document), as _source returns
    the requested fields."""
    document = build_document(indexable_cases([page.pk]).get())
    return {
        "slug": document.slug,
        "title": document.title,
        "summary": document.summary,
        "data": document.data,
    }


def buckets(*pairs):
    return {"buckets": [{"key": key, "doc_count": count} for key, count in pairs]}


@pytest.fixture
def raw(corpus):
    """A response as Elasticsearch 8 sends it for "ktp keliling" with sector=2.12."""
    jempol, paket = corpus["jempol-dukcapil"], corpus["paket-lahir"]
    empty = {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []}
    return {
        "took": 7,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "max_score": 13.52,
            "hits": [
                {
                    "_index": f"{ALIAS}-0123456789-20261123000000000000",
                    "_id": str(jempol.pk),
                    "_score": 13.52,
                    "_source": source_of(jempol),
                    "highlight": {
                        "title": [
                            "JEMPOL DUKCAPIL: Jemput Bola Pelayanan Dokumen Kependudukan di Desa"
                        ],
                        "summary": ["Petugas merekam <mark>KTP</mark>-el warga secara keliling"],
                    },
                },
                {
                    "_index": f"{ALIAS}-0123456789-20261123000000000000",
                    "_id": str(paket.pk),
                    "_score": 4.1,
                    "_source": source_of(paket),
                },
            ],
        },
        "aggregations": {
            "_filter_hub": {"doc_count": 2, "hub": buckets(("jawa-timur", 1))},
            "_filter_province": {"doc_count": 2, "province": buckets(("35", 1), ("73", 1))},
            "_filter_sector": {
                "doc_count": 3,
                "sector": buckets(("2.12", 2), ("1.02", 1), ("2.11", 1)),
            },
            "_filter_sdg": {"doc_count": 2, "sdg": buckets((16, 2), (3, 1))},
            "_filter_aspect": {"doc_count": 2, "aspect": empty},
            "_filter_stage": {"doc_count": 2, "stage": buckets(("penerapan", 2))},
            "_filter_year": {"doc_count": 2, "year": buckets((2019, 1), (2021, 1))},
            "_filter_award": {"doc_count": 2, "award": empty},
        },
        "suggest": {
            "spelling": [
                {
                    "text": "ktp kelilng",
                    "offset": 0,
                    "length": 11,
                    "options": [{"text": "ktp keliling", "score": 0.021}],
                }
            ]
        },
    }


def test_a_response_parses_to_the_shape_the_database_engine_gives(corpus, raw):
    query = SearchQuery(text="ktp kelilng", filters={"sector": ["2.12"]})
    es = engine()
    results = es.parse(query, es.build(query), raw)
    database = service.database_engine().search(query)

    body, expected = results.as_json(), database.as_json()
    assert body.keys() == expected.keys()
    assert body["engine"] == "elasticsearch"
    assert (body["query"], body["total"], body["page"], body["page_size"]) == (
        "ktp kelilng",
        2,
        1,
        10,
    )
    assert body["suggestion"] == "ktp keliling"

    jempol, paket = corpus["jempol-dukcapil"], corpus["paket-lahir"]
    assert [hit["id"] for hit in body["results"]] == [jempol.pk, paket.pk]
    first, second = body["results"]
    assert first.keys() == expected["results"][0].keys()
    assert first["url"] == jempol.get_url() and second["url"] == paket.get_url()
    assert first["slug"] == "jempol-dukcapil"
    assert first["title"] == jempol.title
    assert first["summary"] == jempol.summary
    assert first["regency"] == {"code": "35.10", "name": "Kabupaten Banyuwangi"}
    assert first["province"] == {"code": "35", "name": Province.objects.get(code="35").name}
    assert first["hubs"] == ["jawa-timur"]
    assert first["sectors"] == [{"code": "2.12", "name": Sector.objects.get(code="2.12").name_id}]
    assert first["year"] == jempol.year_started
    assert first["score"] == 13.52
    assert first["highlights"] == {
        "title": ["JEMPOL DUKCAPIL: Jemput Bola Pelayanan Dokumen Kependudukan di Desa"],
        "summary": ["Petugas merekam <mark>KTP</mark>-el warga secara keliling"],
    }
    assert second["highlights"] == {}
    # The same case, as the database engine shows it.
    same = {hit["id"]: hit for hit in expected["results"]}
    for hit in body["results"]:
        if hit["id"] in same:
            for key in ("slug", "title", "url", "summary", "regency", "province", "hubs"):
                assert hit[key] == same[hit["id"]][key], key

    facets = body["facets"]
    assert list(facets) == list(COUNTED_FACETS) == list(expected["facets"])
    assert facets["hub"] == [
        {"value": "jawa-timur", "label": Hub.objects.get(slug="jawa-timur").name, "count": 1}
    ]
    assert [(f["value"], f["count"]) for f in facets["sector"]] == [
        ("2.12", 2),
        ("1.02", 1),
        ("2.11", 1),
    ]
    assert facets["sector"][0]["label"] == Sector.objects.get(code="2.12").name
    assert [f["value"] for f in facets["sdg"]] == [3, 16]  # by SDG number
    assert facets["sdg"][0]["label"] == str(SDG.objects.get(number=3))
    assert [f["value"] for f in facets["year"]] == [2021, 2019]  # newest first
    assert facets["stage"] == [
        {"value": "penerapan", "label": str(Stage("penerapan").label), "count": 2}
    ]
    assert facets["aspect"] == facets["award"] == []
    labels = {
        (key, f["value"]): f["label"]
        for key in expected["facets"]
        for f in expected["facets"][key]
    }
    for key, values in facets.items():
        for f in values:
            if (key, f["value"]) in labels:
                assert f["label"] == labels[key, f["value"]], (key, f["value"])


def test_a_response_without_hits_or_suggestions(corpus, raw):
    query = SearchQuery(text="ktp", filters={"sector": ["9.99"]})
    for aggregation in raw["aggregations"].values():
        aggregation["doc_count"] = 0
        for key in COUNTED_FACETS:
            if key in aggregation:
                aggregation[key]["buckets"] = []
    raw["suggest"]["spelling"][0]["options"] = []
    raw["hits"] = {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}
    es = engine()
    body = es.parse(query, es.build(query), raw).as_json()
    assert (body["total"], body["results"], body["suggestion"]) == (0, [], None)
    # A selected value without matches stays listed, with count 0.
    assert [(f["value"], f["count"]) for f in body["facets"]["sector"]] == [("9.99", 0)]


# --- (d) Elasticsearch unreachable: the database engine answers --------------------------------


@pytest.fixture
def unreachable(settings):
    """ELASTICSEARCH_URL names a server that refuses connections."""

    settings.ELASTICSEARCH_URL = UNREACHABLE
    elastic_module._engine_for.cache_clear()
    elastic_module.resume_reads()
    yield
    elastic_module._engine_for.cache_clear()
    elastic_module.resume_reads()


def test_search_falls_back_to_the_database_engine(corpus, unreachable):
    results = service.search(SearchQuery(text="bank sampah"))
    assert results.engine == "database"
    assert "Elasticsearch" in results.notice
    assert [hit.slug for hit in results.results] == ["sibaku"]


def test_the_api_says_which_engine_answered(corpus, unreachable, client):
    response = client.get("/api/v2/search/", {"q": "ktp"})
    assert response.status_code == 200
    body = response.json()
    assert body["engine"] == "database"
    assert "Elasticsearch" in body["notice"]
    assert "jempol-dukcapil" in {hit["slug"] for hit in body["results"]}

    suggestions = client.get("/api/v2/search/suggest/", {"q": "bank"})
    assert suggestions.status_code == 200
    assert [s["id"] for s in suggestions.json()["suggestions"]] == [corpus["sibaku"].pk]

    page = client.get("/cari/", {"q": "ktp"})
    assert page.status_code == 200
    assert 'class="notice" role="status"' in page.content.decode()
    assert client.get(corpus["sibaku"].get_url()).status_code == 200  # similar cases


def test_a_change_waits_for_elasticsearch_while_the_database_index_has_it(
    corpus, unreachable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_case(demo_records()["klinik-pbg"])
    entry = OutboxEntry.objects.get()
    assert (entry.page_id, entry.engine, entry.attempts) == (page.pk, "elasticsearch", 1)
    assert entry.last_error.startswith("EngineUnavailable: Elasticsearch unreachable")
    assert "klinik-pbg" in {
        hit.slug
        for hit in service.database_engine().search(SearchQuery(text="bangunan gedung")).results
    }

    out = StringIO()
    call_command("search_index", "--status", stdout=out)
    assert out.getvalue().startswith(
        "database: 0 waiting, 0 failed\n  index: current\nelasticsearch: 1 waiting, 1 failed\n"
        f"  page {page.pk}: 1 attempts, EngineUnavailable: Elasticsearch unreachable"
    )
    with pytest.raises(CommandError, match=r"^elasticsearch: Elasticsearch unreachable"):
        call_command("search_index", "--process-queue", stdout=StringIO())
    assert OutboxEntry.objects.get().attempts == 2


def test_rebuilding_an_unreachable_elasticsearch_is_a_command_error(corpus, unreachable):
    with pytest.raises(CommandError, match=r"^index not rebuilt: Elasticsearch unreachable"):
        call_command("search_index", "--rebuild", "--no-progress", "--engine", "elasticsearch")
    # --engine limited the rebuild: the database index is as it was.
    assert service.database_engine().search(SearchQuery()).total == len(corpus)


def test_reads_pause_after_a_failure_then_try_again(corpus, unreachable, settings, caplog):
    """After Elasticsearch failed, this process sends it no read for a while: the database
    answers at once instead of after a timeout on every request."""

    def fallback_reason():
        caplog.clear()
        with caplog.at_level("DEBUG", logger="search.service"):
            results = service.search(SearchQuery(text="bank sampah"))
        assert results.engine == "database"
        assert [hit.slug for hit in results.results] == ["sibaku"]
        (record,) = [r for r in caplog.records if r.name == "search.service"]
        return record.levelname, record.getMessage()

    level, reason = fallback_reason()  # it tried: a warning
    assert (level, "Elasticsearch unreachable" in reason) == ("WARNING", True)
    level, reason = fallback_reason()  # it did not: quietly, the failure was logged
    assert level == "DEBUG"
    assert "skipped after a recent failure: Elasticsearch unreachable" in reason
    # Suggestions and similar cases skip it too.
    assert [s["id"] for s in service.suggest("bank")] == [corpus["sibaku"].pk]
    with caplog.at_level("DEBUG", logger="search.service"):
        service.similar_cases(corpus["sibaku"])
    assert "skipped after a recent failure" in caplog.records[-1].getMessage()
    settings.ELASTICSEARCH_RETRY_AFTER = 0  # the pause is over: it tries again
    level, reason = fallback_reason()
    assert (level, "skipped" in reason) == ("WARNING", False)


# --- (e) Requests and answers, through the real client and a fake node ------------------------

NEW_INDEX = re.compile(rf"{ALIAS}-[0-9a-f]{{10}}-\d{{20}}")
OLD_INDEX = f"{ALIAS}-0123456789-20260101000000000000"  # built by an earlier version


def live_index() -> str:
    """An index of the current version (analysis settings and mappings), as a rebuild names
    it: the reads go to it."""
    return f"{ALIAS}-{elastic_module.index_version()}-20260101000000000000"


def roundtrip(value):
    """`value` as it travels as JSON."""
    return json.loads(json.dumps(value))


def test_a_search_sends_the_built_body_and_parses_the_answer(
    corpus, raw, fake_elasticsearch, client
):
    fake_elasticsearch.add_index(live_index(), ALIAS)
    fake_elasticsearch.search_response = lambda body: raw
    response = client.get("/api/v2/search/", {"q": "ktp kelilng", "sector": "2.12"})
    assert response.status_code == 200
    body = response.json()
    assert body["engine"] == "elasticsearch"
    assert "notice" not in body
    assert [hit["slug"] for hit in body["results"]] == ["jempol-dukcapil", "paket-lahir"]
    assert body["suggestion"] == "ktp keliling"
    (sent,) = fake_elasticsearch.requests_for("POST", "/_search")
    assert sent.path == f"/{ALIAS}/_search"
    query = SearchQuery(text="ktp kelilng", filters={"sector": ["2.12"]})
    assert sent.body == roundtrip(engine().build(query)._s.to_dict())


def test_an_index_of_another_version_is_not_read(corpus, fake_elasticsearch, client):
    """An index built before the synonyms or the mapping changed would answer wrongly (fields
    or analysis missing): the database engine answers instead and says to rebuild."""
    fake_elasticsearch.add_index(OLD_INDEX, ALIAS)
    response = client.get("/api/v2/search/", {"q": "bank sampah"})
    body = response.json()
    assert (response.status_code, body["engine"]) == (200, "database")
    assert [hit["slug"] for hit in body["results"]] == ["sibaku"]
    assert "notice" in body
    assert not fake_elasticsearch.requests_for("POST", "/_search")
    assert service.elasticsearch_engine().index_is_current() is False

    # After a rebuild the new index is read.
    elastic_module.resume_reads()
    assert service.rebuild(["elasticsearch"]) == {"elasticsearch": len(corpus)}
    assert service.elasticsearch_engine().index_is_current() is True
    assert client.get("/api/v2/search/", {"q": "bank sampah"}).json()["engine"] == (
        "elasticsearch"
    )
    assert len(fake_elasticsearch.requests_for("POST", "/_search")) == 1


def test_status_says_whether_the_index_needs_a_rebuild(corpus, fake_elasticsearch):
    def status():
        out = StringIO()
        call_command("search_index", "--status", stdout=out)
        return out.getvalue().splitlines()[-1].strip()

    assert status() == f"index {ALIAS}: missing; run search_index --rebuild"
    fake_elasticsearch.add_index(OLD_INDEX, ALIAS)
    assert status() == (
        f"index {ALIAS} -> {OLD_INDEX}: built with other analysis settings or mappings; "
        "run search_index --rebuild"
    )
    service.rebuild(["elasticsearch"])
    (built,) = fake_elasticsearch.aliases[ALIAS]
    assert status() == f"index {ALIAS} -> {built}: current"


def test_similar_cases_send_more_like_this(corpus, fake_elasticsearch, client):
    fake_elasticsearch.add_index(live_index(), ALIAS)
    paket, sibaku, lapor = corpus["paket-lahir"], corpus["sibaku"], corpus["lapor-desa"]
    gone = max(page.pk for page in corpus.values()) + 1000  # still indexed, no longer a page
    scores = [(sibaku.pk, 7.4), (gone, 5.0), (lapor.pk, 3.2)]
    fake_elasticsearch.search_response = lambda body: {
        "took": 4,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": 3, "relation": "eq"},
            "max_score": 7.4,
            # "_source": false: no _source in the hits
            "hits": [{"_index": live_index(), "_id": str(pk), "_score": s} for pk, s in scores],
        },
    }
    html = client.get(paket.get_url()).content.decode()
    # Five are shown; three more are asked for, in case some have just left the site. Fewer
    # than that share 30% of the terms: a second request widens to two shared terms.
    first, second = fake_elasticsearch.requests_for("POST", "/_search")
    assert first.path == second.path == f"/{ALIAS}/_search"
    body = {
        "query": {
            "more_like_this": {
                "fields": ["title", "keywords", "summary", "body"],
                "like": [{"_index": ALIAS, "_id": str(paket.pk)}],
                "min_term_freq": 1,
                "min_doc_freq": 2,
                "max_query_terms": 25,
                "minimum_should_match": "30%",
            }
        },
        "_source": False,
        "size": 8,
    }
    assert first.body == body
    body["query"]["more_like_this"]["minimum_should_match"] = "2"
    assert second.body == body
    # "Inovasi serupa" lists the live cases among the answer, in its order.
    section = html[html.index('id="similar-heading"') :]
    section = section[: section.index("</section>")]
    assert re.findall(r'<a href="([^"]+)">', section) == [sibaku.url, lapor.url]


def test_suggestions_send_the_completion_suggester(corpus, fake_elasticsearch, client):
    fake_elasticsearch.add_index(live_index(), ALIAS)
    sibaku = corpus["sibaku"]
    source = source_of(sibaku)
    fake_elasticsearch.search_response = lambda body: {
        "took": 2,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 10, "relation": "eq"}, "max_score": None, "hits": []},
        "suggest": {
            "titles": [
                {
                    "text": "bank",
                    "offset": 0,
                    "length": 4,
                    "options": [
                        {
                            "text": "Bank Sampah Digital untuk Warga Kota",
                            "_index": live_index(),
                            "_id": str(sibaku.pk),
                            "_score": 1.0,
                            "_source": {"title": source["title"], "data": source["data"]},
                        }
                    ],
                }
            ]
        },
    }
    response = client.get("/api/v2/search/suggest/", {"q": "bank"})
    assert response.json() == {
        "query": "bank",
        "suggestions": [
            {
                "id": sibaku.pk,
                "title": sibaku.title,
                "url": sibaku.url,
                "regency": "Kota Surabaya",
            }
        ],
    }
    (sent,) = fake_elasticsearch.requests_for("POST", "/_search")
    assert sent.path == f"/{ALIAS}/_search"
    assert sent.body == {
        "_source": ["title", "data"],
        "size": 0,
        "suggest": {
            "titles": {
                "prefix": "bank",  # elasticsearch-dsl sends a completion's text as its prefix
                "completion": {"field": "title_suggest", "size": 8, "skip_duplicates": True},
            }
        },
    }


def test_rebuild_fills_a_new_index_then_swaps_the_alias_in_one_call(corpus, fake_elasticsearch):
    previous = live_index()  # a rebuild of an index of the current version
    fake_elasticsearch.add_index(previous, ALIAS, docs={"1": {"title": "lama"}})
    during = []

    def progress(name, total):
        def advance(count):
            # While the new index fills, searches still reach the old one through the alias.
            during.append((sorted(fake_elasticsearch.aliases[ALIAS]), count))
            assert service.search(SearchQuery(text="sampah")).engine == "elasticsearch"

        return advance

    assert service.rebuild(["elasticsearch"], progress) == {"elasticsearch": len(corpus)}
    assert during == [([previous], len(corpus))]

    calls = [(r.method, r.path) for r in fake_elasticsearch.requests]
    created = calls[0][1].lstrip("/")
    assert NEW_INDEX.fullmatch(created)
    assert created.split("-")[-2] == elastic_module.index_version()
    assert calls == [
        ("PUT", f"/{created}"),
        ("PUT", "/_bulk"),
        ("GET", f"/_alias/{ALIAS}"),  # the search made while filling: the index version
        ("POST", f"/{ALIAS}/_search"),  # and the search itself
        ("POST", f"/{created}/_refresh"),
        ("HEAD", f"/_alias/{ALIAS}"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        ("DELETE", f"/{previous}"),
    ]
    create, bulk, _version, _search, _refresh, _exists, _get, aliases, delete = (
        fake_elasticsearch.requests
    )
    assert create.body == roundtrip(elastic_module.index_definition(created).to_dict())
    assert set(create.body) == {"settings", "mappings"}
    documents = {d.page_id: d for d in service.documents_for([p.pk for p in corpus.values()])}
    assert bulk.body[0::2] == [
        {"index": {"_index": created, "_id": str(pk)}} for pk in sorted(documents)
    ]
    assert bulk.body[1::2] == [
        roundtrip(elastic_module.to_source(documents[pk])) for pk in sorted(documents)
    ]
    # One atomic call: the alias never names no index, or two.
    assert aliases.body == {
        "actions": [
            {"remove": {"index": previous, "alias": ALIAS}},
            {"add": {"index": created, "alias": ALIAS}},
        ]
    }
    assert delete.params == {"ignore_unavailable": "true"}
    assert fake_elasticsearch.aliases[ALIAS] == {created}
    assert set(fake_elasticsearch.indices) == {created}
    assert len(fake_elasticsearch.indices[created]["docs"]) == len(corpus)


def test_a_write_without_the_index_waits_for_the_rebuild(
    library, fake_elasticsearch, django_capture_on_commit_callbacks
):
    """No index (never built, or the cluster lost it): a change waits in the outbox. An index
    made for it would hold that one case, and searches would take it for the library."""
    records = demo_records()
    with django_capture_on_commit_callbacks(execute=True):
        sibaku = publish_case(records["sibaku"])
    assert [(r.method, r.path) for r in fake_elasticsearch.requests] == [
        ("HEAD", f"/_alias/{ALIAS}"),  # missing: nothing is created
    ]
    entry = OutboxEntry.objects.get()
    assert (entry.page_id, entry.engine) == (sibaku.pk, "elasticsearch")
    assert "does not exist: run `manage.py search_index --rebuild`" in entry.last_error
    assert not fake_elasticsearch.indices

    # The rebuild builds the index from every case and clears the outbox.
    elastic_module.resume_reads()
    assert service.rebuild(["elasticsearch"]) == {"elasticsearch": 1}
    (created,) = fake_elasticsearch.aliases[ALIAS]
    assert NEW_INDEX.fullmatch(created)
    assert set(fake_elasticsearch.indices[created]["docs"]) == {str(sibaku.pk)}
    assert not OutboxEntry.objects.exists()

    # The next change finds the alias and only writes; an unpublished case is deleted.
    fake_elasticsearch.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paket = publish_case(records["paket-lahir"])
        sibaku.unpublish()
    assert [(r.method, r.path, r.params) for r in fake_elasticsearch.requests] == [
        ("HEAD", f"/_alias/{ALIAS}", {}),
        ("PUT", "/_bulk", {"refresh": "wait_for"}),
    ]
    assert fake_elasticsearch.requests[1].body[0::2] == [
        {"index": {"_index": ALIAS, "_id": str(paket.pk)}},
        {"delete": {"_index": ALIAS, "_id": str(sibaku.pk)}},
    ]
    assert set(fake_elasticsearch.indices[created]["docs"]) == {str(paket.pk)}
    assert not OutboxEntry.objects.exists()


# --- (f) The index missing, or the node hanging: the database engine answers --------------------


def test_a_missing_index_falls_back_to_the_database(corpus, fake_elasticsearch, client, caplog):
    """ELASTICSEARCH_URL set, the index never built (or deleted): every reading page works
    from the database and the log says what to do."""
    with caplog.at_level("WARNING", logger="search.service"):
        body = client.get("/api/v2/search/", {"q": "bank sampah"}).json()
    assert body["engine"] == "database"
    assert "Elasticsearch" in body["notice"]
    assert [hit["slug"] for hit in body["results"]] == ["sibaku"]
    assert f"index '{ALIAS}' does not exist: run `manage.py search_index --rebuild`" in (
        caplog.records[0].getMessage()
    )
    page = client.get("/cari/", {"q": "bank sampah"})
    assert page.status_code == 200
    assert 'class="notice" role="status"' in page.content.decode()
    suggestions = client.get("/api/v2/search/suggest/", {"q": "bank"})
    assert [s["id"] for s in suggestions.json()["suggestions"]] == [corpus["sibaku"].pk]
    assert client.get(corpus["sibaku"].get_url()).status_code == 200  # "Inovasi serupa"
    # Only the first read was sent (a look at the alias, which does not exist); the others
    # were skipped while reads pause.
    assert not fake_elasticsearch.requests_for("POST", "/_search")
    assert len(fake_elasticsearch.requests_for("GET", f"/_alias/{ALIAS}")) == 1

    # A rebuild creates the index and ends the pause: Elasticsearch answers again.
    service.rebuild(["elasticsearch"])
    body = client.get("/api/v2/search/", {"q": "bank sampah"}).json()
    assert body["engine"] == "elasticsearch"
    assert "notice" not in body
    assert len(fake_elasticsearch.requests_for("POST", "/_search")) == 1


def test_a_hanging_node_costs_one_short_read_timeout(corpus, fake_elasticsearch, settings, client):
    """Reads give up after ELASTICSEARCH_READ_TIMEOUT, far sooner than writes
    (ELASTICSEARCH_TIMEOUT): the node below would answer after 20 s."""
    settings.ELASTICSEARCH_TIMEOUT = 60
    settings.ELASTICSEARCH_READ_TIMEOUT = 0.5
    fake_elasticsearch.add_index(live_index(), ALIAS)
    fake_elasticsearch.hang = threading.Event()
    first = client.get("/api/v2/search/", {"q": "bank sampah"}).json()
    assert first["engine"] == "database"
    assert "Elasticsearch" in first["notice"]
    assert [hit["slug"] for hit in first["results"]] == ["sibaku"]
    second = client.get("/api/v2/search/", {"q": "ktp"}).json()
    assert second["engine"] == "database"
    assert len(fake_elasticsearch.requests_for("POST", "/_search")) == 1  # not sent again

    fake_elasticsearch.hang.set()  # the node recovers; once the pause is over ...
    settings.ELASTICSEARCH_RETRY_AFTER = 0
    assert client.get("/api/v2/search/", {"q": "ktp"}).json()["engine"] == "elasticsearch"


# --- (g) A change during a rebuild, from another process (real threads and commits) --------


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_during_a_rebuild_reaches_the_new_index(
    restored_tables, library, fake_elasticsearch
):
    """While Elasticsearch is rebuilt, another process publishes a case: its change waits
    for the new index (written to the old one, it would be lost at the alias swap)."""
    elastic_module.resume_reads()
    fake_elasticsearch.add_index(live_index(), ALIAS)
    first = InnovationPageFactory(parent=folder_for("35.78"), title="Layanan Keliling Kota")
    OutboxEntry.objects.all().delete()  # written to the old index already

    def waits_in_the_outbox():
        assert OutboxEntry.objects.filter(engine="elasticsearch").count() == 1

    # Published while the new index fills and the alias still names the old one.
    other = PublishDuringRebuild("Layanan Zebrakopi Desa", check=waits_in_the_outbox)
    assert service.rebuild(["elasticsearch"], other.progress) == {"elasticsearch": 1}
    other.finish()
    (built,) = fake_elasticsearch.aliases[ALIAS]
    newcomer = InnovationPage.objects.get(title="Layanan Zebrakopi Desa")
    assert set(fake_elasticsearch.indices[built]["docs"]) == {str(first.pk), str(newcomer.pk)}
    assert not OutboxEntry.objects.exists()
