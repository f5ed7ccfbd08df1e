"""The Elasticsearch engine (when ELASTICSEARCH_URL is set), built with elasticsearch-dsl.

- Analysis mirrors the database engine's (search/analysis.py) from the same files: lowercase,
  ASCII folding, Indonesian stop words, synonyms and the English glossary as a search-time
  `synonym_graph`, acronyms kept from the stemmer, Elasticsearch's Indonesian stemmer. Every
  text field has a `.joined` subfield whose char filter removes hyphens inside words, so
  "KTP-el" matches as "ktp el" and as "ktpel".
- The index is reached through an alias `<prefix>-innovations`. `rebuild` creates a new
  index named after a hash of its settings and mappings, fills it, then swaps the alias in
  one atomic call: searches never see a half-built index.
"""

import hashlib
import json
from collections import Counter
from functools import cache

from django.conf import settings
from django.utils import timezone
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import BulkIndexError, bulk
from elasticsearch_dsl import (
    Completion,
    Date,
    Document,
    FacetedResponse,
    FacetedSearch,
    Index,
    Integer,
    Keyword,
    Object,
    Q,
    Search,
    TermsFacet,
    Text,
    analyzer,
    char_filter,
    token_filter,
)
from wagtail.models import Page

from ..analysis import (
    GLOSSARY_FILE,
    SYNONYMS_FILE,
    protected_words,
    read_rules,
    stopwords,
)
from ..documents import FIELD_WEIGHTS, CaseDocument
from ..query import COUNTED_FACETS, SearchHit, SearchQuery, SearchResults
from .labels import facet_values

TEXT_FIELDS = tuple(FIELD_WEIGHTS)
JOINED_FIELDS = ("title", "keywords", "summary", "body")
HIGHLIGHT_FIELDS = {"title": 0, "summary": 2, "body": 3}  # fragments per field (0 = whole)
FACET_SIZE = 100


# --- Analysis and mapping ---------------------------------------------------------------------


def _filters(with_synonyms: bool):
    chain = ["lowercase", "asciifolding"]
    if with_synonyms:
        # Before the stop filter: Elasticsearch parses the rules through the filters that
        # precede this one, and a stop word removed inside a rule ("dinas kependudukan dan
        # pencatatan sipil") would make Lucene reject it.
        rules = read_rules(SYNONYMS_FILE) + read_rules(GLOSSARY_FILE)
        chain.append(
            token_filter("jipp_synonyms", type="synonym_graph", synonyms=rules, lenient=True)
        )
    chain += [
        token_filter("jipp_stop", type="stop", stopwords=sorted(stopwords())),
        token_filter("jipp_acronyms", type="keyword_marker", keywords=sorted(protected_words())),
        token_filter("jipp_stemmer", type="stemmer", language="indonesian"),
    ]
    return chain


@cache
def analyzers() -> dict:
    join = char_filter(
        "jipp_hyphen_join", type="pattern_replace", pattern=r"(?<=\w)-(?=\w)", replacement=""
    )
    return {
        "index": analyzer("jipp_index", tokenizer="standard", filter=_filters(False)),
        "search": analyzer("jipp_search", tokenizer="standard", filter=_filters(True)),
        "joined_index": analyzer(
            "jipp_joined_index", tokenizer="standard", char_filter=[join], filter=_filters(False)
        ),
        "joined_search": analyzer(
            "jipp_joined_search", tokenizer="standard", char_filter=[join], filter=_filters(True)
        ),
        "plain": analyzer(
            "jipp_plain", tokenizer="standard", filter=["lowercase", "asciifolding"]
        ),
    }


def _text(name):
    a = analyzers()
    fields = {}
    if name in JOINED_FIELDS:
        fields["joined"] = Text(analyzer=a["joined_index"], search_analyzer=a["joined_search"])
    options = {"fields": fields} if fields else {}
    if name == "body":  # the longest field: highlight from stored offsets
        options["term_vector"] = "with_positions_offsets"
    return Text(analyzer=a["index"], search_analyzer=a["search"], copy_to="spelling", **options)


@cache
def case_document_class():
    """The elasticsearch-dsl Document of a case (built once the analysis files are read)."""
    attributes = {name: _text(name) for name in TEXT_FIELDS}
    attributes.update(
        {
            "spelling": Text(analyzer=analyzers()["plain"]),
            "title_suggest": Completion(analyzer=analyzers()["plain"]),
            "slug": Keyword(),
            "hub": Keyword(multi=True),
            "province": Keyword(),
            "regency": Keyword(),
            "sector": Keyword(multi=True),
            "sdg": Integer(multi=True),
            "aspect": Keyword(multi=True),
            "stage": Keyword(),
            "year": Integer(),
            "award": Keyword(),
            "published_at": Date(),
            "data": Object(enabled=False),
        }
    )
    return type("CaseIndexDocument", (Document,), attributes)


def index_definition(name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=settings.ELASTICSEARCH_REPLICAS)
    index.document(case_document_class())
    return index


