"""The Elasticsearch engine (when ELASTICSEARCH_URL is set), built with elasticsearch-dsl.

- Analysis mirrors the database engine's (search/analysis.py) from the same files: lowercase,
  ASCII folding, Indonesian stop words, synonyms and the English glossary as a search-time
  `synonym_graph`, acronyms kept from the stemmer, Elasticsearch's Indonesian stemmer. Every
  text field has a `.joined` subfield whose char filter removes hyphens inside words, so
  "KTP-el" matches as "ktp el" and as "ktpel".
- Which cases match is decided on two combined fields that every text field is copied to
  (`combined`, and `combined_joined` with hyphens joined), so the words of a query may be
  spread over several fields ("sampah surabaya": "sampah" in the title, "surabaya" only in
  the place names). As on the database engine, all of one or two words must match, then
  ceil(60%) of them: Elasticsearch's "2<-40%" is n - floor(0.4 n) = ceil(0.6 n). The
  weighted per-field `multi_match` only ranks. (`cross_fields` is no alternative: it does not
  take `fuzziness`, applies minimum_should_match per analyzer group, and mixes badly with
  multi-word synonyms.)
- The index is reached through an alias `<prefix>-innovations`. `rebuild` creates a new
  index named after a hash of its settings and mappings, fills it, then swaps the alias in
  one atomic call: searches never see a half-built index.
- Reads (search, similar cases, suggestions) have a shorter timeout than writes, and after
  Elasticsearch failed (unreachable, 5xx, the alias missing) this process sends it no read
  for `ELASTICSEARCH_RETRY_AFTER` seconds: the service answers from the database engine at
  once instead of waiting for a timeout on every request. A successful write or rebuild
  ends that pause.
"""

import hashlib
import json
import threading
import time
from collections import Counter
from functools import cache

from django.conf import settings
from django.utils import timezone
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
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
# Every text field is copied to these two; a query must match enough of its words in them.
COMBINED_FIELD, COMBINED_JOINED_FIELD = "combined", "combined_joined"
HIGHLIGHT_FIELDS = {"title": 0, "summary": 2, "body": 3}  # fragments per field (0 = whole)
FACET_SIZE = 100
# Words a case must match, as the database engine's `minimum_should_match`: all of one or two,
# then n - floor(40% of n) = ceil(60% of n).
MINIMUM_SHOULD_MATCH = "2<-40%"
TIE_BREAKER = 0.3  # ranking: words matched in other fields than the best one count too


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
    return Text(
        analyzer=a["index"],
        search_analyzer=a["search"],
        copy_to=["spelling", COMBINED_FIELD, COMBINED_JOINED_FIELD],
        **options,
    )


