"""The database engine: an inverted index in the site's own database, ranked with BM25F.

It runs the same on SQLite and PostgreSQL (plain tables and SQL, no extension), so results
do not depend on which database a site uses. Text matching and scoring happen in SQL over
`Posting`; facet filtering and counting happen in memory over a per-process table of every
indexed case's facet values, reloaded whenever `IndexState.token` changes.
"""

import heapq
import logging
import math
import threading
import uuid
from array import array
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from wagtail.models import Page

from .. import highlight
from ..analysis import (
    AnalyzedQuery,
    allowed_edits,
    analysis_version,
    analyze,
    analyze_query,
    edit_distance,
    fold,
    surface_words,
    tokenize,
)
from ..documents import FIELD_WEIGHTS, CaseDocument
from ..models import IndexedCase, IndexState, IndexTerm, IndexWord, Posting
from ..query import COUNTED_FACETS, SearchHit, SearchQuery, SearchResults
from .labels import facet_values

logger = logging.getLogger(__name__)
K1 = 1.2
B = 0.75
FUZZY_WEIGHTS = {1: 0.8, 2: 0.6}
FUZZY_CANDIDATES = 3
CHUNK = 500
SQL_CHUNK = 900  # values per IN (...) list


def minimum_should_match(concepts: int) -> int:
    """Concepts a case must match: all of one or two, then three in five (as "2<60%")."""
    return concepts if concepts <= 2 else max(2, math.ceil(concepts * 0.6))


def _chunks(items, size=SQL_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- The in-memory facet table ----------------------------------------------------------------


@dataclass
class Snapshot:
    token: str
    ids: set[int] = field(default_factory=set)
    values: dict[int, tuple] = field(default_factory=dict)  # id -> ((facet, value), ...)
    by_value: dict[tuple, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_facet: dict[str, list[tuple[str, set[int]]]] = field(default_factory=dict)
    published: dict[int, float] = field(default_factory=dict)
    average_length: float = 1.0
    _vocabulary: dict[str, list[tuple[str, int]]] | None = None
    # The postings of the commonest terms, read once per snapshot (see `term_postings`).
    _positions: dict[int, int] | None = None
    _postings: OrderedDict = field(default_factory=OrderedDict)
    _postings_size: int = 0
    _postings_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, token: str) -> "Snapshot":
        snapshot = cls(token)
        total_length = 0.0
        rows = IndexedCase.objects.values_list("page_id", "facets", "published_at", "length")
        for page_id, facets, published_at, length in rows.iterator(chunk_size=2000):
            pairs = tuple((key, value) for key in facets for value in facets[key])
            snapshot.ids.add(page_id)
            snapshot.values[page_id] = pairs
            for pair in pairs:
                snapshot.by_value[pair].add(page_id)
            snapshot.published[page_id] = published_at.timestamp()
            total_length += length
        snapshot.average_length = total_length / len(snapshot.ids) if snapshot.ids else 1.0
        for (key, value), ids in snapshot.by_value.items():
            snapshot.by_facet.setdefault(key, []).append((value, ids))
        return snapshot

    def vocabulary(self) -> dict[str, list[tuple[str, int]]]:
        """Indexed words by first letter, for spelling corrections (loaded when needed)."""
        if self._vocabulary is None:
            vocabulary = defaultdict(list)
            words = IndexWord.objects.filter(document_count__gt=0)
            for word, count in words.values_list("word", "document_count").iterator(5000):
                vocabulary[word[0]].append((word, count))
            self._vocabulary = dict(vocabulary)
        return self._vocabulary

    def positions(self) -> dict[int, int]:
        """Each indexed case's slot in the in-memory postings."""
        with self._postings_lock:
            if self._positions is None:
                self._positions = {case: i for i, case in enumerate(sorted(self.ids))}
            return self._positions

    def term_postings(self, term_id: int) -> "TermPostings":
        """A common term's postings, kept in memory until the index changes.

        A term in thousands of cases ("layanan" in a library of public services) costs a
        read of thousands of rows in every query that names it. In memory, as one slot per
        indexed case, it is read once per snapshot; a query then looks up the cases it
        considers. The least recently used terms leave first beyond SEARCH_MEMORY_POSTINGS
        slots in all (8 bytes a slot, and 16 per case that has the term).
        """
        positions = self.positions()
        with self._postings_lock:
            found = self._postings.get(term_id)
            if found is not None:
                self._postings.move_to_end(term_id)
                return found
            found = TermPostings.load(term_id, positions, self.average_length)
            self._postings[term_id] = found
            self._postings_size += len(positions)
            limit = settings.SEARCH_MEMORY_POSTINGS
            while self._postings_size > limit and len(self._postings) > 1:
                self._postings.popitem(last=False)
                self._postings_size -= len(self._positions)
            return found


@dataclass
class TermPostings:
    """One term's postings as ranking reads them: the BM25 term-frequency part
    `frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / average length))` per
    indexed case (by position; 0 where the case lacks the term), and the cases that have the
    term with their part, side by side. A term's weight in a case is its idf times its part."""

    part: array  # per position
    cases: array
    case_parts: array

    @classmethod
    def load(cls, term_id: int, positions: dict[int, int], average_length: float):
        part = array("d", bytes(8 * len(positions)))
        cases, case_parts = array("q"), array("d")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT case_id, frequency, length FROM {Posting._meta.db_table} "  # noqa: S608
                "WHERE term_id = %s",
                [term_id],
            )
            for case, f, length in cursor.fetchall():
                i = positions.get(case)
                if i is None:  # indexed after this snapshot was read: not in this search
                    continue
                value = f * (K1 + 1) / (f + K1 * (1 - B + B * length / average_length))
                part[i] = value
                cases.append(case)
                case_parts.append(value)
        return cls(part, cases, case_parts)

    def weights(self, idf: float) -> dict[int, float]:
        """{case: the term's weight in it} for the cases that have the term."""
        return dict(zip(self.cases, map(idf.__mul__, self.case_parts), strict=True))


