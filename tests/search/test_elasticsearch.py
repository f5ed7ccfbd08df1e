"""The Elasticsearch engine without a server (DESIGN section 6): the index settings and
mappings, the query body and the parsing of a response are checked on real elasticsearch-dsl
objects and a real client object that is never contacted; the fallback to the database engine
against a real refused connection (nothing listens on 127.0.0.1:9).
"""

import re
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from elasticsearch import Elasticsearch

from hubs.models import Hub, Province
from innovations.models import SDG, Sector, Stage
from search import service
from search.analysis import GLOSSARY_FILE, STOPWORDS_FILE, SYNONYMS_FILE
from search.documents import FIELD_WEIGHTS, build_document, indexable_cases
from search.engines import elasticsearch as elastic_module
from search.models import OutboxEntry
from search.query import COUNTED_FACETS, SearchQuery

from .conftest import demo_records, publish_case

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
        assert field["copy_to"] == "spelling"
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


def test_query_text_matching_with_boosts_and_fuzziness():
    body = engine().build(QUERY)._s.to_dict()
    boolean = body["query"]["bool"]
    assert boolean["minimum_should_match"] == 1
    exact, fuzzy = boolean["should"]
    boosted = [f"{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()]
    joined = [f"{name}.joined^{FIELD_WEIGHTS[name]:g}" for name in JOINED]
    assert exact["multi_match"]["query"] == "ktp keliling"
    assert exact["multi_match"]["fields"] == boosted + joined
    assert "title^4" in exact["multi_match"]["fields"]
    assert "fuzziness" not in exact["multi_match"]
    assert exact["multi_match"]["minimum_should_match"] == "2<60%"
    assert fuzzy["multi_match"]["query"] == "ktp keliling"
    assert fuzzy["multi_match"]["fuzziness"] == "AUTO"
    assert fuzzy["multi_match"]["fields"] == boosted
    assert fuzzy["multi_match"]["boost"] < 1


def test_query_filters_post_filter_and_disjunctive_facets():
    body = engine().build(QUERY)._s.to_dict()
    # The regency (a filter, not a counted facet) narrows the query and so every count.
    assert body["query"]["bool"]["filter"] == [{"terms": {"regency": ["35.10"]}}]
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
    yield
    elastic_module._engine_for.cache_clear()


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
        "database: 0 waiting, 0 failed\nelasticsearch: 1 waiting, 1 failed\n"
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