def index_version() -> str:
    """A hash of the settings and mappings: a change of either makes a new index."""
    body = index_definition("x").to_dict()
    return hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]  # noqa: S324


def to_source(document: CaseDocument) -> dict:
    source = {
        "title": document.title,
        "keywords": document.keywords,
        "summary": document.summary,
        "place": document.place,
        "taxonomy": document.taxonomy,
        "body": document.body,
        # Completion matches the start of an input: one input per title word, so "bank"
        # suggests "SIBAKU: Sistem Informasi Bank Sampah ...".
        "title_suggest": {"input": _suffixes(document.title)},
        "slug": document.slug,
        "published_at": document.published_at.isoformat(),
        "data": document.data,
    }
    source.update(document.facets)
    source["province"] = document.facets["province"][0] if document.facets["province"] else None
    source["regency"] = document.facets["regency"][0] if document.facets["regency"] else None
    source["year"] = document.facets["year"][0] if document.facets["year"] else None
    source["stage"] = document.facets["stage"][0] if document.facets["stage"] else None
    source["award"] = document.facets["award"][0] if document.facets["award"] else None
    return source


def _suffixes(title: str, limit: int = 12) -> list[str]:
    words = title.split()
    return [" ".join(words[i:]) for i in range(min(len(words), limit))]


# --- Query ------------------------------------------------------------------------------------


