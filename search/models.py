"""The database engine's index and the outbox that keeps every engine in step.

The index is an inverted index in ordinary tables, the same on SQLite and PostgreSQL:
`IndexedCase` (one row per live, public case, with what results and facets show),
`IndexTerm` (analysed terms with their document frequency), `Posting` (term x case with a
field-weighted term frequency) and `IndexWord` (the words people type, for spelling
suggestions). `IndexState.token` changes with every write, so each process knows when its
in-memory facet table is stale.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedCase(models.Model):
    page_id = models.BigIntegerField(primary_key=True)
    slug = models.SlugField(max_length=255)
    title = models.CharField(max_length=255)
    # " " + folded title words, for prefix autocomplete with LIKE '% word%'.
    title_words = models.CharField(max_length=300)
    summary = models.TextField()
    body = models.TextField(blank=True)
    # Display data: regency/province {code, name}, hubs [slug], sectors [{code, name}], year.
    data = models.JSONField()
    # Facet values: {"hub": [...], "province": [...], "sector": [...], ...}.
    facets = models.JSONField()
    published_at = models.DateTimeField(db_index=True)
    length = models.FloatField()  # field-weighted number of terms
    words = models.TextField(blank=True)  # distinct typed words, space-separated
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kasus terindeks")
        verbose_name_plural = _("kasus terindeks")

    def __str__(self):
        return self.title


class IndexTerm(models.Model):
    text = models.CharField(max_length=100, unique=True)
    document_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.text


class Posting(models.Model):
    pk = models.CompositePrimaryKey("term", "case")
    # The primary key's index (term, case) serves lookups by term.
    term = models.ForeignKey(IndexTerm, on_delete=models.CASCADE, related_name="+", db_index=False)
    case = models.ForeignKey(IndexedCase, on_delete=models.CASCADE, related_name="+")
    frequency = models.FloatField()  # field-weighted term frequency
    # The case's length, repeated here so ranking needs no join (see engines/database.py).
    length = models.FloatField()

    class Meta:
        indexes = [
            # Ranking reads only these columns of a term's postings: from the index alone.
            models.Index(
                fields=["term", "case", "frequency", "length"], name="search_posting_ranking"
            )
        ]

    def __str__(self):
        return f"{self.term_id} in {self.case_id}"


class IndexWord(models.Model):
    word = models.CharField(max_length=100, unique=True)
    document_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.word


class IndexState(models.Model):
    """A single row whose token changes with every index write.

    A random token, not a counter: a rolled-back write must not leave another process
    believing it has already seen the state a later write produces.
    """

    token = models.CharField(max_length=32)
    # The analysis (search.analysis.analysis_version) the index was last rebuilt with: a
    # change of the synonym, glossary or stop-word files needs a rebuild.
    analysis = models.CharField(max_length=40, blank=True, default="")

    def __str__(self):
        return self.token


class OutboxEntry(models.Model):
    """A page whose index entry must be brought up to date in `engine`.

    Written in the same transaction as the page change; removed once the engine has the
    change. An entry whose write failed stays, with the error, until a retry succeeds.
    """

    page_id = models.BigIntegerField()
    engine = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("antrean indeks")
        verbose_name_plural = _("antrean indeks")
        indexes = [models.Index(fields=["engine", "page_id"])]

    def __str__(self):
        return f"{self.engine}: page {self.page_id}"