_snapshot_lock = threading.Lock()
_snapshot: Snapshot | None = None


def current_token() -> str:
    return IndexState.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def snapshot() -> Snapshot:
    global _snapshot
    token = current_token()
    with _snapshot_lock:
        if _snapshot is None or _snapshot.token != token:
            _snapshot = Snapshot.load(token)
            if _snapshot.ids and not DatabaseEngine().index_is_current():
                logger.warning(
                    "The search index was built with another analysis (the synonym, glossary "
                    "or stop-word files changed?): run `manage.py search_index --rebuild`"
                )
        return _snapshot


def _bump_state():
    # The first write makes the index: with this code's analysis.
    token = uuid.uuid4().hex
    IndexState.objects.update_or_create(
        pk=1,
        defaults={"token": token},
        create_defaults={"token": token, "analysis": analysis_version()},
    )


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class _Analysed:
    document: CaseDocument
    frequencies: dict[str, float]
    length: float
    words: set[str]


def _analyse(document: CaseDocument) -> _Analysed:
    frequencies: dict[str, float] = defaultdict(float)
    length = 0.0
    words = set()
    for name, text in document.fields().items():
        weight = FIELD_WEIGHTS[name]
        for term in analyze(text):
            frequencies[term.text[:100]] += weight
            length += weight
        words |= surface_words(text)
    return _Analysed(document, dict(frequencies), length, {w[:100] for w in words})