@cache
def case_document_class():
    """The elasticsearch-dsl Document of a case (built once the analysis files are read)."""
    a = analyzers()
    attributes = {name: _text(name) for name in TEXT_FIELDS}
    attributes.update(
        {
            # Top-level fields, not subfields of one another: copy_to copies a value, it does
            # not chain, so each is filled from the text fields themselves.
            COMBINED_FIELD: Text(analyzer=a["index"], search_analyzer=a["search"]),
            COMBINED_JOINED_FIELD: Text(
                analyzer=a["joined_index"], search_analyzer=a["joined_search"]
            ),
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


FUZZY = {"analyzer": "jipp_index", "fuzziness": "AUTO", "prefix_length": 1}


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
        """Which cases match: enough of the words (synonym-aware, hyphenated words whole or
        split, or with typos), counted across all text fields; how they rank: the same words
        in the weighted fields."""
        enough = {"query": query, "minimum_should_match": MINIMUM_SHOULD_MATCH}
        required = Q(
            "bool",
            should=[
                Q("match", **{COMBINED_FIELD: enough}),
                Q("match", **{COMBINED_JOINED_FIELD: enough}),
                # Typos: the words as typed, fuzzily, through the index analyzer (no synonyms).
                Q("match", **{COMBINED_FIELD: {**enough, **FUZZY}}),
            ],
            minimum_should_match=1,
        )
        exact = Q(
            "multi_match",
            query=query,
            fields=self.fields,
            type="best_fields",
            tie_breaker=TIE_BREAKER,
        )
        fuzzy = Q(
            "multi_match",
            query=query,
            fields=[f"{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()],
            type="best_fields",
            tie_breaker=TIE_BREAKER,
            boost=0.5,
            **FUZZY,
        )
        # Should clauses only rank: the filter decides what matches.
        ranked = Q("bool", filter=[required], should=[exact, fuzzy], minimum_should_match=0)
        return search.query(ranked)

    def highlight(self, search):
        search = search.highlight_options(
            pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html", fragment_size=180
        )
        for name, count in HIGHLIGHT_FIELDS.items():
            search = search.highlight(name, number_of_fragments=count)
        return search


# --- Engine -----------------------------------------------------------------------------------

UNAVAILABLE = (TransportConnectionError, ConnectionTimeout)

# The read pause ("circuit breaker"), per cluster and alias: key -> (monotonic time of the
# last failure, what failed). Module-level, so per process.
_paused: dict[str, tuple[float, str]] = {}
_paused_lock = threading.Lock()


# When each index alias was last found to point at an index of the current version (the hash
# of the analysis settings and mappings): checked again at most every VERSION_CHECK_EVERY s.
_current_since: dict[str, float] = {}
VERSION_CHECK_EVERY = 60


def resume_reads() -> None:
    """End every read pause in this process (a rebuild or write succeeded; tests)."""
    with _paused_lock:
        _paused.clear()
        _current_since.clear()


def _setting(name: str) -> float:
    """ELASTICSEARCH_TIMEOUT, _READ_TIMEOUT or _RETRY_AFTER (seconds; jipp/settings/base.py)."""
    return getattr(settings, name)


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, alias: str):
        self.client, self.alias = client, alias
        nodes = sorted(str(node.base_url) for node in client.transport.node_pool.all())
        self.key = f"{' '.join(nodes)} {alias}"

    @classmethod
    def for_url(cls, url: str) -> "ElasticsearchEngine":
        return _engine_for(url, settings.SEARCH_INDEX_PREFIX)

    def _unavailable(self, message: str):
        """An EngineUnavailable to raise; reads pause from now on."""
        from ..service import EngineUnavailable

        with _paused_lock:
            _paused[self.key] = (time.monotonic(), message)
        return EngineUnavailable(message)

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except UNAVAILABLE as error:
            raise self._unavailable(f"Elasticsearch unreachable: {error}") from error
        except ApiError as error:
            if error.meta.status >= 500:
                raise self._unavailable(f"Elasticsearch error {error.meta.status}") from error
            raise
        except TransportError as error:
            raise self._unavailable(f"Elasticsearch transport error: {error}") from error

    def _read(self, body: dict) -> dict:
        """A search request for reading: the read timeout, no retry, skipped while reads
        pause, and a missing index or alias means "unavailable" (the database answers)."""
        from ..service import EngineUnavailable

        with _paused_lock:
            failed_at, reason = _paused.get(self.key, (None, ""))
        if failed_at is not None and (
            time.monotonic() - failed_at < _setting("ELASTICSEARCH_RETRY_AFTER")
        ):
            raise EngineUnavailable(
                f"Elasticsearch skipped after a recent failure: {reason}", skipped=True
            )
        client = self.client.options(
            request_timeout=_setting("ELASTICSEARCH_READ_TIMEOUT"), max_retries=0
        )
        self._check_version(client)
        try:
            raw = self._call(client.search, index=self.alias, body=body)
        except NotFoundError as error:
            if error.error != "index_not_found_exception":
                raise
            raise self._unavailable(
                f"Elasticsearch index {self.alias!r} does not exist: "
                "run `manage.py search_index --rebuild`"
            ) from error
        return raw.body

    def _succeeded(self):
        with _paused_lock:
            _paused.pop(self.key, None)

    def live_indices(self, client=None) -> list[str]:
        """The indices the alias points to (none if it does not exist)."""
        client = client or self.client
        try:
            return sorted(self._call(client.indices.get_alias, name=self.alias).body)
        except NotFoundError:
            return []

    def index_is_current(self, client=None) -> bool | None:
        """Whether the alias points to an index built with this code's analysis settings and
        mappings (None: there is no index). A change to the synonym, glossary or stop-word
        files, or to the mapping, makes a new version that needs `search_index --rebuild`."""
        live = self.live_indices(client)
        if not live:
            return None
        return all(f"{self.alias}-{index_version()}-" in name for name in live)

    def _check_version(self, client):
        """Reads of an index of another version would go wrong (fields or analysis missing):
        answer "unavailable" instead, so the database engine answers, and say why."""
        with _paused_lock:
            since = _current_since.get(self.key)
        if since is not None and time.monotonic() - since < VERSION_CHECK_EVERY:
            return
        current = self.index_is_current(client)
        if current is None:
            raise self._unavailable(
                f"Elasticsearch index {self.alias!r} does not exist: "
                "run `manage.py search_index --rebuild`"
            )
        if not current:
            raise self._unavailable(
                f"Elasticsearch index {self.alias!r} was built with other analysis settings "
                "or mappings (a synonym, glossary or stop-word file changed?): "
                "run `manage.py search_index --rebuild`"
            )
        with _paused_lock:
            _current_since[self.key] = time.monotonic()

    # Searching ---------------------------------------------------------------------------

    def build(self, query: SearchQuery) -> CaseSearch:
        search = CaseSearch(query, self.alias)
        return search[query.offset : query.offset + query.page_size]

    def search(self, query: SearchQuery) -> SearchResults:
        faceted = self.build(query)
        return self.parse(query, faceted, self._read(faceted._s.to_dict()))

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
        """Ids of the cases most like `page_id`: those sharing 30% of its weightiest terms,
        then, if there are fewer than `limit`, those sharing at least two (as the database
        engine does)."""
        ids = self._more_like_this(page_id, limit, "30%")
        if len(ids) < limit:
            more = self._more_like_this(page_id, limit, "2")
            ids += [i for i in more if i not in ids][: limit - len(ids)]
        return ids

    def _more_like_this(self, page_id: int, limit: int, minimum_should_match: str) -> list[int]:
        search = (
            Search(index=self.alias)
            .query(
                "more_like_this",
                fields=["title", "keywords", "summary", "body"],
                like=[{"_index": self.alias, "_id": str(page_id)}],
                min_term_freq=1,
                min_doc_freq=2,
                max_query_terms=25,
                minimum_should_match=minimum_should_match,
            )
            .source(False)[:limit]
        )
        raw = self._read(search.to_dict())
        return [int(hit["_id"]) for hit in raw["hits"]["hits"]]

    def suggest(self, text: str, limit: int = 8) -> list[dict]:
        # No hits (size 0): only the suggester's options, with these _source fields.
        search = Search(index=self.alias).source(["title", "data"])[:0]
        search = search.suggest(
            "titles",
            text,
            completion={"field": "title_suggest", "size": limit, "skip_duplicates": True},
        )
        raw = self._read(search.to_dict())
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
            self._succeeded()
            return
        try:
            self._call(bulk, self.client, actions, refresh="wait_for")
        except BulkIndexError as error:
            real = [e for e in error.errors if e.get("delete", {}).get("status") != 404]
            if real:
                raise
        self._succeeded()

    def _ensure_index(self):
        """A write needs the index: without it (never built, or the cluster lost it) the
        change waits in the outbox for `search_index --rebuild`, which builds the index from
        every case. An index made here would hold only this change, and searches would read
        it as if it were complete."""
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            raise self._unavailable(
                f"Elasticsearch index {self.alias!r} does not exist: "
                "run `manage.py search_index --rebuild`"
            )

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
        self._succeeded()


def _urls(ids) -> dict[int, str]:
    pages = Page.objects.filter(pk__in=ids).only("url_path", "depth", "path")
    return {page.pk: page.get_url() for page in pages}


@cache
def _engine_for(url: str, prefix: str) -> ElasticsearchEngine:
    client = Elasticsearch(
        url,
        request_timeout=_setting("ELASTICSEARCH_TIMEOUT"),
        max_retries=1,
        retry_on_timeout=False,
    )
    return ElasticsearchEngine(client, f"{prefix}-innovations")