class CaseSearch(FacetedSearch):
    fields = [f"{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()] + [
        f"{name}.joined^{FIELD_WEIGHTS[name]:g}" for name in JOINED_FIELDS
    ]
    facets = {key: TermsFacet(field=key, size=FACET_SIZE) for key in COUNTED_FACETS}

    def __init__(self, query: SearchQuery, index: str):
        self.index = index
        self.regencies = query.filters.get("regency", [])
        filters = {k: v for k, v in query.filters.items() if k in COUNTED_FACETS}
        sort = ["-published_at"] if query.sort == "newest" or not query.text else []
        super().__init__(query.text or None, filters, sort)
        self._s = self._s.extra(track_total_hits=True)
        if query.text:
            self._s = self._s.suggest(
                "spelling",
                query.text,
                phrase={
                    "field": "spelling",
                    "size": 1,
                    "max_errors": 2,
                    "direct_generator": [{"field": "spelling", "suggest_mode": "missing"}],
                },
            )

    def search(self):
        search = super().search()
        if self.regencies:
            search = search.filter("terms", regency=self.regencies)
        return search.source(["slug", "title", "summary", "data"])

    def query(self, search, query):
        """Synonym-aware words (most of them must match) or, for typos, fuzzy words."""
        exact = Q(
            "multi_match",
            query=query,
            fields=self.fields,
            type="best_fields",
            minimum_should_match="2<60%",
        )
        fuzzy = Q(
            "multi_match",
            query=query,
            fields=[f"{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()],
            analyzer="jipp_index",
            fuzziness="AUTO",
            prefix_length=1,
            minimum_should_match="2<60%",
            boost=0.5,
        )
        return search.query(Q("bool", should=[exact, fuzzy], minimum_should_match=1))

    def highlight(self, search):
        search = search.highlight_options(
            pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html", fragment_size=180
        )
        for name, count in HIGHLIGHT_FIELDS.items():
            search = search.highlight(name, number_of_fragments=count)
        return search


# --- Engine -----------------------------------------------------------------------------------

UNAVAILABLE = (TransportConnectionError, ConnectionTimeout)


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, alias: str):
        self.client, self.alias = client, alias

    @classmethod
    def for_url(cls, url: str) -> "ElasticsearchEngine":
        return _engine_for(url, settings.SEARCH_INDEX_PREFIX)

    def _call(self, function, *args, **kwargs):
        from ..service import EngineUnavailable

        try:
            return function(*args, **kwargs)
        except UNAVAILABLE as error:
            raise EngineUnavailable(f"Elasticsearch unreachable: {error}") from error
        except ApiError as error:
            if error.meta.status >= 500:
                raise EngineUnavailable(f"Elasticsearch error {error.meta.status}") from error
            raise
        except TransportError as error:
            raise EngineUnavailable(f"Elasticsearch transport error: {error}") from error

    # Searching ---------------------------------------------------------------------------

    def build(self, query: SearchQuery) -> CaseSearch:
        search = CaseSearch(query, self.alias)
        return search[query.offset : query.offset + query.page_size]

    def search(self, query: SearchQuery) -> SearchResults:
        faceted = self.build(query)
        raw = self._call(self.client.search, index=self.alias, body=faceted._s.to_dict())
        return self.parse(query, faceted, raw.body if hasattr(raw, "body") else raw)

    def parse(self, query: SearchQuery, faceted: CaseSearch, raw: dict) -> SearchResults:
        """Turn a raw response body into the shared result shape."""
        response = FacetedResponse(faceted._s, raw)
        response._faceted_search = faceted
        counts = {
            key: Counter({value: count for value, count, _selected in values})
            for key, values in response.facets.to_dict().items()
        }
        hits = []
        ids = [int(hit.meta.id) for hit in response]
        urls = _urls(ids)
        for hit in response:
            data = hit.data.to_dict() if hasattr(hit, "data") else {}
            highlights = {}
            found = getattr(hit.meta, "highlight", None)
            for name in HIGHLIGHT_FIELDS:
                fragments = list(found[name]) if found and name in found else []
                if fragments:
                    highlights[name] = fragments
            hits.append(
                SearchHit(
                    id=int(hit.meta.id),
                    slug=hit.slug,
                    title=hit.title,
                    url=urls.get(int(hit.meta.id), ""),
                    summary=hit.summary,
                    regency=data.get("regency"),
                    province=data.get("province"),
                    hubs=data.get("hubs", []),
                    sectors=data.get("sectors", []),
                    year=data.get("year"),
                    score=round(hit.meta.score or 0.0, 4),
                    highlights=highlights,
                )
            )
        suggestion = None
        spelling = raw.get("suggest", {}).get("spelling", [])
        if spelling and spelling[0].get("options"):
            suggestion = spelling[0]["options"][0]["text"]
        total = raw["hits"]["total"]
        return SearchResults(
            query=query,
            engine=self.name,
            total=total["value"] if isinstance(total, dict) else int(total),
            results=hits,
            facets=facet_values(counts, query.filters),
            suggestion=suggestion,
        )

    def similar(self, page_id: int, limit: int = 5) -> list[int]:
        search = (
            Search(index=self.alias)
            .query(
                "more_like_this",
                fields=["title", "keywords", "summary", "body"],
                like=[{"_index": self.alias, "_id": str(page_id)}],
                min_term_freq=1,
                min_doc_freq=2,
                max_query_terms=25,
                minimum_should_match="30%",
            )
            .source(False)[:limit]
        )
        raw = self._call(self.client.search, index=self.alias, body=search.to_dict())
        return [int(hit["_id"]) for hit in raw["hits"]["hits"]]

    def suggest(self, text: str, limit: int = 8) -> list[dict]:
        search = Search(index=self.alias).source(["title", "data"])
        search = search.suggest(
            "titles",
            text,
            completion={"field": "title_suggest", "size": limit, "skip_duplicates": True},
        )
        raw = self._call(self.client.search, index=self.alias, body=search.to_dict())
        options = raw.get("suggest", {}).get("titles", [{}])[0].get("options", [])
        urls = _urls([int(option["_id"]) for option in options])
        return [
            {
                "id": int(option["_id"]),
                "title": option["_source"]["title"],
                "url": urls.get(int(option["_id"]), ""),
                "regency": ((option["_source"].get("data") or {}).get("regency") or {}).get(
                    "name", ""
                ),
            }
            for option in options
        ]

    # Writing -----------------------------------------------------------------------------

    def write(self, documents: list[CaseDocument], remove_ids=()):
        self._ensure_index()
        actions = [
            {"_op_type": "index", "_index": self.alias, "_id": str(d.page_id), **to_source(d)}
            for d in documents
        ]
        actions += [
            {"_op_type": "delete", "_index": self.alias, "_id": str(pk)} for pk in remove_ids
        ]
        if not actions:
            return
        try:
            self._call(bulk, self.client, actions, refresh="wait_for")
        except BulkIndexError as error:
            real = [e for e in error.errors if e.get("delete", {}).get("status") != 404]
            if real:
                raise

    def _ensure_index(self):
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            self._create_and_point([])

    def _create_and_point(self, documents_batches, advance=lambda n: None) -> str:
        name = f"{self.alias}-{index_version()}-{timezone.now():%Y%m%d%H%M%S%f}"
        body = index_definition(name).to_dict()
        self._call(self.client.indices.create, index=name, **body)
        for documents in documents_batches:
            actions = [
                {"_op_type": "index", "_index": name, "_id": str(d.page_id), **to_source(d)}
                for d in documents
            ]
            if actions:
                self._call(bulk, self.client, actions)
            advance(len(documents))
        self._call(self.client.indices.refresh, index=name)
        self._swap_alias(name)
        return name

    def _swap_alias(self, name: str):
        old = []
        if self._call(self.client.indices.exists_alias, name=self.alias):
            old = list(self._call(self.client.indices.get_alias, name=self.alias).body)
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self._call(self.client.indices.update_aliases, actions=actions)
        for index in old:
            self._call(self.client.indices.delete, index=index, ignore_unavailable=True)

    def rebuild(self, batches, advance):
        self._create_and_point(batches, advance)


def _urls(ids) -> dict[int, str]:
    pages = Page.objects.filter(pk__in=ids).only("url_path", "depth", "path")
    return {page.pk: page.get_url() for page in pages}


@cache
def _engine_for(url: str, prefix: str) -> ElasticsearchEngine:
    client = Elasticsearch(url, request_timeout=5, max_retries=1, retry_on_timeout=False)
    return ElasticsearchEngine(client, f"{prefix}-innovations")