class DatabaseEngine:
    name = "database"

    # Index writes ------------------------------------------------------------------------

    @transaction.atomic
    def write(self, documents: list[CaseDocument], remove_ids=()):
        """Put `documents` in the index (replacing their old entries) and drop `remove_ids`."""
        analysed = [_analyse(document) for document in documents]
        affected = {a.document.page_id for a in analysed} | set(remove_ids)
        term_delta: Counter = Counter()
        word_delta: Counter = Counter()
        for ids in _chunks(affected):
            old = Posting.objects.filter(case_id__in=ids).values_list("term_id", flat=True)
            for term_id in old:
                term_delta[term_id] -= 1
            for words in IndexedCase.objects.filter(page_id__in=ids).values_list(
                "words", flat=True
            ):
                word_delta.subtract(words.split())
            Posting.objects.filter(case_id__in=ids).delete()
            IndexedCase.objects.filter(page_id__in=ids).delete()
        for batch in _chunks(analysed, CHUNK):
            self._insert(batch, term_delta, word_delta)
        _apply_deltas(IndexTerm, "pk", {k: v for k, v in term_delta.items() if v})
        _ensure_words({word for word, delta in word_delta.items() if delta > 0})
        _apply_deltas(IndexWord, "word", {k: v for k, v in word_delta.items() if v})
        _bump_state()

    def _insert(self, batch: list[_Analysed], term_delta: Counter, word_delta: Counter):
        texts = set(chain.from_iterable(a.frequencies for a in batch))
        term_ids = _term_ids(texts, create=True)
        IndexedCase.objects.bulk_create(
            [
                IndexedCase(
                    page_id=a.document.page_id,
                    slug=a.document.slug,
                    title=a.document.title,
                    title_words=" " + " ".join(t.text for t in tokenize(a.document.title)),
                    summary=a.document.summary,
                    body=a.document.body,
                    data=a.document.data,
                    facets=a.document.facets,
                    published_at=a.document.published_at,
                    length=a.length,
                    words=" ".join(sorted(a.words)),
                )
                for a in batch
            ]
        )
        postings = []
        for a in batch:
            for text, frequency in a.frequencies.items():
                term_id = term_ids[text]
                postings.append(
                    Posting(
                        term_id=term_id,
                        case_id=a.document.page_id,
                        frequency=frequency,
                        length=a.length,
                    )
                )
                term_delta[term_id] += 1
            word_delta.update(a.words)
        Posting.objects.bulk_create(postings, batch_size=5000)

    def remove(self, page_ids):
        if page_ids and IndexedCase.objects.filter(page_id__in=list(page_ids)).exists():
            self.write([], page_ids)

    @transaction.atomic
    def clear(self):
        Posting.objects.all().delete()
        IndexedCase.objects.all().delete()
        IndexTerm.objects.all().delete()
        IndexWord.objects.all().delete()
        _bump_state()

    @transaction.atomic
    def rebuild(self, batches, advance):
        """Replace the whole index in one transaction: searches see the old index until the
        new one is complete."""
        self.clear()
        for documents in batches:
            self.write(documents)
            advance(len(documents))
        IndexState.objects.filter(pk=1).update(analysis=analysis_version())

    def index_is_current(self) -> bool:
        """Whether the index was rebuilt with this code's analysis (synonyms, glossary, stop
        words): terms written with another would not meet the queries' terms."""
        built = IndexState.objects.filter(pk=1).values_list("analysis", flat=True).first()
        return built == analysis_version()

    def refresh_statistics(self):
        """After a rebuild on PostgreSQL: table statistics and the visibility map, so that
        ranking reads postings from the covering index alone (an index-only scan; without
        them PostgreSQL visits the table, about twice as slow at 20,000 cases). VACUUM cannot
        run inside a transaction: there, ANALYZE only. SQLite needs neither."""
        if connection.vendor != "postgresql":
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Posting, IndexedCase, IndexTerm, IndexWord):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")

    def indexed_ids(self) -> set[int]:
        return set(IndexedCase.objects.values_list("page_id", flat=True))

    # Searching ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        snap = snapshot()
        analysed = analyze_query(query.text) if query.text else None
        scores: dict[int, float] | None = None
        suggestion, partial, terms = None, False, set()
        if analysed is not None:
            matcher = _Matcher(analysed, snap)
            scores, partial = matcher.run()
            suggestion, terms = matcher.suggestion, matcher.highlight_terms()
        # Cases indexed after this search read its snapshot wait for the next search.
        candidates = snap.ids if scores is None else scores.keys() & snap.ids
        allowed = {
            key: set().union(*(snap.by_value.get((key, value), ()) for value in values))
            for key, values in query.filters.items()
        }
        matched = set(candidates)
        for ids in allowed.values():
            matched &= ids
        facets = self._facet_counts(snap, candidates, matched, allowed)
        page_ids = self._order(query, snap, matched, scores)
        hits = self._hits(page_ids, scores or {}, terms)
        return SearchResults(
            query=query,
            engine=self.name,
            total=len(matched),
            results=hits,
            facets=facet_values(facets, query.filters),
            suggestion=suggestion,
            partial=partial,
        )

    @staticmethod
    def _facet_counts(snap, candidates, matched, allowed):
        """Counts per facet value. A facet's own selection does not narrow its own counts
        (values within a facet are ORed), the other facets' selections do.

        Each count is the size of an intersection of two sets of ids, which Python takes by
        walking the smaller one: cheap for a few matches and for most of the library alike.
        """
        counts = {}
        for key in COUNTED_FACETS:
            if key in allowed:
                base = set(candidates)
                for other, ids in allowed.items():
                    if other != key:
                        base &= ids
            else:
                base = matched
            found = Counter()
            if len(base) * 2 > len(snap.ids):
                # Most of the library: count what is left out, a smaller set to walk.
                left_out = snap.ids - base
                for value, ids in snap.by_facet.get(key, ()):
                    count = len(ids) - len(ids.intersection(left_out)) if left_out else len(ids)
                    if count:
                        found[value] = count
            else:
                for value, ids in snap.by_facet.get(key, ()):
                    count = len(ids.intersection(base))
                    if count:
                        found[value] = count
            counts[key] = found
        return counts

    @staticmethod
    def _order(query, snap, matched, scores):
        """The requested page of `matched`, best first: by score, then newest, then id; or
        newest first. The top is taken on the first key alone (fast, in C), widened to every
        case tied with its last one if the next one ties, and only those are sorted on the
        full key."""
        wanted = query.offset + query.page_size
        published = snap.published
        if scores is None or query.sort == "newest":
            primary = published.__getitem__

            def full(i):
                return (published[i], i)
        else:
            primary = scores.__getitem__

            def full(i):
                return (scores[i], published[i], i)

        top = heapq.nlargest(wanted + 1, matched, key=primary)
        if len(top) > wanted and primary(top[wanted]) == primary(top[wanted - 1]):
            boundary = primary(top[wanted - 1])
            top = [i for i in matched if primary(i) >= boundary]
        top.sort(key=full, reverse=True)
        return top[query.offset : wanted]

    def _hits(self, page_ids, scores, terms) -> list[SearchHit]:
        rows = IndexedCase.objects.in_bulk(page_ids)
        pages = Page.objects.filter(pk__in=page_ids).only("url_path", "depth", "path")
        urls = {page.pk: page.get_url() for page in pages}
        hits = []
        for page_id in page_ids:
            row = rows.get(page_id)
            if row is None:  # removed since this search read its snapshot
                continue
            highlights = {}
            if terms:
                for name, found in (
                    ("title", highlight.whole(row.title, terms)),
                    ("summary", highlight.fragments(row.summary, terms, limit=2)),
                    ("body", highlight.fragments(row.body, terms, limit=3)),
                ):
                    if found:
                        highlights[name] = found
            hits.append(
                SearchHit(
                    id=page_id,
                    slug=row.slug,
                    title=row.title,
                    url=urls.get(page_id, ""),
                    summary=row.summary,
                    regency=row.data.get("regency"),
                    province=row.data.get("province"),
                    hubs=row.data.get("hubs", []),
                    sectors=row.data.get("sectors", []),
                    year=row.data.get("year"),
                    score=round(scores.get(page_id, 0.0), 4),
                    highlights=highlights,
                )
            )
        return hits

    def similar(self, page_id: int, limit: int = 5) -> list[int]:
        """Ids of the cases most like `page_id` (more-like-this over its weightiest terms)."""
        snap = snapshot()
        key = f"search:similar:{snap.token}:{page_id}:{limit}"
        found = cache.get(key)
        if found is None:
            found = _more_like_this(page_id, snap, limit)
            cache.set(key, found, 3600)
        return found

    def suggest(self, text: str, limit: int = 8) -> list[dict]:
        """Titles whose words start with the typed words, newest first (autocomplete)."""
        words = [token.text for token in tokenize(text)][:6]
        if not words:
            return []
        queryset = IndexedCase.objects.all()
        for word in words:
            queryset = queryset.filter(title_words__contains=" " + word)
        rows = list(queryset.order_by("-published_at").values("page_id", "title", "data")[:limit])
        pages = Page.objects.filter(pk__in=[row["page_id"] for row in rows])
        urls = {page.pk: page.get_url() for page in pages.only("url_path", "depth", "path")}
        return [
            {
                "id": row["page_id"],
                "title": row["title"],
                "url": urls.get(row["page_id"], ""),
                "regency": (row["data"].get("regency") or {}).get("name", ""),
            }
            for row in rows
        ]


def _best_of(first: dict, second: dict) -> dict:
    """{key: the larger value} over both dicts."""
    if not first:
        return second
    merged = dict(first)
    for key, value in second.items():
        if value > merged.get(key, 0.0):
            merged[key] = value
    return merged


def _term_ids(texts, *, create=False) -> dict[str, int]:
    found = {}
    for chunk in _chunks(texts):
        found.update(IndexTerm.objects.filter(text__in=chunk).values_list("text", "pk"))
    missing = [text for text in texts if text not in found]
    if missing and create:
        IndexTerm.objects.bulk_create(
            [IndexTerm(text=text) for text in missing], ignore_conflicts=True, batch_size=2000
        )
        found.update(_term_ids(missing))
    return found


def _ensure_words(words):
    if words:
        IndexWord.objects.bulk_create(
            [IndexWord(word=word) for word in words], ignore_conflicts=True, batch_size=2000
        )


def _apply_deltas(model, key, deltas: dict):
    """Add each delta to its row's document_count: one UPDATE per distinct delta value."""
    by_delta = defaultdict(list)
    for item, delta in deltas.items():
        by_delta[delta].append(item)
    for delta, items in by_delta.items():
        for chunk in _chunks(sorted(items)):
            model.objects.filter(**{f"{key}__in": chunk}).update(
                document_count=F("document_count") + delta
            )


# --- Matching and scoring ---------------------------------------------------------------------


class _Matcher:
    """Turns an analysed query into BM25F scores per case."""

    def __init__(self, analysed: AnalyzedQuery, snap: Snapshot):
        self.analysed, self.snap = analysed, snap
        self.concepts = [dict(concept.terms) for concept in analysed.concepts]
        self.suggestion = None

    def run(self) -> tuple[dict[int, float], bool]:
        if not self.concepts:
            return {}, False
        known = self._lookup(set(chain.from_iterable(self.concepts)))
        self._correct(known)
        required = minimum_should_match(len(self.concepts))
        scores = self._score(known, required)
        if not scores and required > 1:
            return self._score(known, 1), True
        return scores, False

    def highlight_terms(self) -> set[str]:
        return set(chain.from_iterable(self.concepts))

    @staticmethod
    def _lookup(texts) -> dict[str, tuple[int, int]]:
        found = {}
        for chunk in _chunks(texts):
            rows = IndexTerm.objects.filter(text__in=chunk, document_count__gt=0)
            for text, pk, count in rows.values_list("text", "pk", "document_count"):
                found[text] = (pk, count)
        return found

    def _correct(self, known):
        """Words that match nothing get the closest indexed words as weaker alternatives
        (fuzziness AUTO); the best of them makes the "did you mean" suggestion."""
        replacements = {}
        for index, concept in enumerate(self.analysed.concepts):
            if not concept.correctable or any(term in known for term in concept.terms):
                continue
            typed = fold(concept.surface)
            candidates = _closest_words(typed, self.snap)
            for distance, word in candidates:
                for term in analyze_query(word).all_terms():
                    self.concepts[index].setdefault(term, FUZZY_WEIGHTS[distance])
            if candidates:
                replacements[concept.surface] = candidates[0][1]
        if replacements:
            known.update(self._lookup(set(chain.from_iterable(self.concepts)) - set(known)))
            text = self.analysed.rewritten
            for typed, word in replacements.items():
                text = text.replace(typed, word, 1)
            self.suggestion = text

    def _score(self, known, required) -> dict[int, float]:
        """BM25F scores of the cases matching at least `required` concepts.

        Common concepts ("layanan" in a library of public services) have postings in most
        cases; when the rarer concepts must match anyway, they pick the candidates and the
        common ones are scored for those only, instead of aggregating their postings over the
        whole library.
        """
        total = max(len(self.snap.ids), 1)
        concept_of, weight_of, count_of = {}, {}, {}
        frequency = defaultdict(int)
        for index, concept in enumerate(self.concepts):
            for term, weight in concept.items():
                if term in known:
                    term_id, count = known[term]
                    idf = math.log(1 + (total - count + 0.5) / (count + 0.5))
                    # A term shared by two concepts counts for the first.
                    concept_of.setdefault(int(term_id), index)
                    weight_of.setdefault(int(term_id), float(idf * weight))
                    count_of[int(term_id)] = count
                    frequency[index] = max(frequency[index], count)
        if not concept_of:
            return {}
        if len(frequency) < required:
            return {}
        # Any case matching `required` of the n concepts matches one of the n - required + 1
        # rarest (pigeonhole): those pick the candidates, the others are scored for them only.
        by_rarity = sorted(frequency, key=frequency.get)
        rare = set(by_rarity[: len(frequency) - required + 1])
        in_memory = {t for t in concept_of if count_of[t] >= settings.SEARCH_MEMORY_TERM_CASES}
        if in_memory:
            return self._score_with_memory(concept_of, weight_of, in_memory, rare, required)
        rare_postings = sum(frequency[i] for i in rare)
        if rare_postings * 2 > sum(frequency.values()):
            return self._aggregate(concept_of, weight_of, concept_of, required)
        rare_terms = [t for t, c in concept_of.items() if c in rare]
        common_terms = [t for t, c in concept_of.items() if c not in rare]
        found = self._aggregate(concept_of, weight_of, rare_terms, 1, raw=True)
        if found:
            extra = self._aggregate(
                concept_of, weight_of, common_terms, 1, raw=True, within=rare_terms
            )
            for case_id, (score, count) in extra.items():
                if case_id in found:
                    found[case_id] = (found[case_id][0] + score, found[case_id][1] + count)
        return {case: score for case, (score, count) in found.items() if count >= required}

    def _score_with_memory(self, concept_of, weight_of, in_memory, rare, required):
        """`_score` when some terms are common enough to be ranked from memory.

        The rare concepts (see `_score`) are built whole, as {case: best term weight}: from
        SQL for their uncommon terms, from memory for the others. Their cases are the
        candidates; the other concepts are looked up for those cases only.
        """
        by_concept = defaultdict(list)
        for term, concept in concept_of.items():
            by_concept[concept].append(term)
        whole = {}  # concept -> {case: its best term's weight}
        sql_terms = [t for c in rare for t in by_concept[c] if t not in in_memory]
        if sql_terms:
            for case, concept, weight in self._concept_weights(concept_of, weight_of, sql_terms):
                whole.setdefault(concept, {})[case] = weight
        for concept in rare:
            found = whole.setdefault(concept, {})
            for term in by_concept[concept]:
                if term in in_memory:
                    weights = self.snap.term_postings(term).weights(weight_of[term])
                    found = _best_of(found, weights)
            whole[concept] = found
        if len(by_concept) == 1:
            return next(iter(whole.values()))
        # The other concepts, for the candidates only: per concept, its uncommon terms'
        # weights from SQL and its common terms' parts from memory.
        others = [c for c in sorted(by_concept) if c not in rare]
        candidates = set().union(*whole.values())
        from_sql = defaultdict(dict)
        sql_terms = [t for c in others for t in by_concept[c] if t not in in_memory]
        if sql_terms:
            for case, concept, weight in self._concept_weights(concept_of, weight_of, sql_terms):
                if case in candidates:
                    from_sql[concept][case] = weight
        lookups = [
            (
                from_sql.get(concept, {}),
                [
                    (self.snap.term_postings(t).part, weight_of[t])
                    for t in by_concept[concept]
                    if t in in_memory
                ],
            )
            for concept in others
        ]
        positions = self.snap.positions()
        tables = list(whole.values())
        scores = {}
        for case in candidates:
            i = positions.get(case)  # None: indexed after this search's snapshot was read
            if i is None:
                continue
            total, matched = 0.0, 0
            for table in tables:
                value = table.get(case)
                if value:
                    total += value
                    matched += 1
            for sql, memory in lookups:
                value = sql.get(case, 0.0)
                for part, weight in memory:
                    if part[i] and part[i] * weight > value:
                        value = part[i] * weight
                if value:
                    total += value
                    matched += 1
            if matched >= required:
                scores[case] = total
        return scores

    def _concept_weights(self, concept_of, weight_of, terms):
        """Rows (case, concept, best weight of the concept's `terms` in the case)."""
        terms = [int(t) for t in terms]
        concept = " ".join(f"WHEN {t} THEN {concept_of[t]}" for t in terms)
        idf = " ".join(f"WHEN {t} THEN {weight_of[t]!r}" for t in terms)
        norm = f"{K1} * ({1 - B} + {B} * p.length / {float(self.snap.average_length)!r})"
        score = f"(CASE p.term_id {idf} END) * p.frequency * {K1 + 1} / (p.frequency + {norm})"
        posting = Posting._meta.db_table
        hint = "INDEXED BY search_posting_ranking" if connection.vendor == "sqlite" else ""
        listed_terms = ", ".join(str(t) for t in terms)
        # Every value in this SQL is a number computed here, never text from the request.
        sql = f"""
            SELECT p.case_id, CASE p.term_id {concept} END AS concept, MAX({score})
            FROM {posting} p {hint}
            WHERE p.term_id IN ({listed_terms})
            GROUP BY p.case_id, concept
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def _aggregate(self, concept_of, weight_of, terms, required, raw=False, within=None):
        """Per case: the sum over concepts of the best term's BM25 weight, for the postings
        of `terms` (only of cases that also have one of `within`, if given)."""
        terms = [int(t) for t in terms]
        concept = " ".join(f"WHEN {t} THEN {concept_of[t]}" for t in terms)
        idf = " ".join(f"WHEN {t} THEN {weight_of[t]!r}" for t in terms)
        norm = f"{K1} * ({1 - B} + {B} * p.length / {float(self.snap.average_length)!r})"
        posting = Posting._meta.db_table
        restrict = ""
        if within:
            listed = ", ".join(str(int(t)) for t in within)
            restrict = (
                f"AND p.case_id IN (SELECT case_id FROM {posting} WHERE term_id IN ({listed}))"  # noqa: S608 -- numbers only
            )
        # SQLite would otherwise read the table through the primary key's index; this one
        # holds every column ranking needs (PostgreSQL finds it by itself).
        hint = "INDEXED BY search_posting_ranking" if connection.vendor == "sqlite" else ""
        listed_terms = ", ".join(str(t) for t in terms)
        score = f"(CASE p.term_id {idf} END) * p.frequency * {K1 + 1} / (p.frequency + {norm})"
        # Every value in this SQL is a number computed here, never text from the request.
        if len({concept_of[t] for t in terms}) == len(terms):
            # One term per concept: no best term to pick within a concept.
            sql = f"""
                SELECT p.case_id, SUM({score}), COUNT(*)
                FROM {posting} p {hint}
                WHERE p.term_id IN ({listed_terms}) {restrict}
                GROUP BY p.case_id
                HAVING COUNT(*) >= {int(required)}
            """  # noqa: S608
        else:
            sql = f"""
                SELECT case_id, SUM(score), COUNT(*) FROM (
                    SELECT p.case_id AS case_id, CASE p.term_id {concept} END AS concept,
                           MAX({score}) AS score
                    FROM {posting} p {hint}
                    WHERE p.term_id IN ({listed_terms}) {restrict}
                    GROUP BY p.case_id, concept
                ) matched
                GROUP BY case_id
                HAVING COUNT(*) >= {int(required)}
            """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        if raw:
            return {case_id: (score, count) for case_id, score, count in rows}
        return {case_id: score for case_id, score, _count in rows}


def _closest_words(typed: str, snap: Snapshot) -> list[tuple[int, str]]:
    limit = allowed_edits(typed)
    if not limit or not typed.isalpha():
        return []
    found = []
    for word, count in snap.vocabulary().get(typed[0], ()):
        if abs(len(word) - len(typed)) > limit:
            continue
        distance = edit_distance(typed, word, limit)
        # Distance 0: the word is still in this process's vocabulary but its last case has
        # just left the index; there is nothing to correct.
        if 0 < distance <= limit:
            found.append((distance, -count, word))
    found.sort()
    # Only the closest words: "sampha" means "sampah" (one swap), not "sampai" (two edits).
    best = [item for item in found if item[0] == found[0][0]] if found else []
    return [(distance, word) for distance, _count, word in best[:FUZZY_CANDIDATES]]


def _more_like_this(page_id: int, snap: Snapshot, limit: int) -> list[int]:
    total = len(snap.ids)
    if page_id not in snap.ids or total < 2:
        return []
    rows = (
        Posting.objects.filter(case_id=page_id, term__document_count__gte=2)
        .filter(term__document_count__lte=max(2, total // 2))
        .values_list("term__text", "frequency", "term__document_count")
    )
    weighted = sorted(
        ((frequency * math.log(1 + total / count), text) for text, frequency, count in rows),
        reverse=True,
    )[:25]
    if not weighted:
        return []
    concepts = [{text: 1.0} for _weight, text in weighted]
    matcher = _Matcher(AnalyzedQuery("", "", []), snap)
    matcher.concepts = concepts
    known = matcher._lookup({text for _weight, text in weighted})
    # Cases sharing 30% of those terms first; if there are fewer than `limit`, the best of
    # those sharing fewer (at least two: one word in common is chance) fill the list, so a
    # case page shows `limit` similar cases whenever the library has that many.
    chosen: list[int] = []
    for share in (0.3, 0.15, 0.0):
        scores = matcher._score(known, max(min(2, len(concepts)), round(len(concepts) * share)))
        # Not the case itself, nor one chosen already or indexed after this snapshot was read.
        scores = {
            case: score
            for case, score in scores.items()
            if case in snap.ids and case != page_id and case not in chosen
        }
        wanted = limit - len(chosen)
        chosen += heapq.nlargest(wanted, scores, key=lambda i: (scores[i], snap.published[i], i))
        if len(chosen) >= limit:
            break
    return chosen
