"""The search service: one entry point for searching, and the index sync behind it.

`search(query)` answers from Elasticsearch when `ELASTICSEARCH_URL` is set and reachable,
otherwise from the database engine, and says which in `SearchResults.engine`.

Index sync: a page change writes an `OutboxEntry` per engine in the page's own transaction
(`schedule`); after commit the entries are applied (`process_outbox`) and removed. A write that
fails leaves its entry with the error; it is retried after the next successful write and by
`manage.py search_index --process-queue`, so no change is lost.
"""

import fcntl
import logging
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from innovations.models import InnovationPage

from .documents import documents_for
from .engines.database import DatabaseEngine
from .models import OutboxEntry
from .query import SearchQuery, SearchResults

logger = logging.getLogger(__name__)
BATCH = 500


class EngineUnavailable(Exception):
    """The engine cannot be reached (Elasticsearch down, say). `skipped`: it was not even
    asked, because it failed moments ago (logged quietly: the failure itself was logged)."""

    def __init__(self, message, *, skipped=False):
        super().__init__(message)
        self.skipped = skipped


def _log_unavailable(what: str, error: EngineUnavailable) -> None:
    level = logging.DEBUG if error.skipped else logging.WARNING
    logger.log(level, "Elasticsearch unavailable %s: %s", what, error)


@cache
def database_engine() -> DatabaseEngine:
    return DatabaseEngine()


def elasticsearch_engine():
    if not settings.ELASTICSEARCH_URL:
        return None
    from .engines.elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine.for_url(settings.ELASTICSEARCH_URL)


def engines() -> dict:
    """The engines the index is kept in: always the database, and Elasticsearch if set."""
    found = {"database": database_engine()}
    elastic = elasticsearch_engine()
    if elastic is not None:
        found["elasticsearch"] = elastic
    return found


# --- Reading ----------------------------------------------------------------------------------


def search(query: SearchQuery) -> SearchResults:
    elastic = elasticsearch_engine()
    if elastic is not None:
        try:
            return elastic.search(query)
        except EngineUnavailable as error:
            _log_unavailable("for a search, answering from the database", error)
            results = database_engine().search(query)
            results.notice = _(
                "Mesin pencarian Elasticsearch tidak dapat dihubungi; hasil ini dari mesin "
                "basis data."
            )
            return results
    return database_engine().search(query)


def similar_cases(page: InnovationPage, limit: int = 5) -> list[InnovationPage]:
    """Up to `limit` live cases most like `page` ("Inovasi serupa"), most similar first."""
    ids = None
    # A few more than shown: an index may still hold a case that has just left the site.
    wanted = limit + SIMILAR_SPARE
    elastic = elasticsearch_engine()
    if elastic is not None:
        try:
            ids = elastic.similar(page.pk, wanted)
        except EngineUnavailable as error:
            _log_unavailable("for more-like-this", error)
    if ids is None:
        ids = database_engine().similar(page.pk, wanted)
    pages = InnovationPage.objects.live().public().filter(pk__in=ids).select_related("regency")
    by_id = {p.pk: p for p in pages}
    return [by_id[i] for i in ids if i in by_id][:limit]


SIMILAR_SPARE = 3


def suggest(text: str, limit: int = 8) -> list[dict]:
    elastic = elasticsearch_engine()
    if elastic is not None:
        try:
            return elastic.suggest(text, limit)
        except EngineUnavailable as error:
            _log_unavailable("for suggestions", error)
    return database_engine().suggest(text, limit)


# --- Index sync -------------------------------------------------------------------------------


def schedule(page_ids) -> None:
    """Record that these pages changed; apply the change to every engine after commit."""
    page_ids = sorted({int(pk) for pk in page_ids})
    if not page_ids:
        return
    OutboxEntry.objects.bulk_create(
        [OutboxEntry(page_id=pk, engine=name) for name in engines() for pk in page_ids],
        batch_size=1000,
    )
    # One callback per change: the first to run applies everything waiting, the others find
    # nothing left (one cheap query each).
    transaction.on_commit(flush_outbox)


def flush_outbox() -> None:
    """After a commit: apply what is waiting. Runs outside any request-critical path: an
    error is logged and kept in the outbox, never raised into the page change."""
    try:
        process_outbox()
    except Exception:
        logger.exception("Search index sync failed; the outbox keeps the change")


@dataclass
class OutboxReport:
    synced: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    kept: set[int] = field(default_factory=set)  # entries that failed in this run
    rebuilding: list[str] = field(default_factory=list)  # engines left to their rebuild


def process_outbox(*, limit: int | None = None) -> OutboxReport:
    """Apply waiting entries, engine by engine, in batches: the never-tried ones first (oldest
    first), then those that failed before, so a few pages an engine keeps refusing cannot
    hold back the changes behind them.

    One process at a time applies an engine's entries (`_lock_outbox`), reading each page
    after taking the lock: a process that read a page before a later change cannot overwrite
    the newer entry another process wrote. While the engine is being rebuilt its entries wait
    for the rebuild, which applies them when it ends. A batch that fails for a reason other
    than an unreachable engine is retried page by page, so one page the engine refuses does
    not hold back the others.
    """
    report = OutboxReport()
    # Entries of an engine this process does not use (a shell without ELASTICSEARCH_URL)
    # stay for a process that does; `search_index --status` lists them.
    for name, engine in engines().items():
        while limit is None or report.synced + report.failed < limit:
            with transaction.atomic():
                _lock_outbox(name)
                if _rebuild_running(name):
                    logger.info("Search index for %s is being rebuilt: its changes wait", name)
                    report.rebuilding.append(name)
                    break
                batch = list(
                    OutboxEntry.objects.filter(engine=name)
                    .exclude(pk__in=report.kept)
                    .order_by("attempts", "pk")
                    .values_list("pk", "page_id")[:BATCH]
                )
                if not batch:
                    break
                if not _apply(name, engine, batch, report):
                    break  # the engine is failing: leave the rest for the next attempt
    return report


ISOLATION_FAILURES = 3  # pages failing in a row, one by one, that mean the engine is failing


def _apply(name, engine, batch, report) -> bool:
    """Apply one batch of (entry id, page id); False if the engine looks unusable."""
    try:
        sync_pages(engine, {page for _pk, page in batch})
    except Exception as error:  # any failure: keep the entries, retry later
        if isinstance(error, EngineUnavailable) or len(batch) == 1:
            _keep(name, batch, error, report)
            return False
        logger.warning("Search index batch for %s failed, retrying page by page: %s", name, error)
        in_a_row = 0
        for entry in batch:
            if in_a_row >= ISOLATION_FAILURES:
                return False
            try:
                sync_pages(engine, {entry[1]})
            except Exception as error:
                _keep(name, [entry], error, report)
                if isinstance(error, EngineUnavailable):
                    return False
                in_a_row += 1
                continue
            in_a_row = 0
            _done([entry], report)
        return True
    _done(batch, report)
    return True


def _keep(name, entries, error, report):
    logger.warning("Search index write to %s failed: %s", name, error)
    ids = [pk for pk, _page in entries]
    OutboxEntry.objects.filter(pk__in=ids).update(
        attempts=F("attempts") + 1,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        last_attempt_at=timezone.now(),
    )
    report.failed += len(entries)
    report.kept.update(ids)
    report.errors.append(f"{name}: {error}")


def _done(entries, report):
    OutboxEntry.objects.filter(pk__in=[pk for pk, _page in entries]).delete()
    report.synced += len(entries)


def _lock_key(purpose: str, engine_name: str) -> int:
    return zlib.crc32(f"jipp-search-{purpose}:{engine_name}".encode()) - 2**31


def _lock_outbox(engine_name: str) -> None:
    """Hold, until the transaction ends, the right to apply `engine_name`'s entries.

    PostgreSQL: a transaction-level advisory lock. SQLite: every transaction here begins
    IMMEDIATE (settings), which already takes the database's single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("outbox", engine_name)])


def _rebuild_running(engine_name: str) -> bool:
    """Whether another process is rebuilding `engine_name`. If not, on PostgreSQL, hold a
    shared lock until the transaction ends, so that no rebuild begins meanwhile.

    On SQLite the database engine's rebuild holds the database's write lock from start to
    end, so no transaction that could apply its entries runs during one; another engine's
    rebuild holds a lock file (`_rebuilding`). Looking at that file without holding it is
    enough: an entry applied before a rebuild begins is in what the rebuild reads, and one
    found while a rebuild runs waits for it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock_shared(%s)", [_lock_key("rebuild", engine_name)]
            )
            return not cursor.fetchone()[0]
    path = _lock_file(engine_name)
    if path is None:
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _lock_file(engine_name: str) -> Path | None:
    """SQLite: the file beside the database that an engine's rebuild holds (none for the
    database engine, whose rebuild holds the database's own write lock)."""
    name = str(connection.settings_dict["NAME"])
    if engine_name == "database" or not name or name == ":memory:" or "mode=memory" in name:
        return None
    return Path(f"{name}.search-rebuild-{engine_name}.lock")


@contextmanager
def _rebuilding(engine_name: str):
    """Hold the right to rebuild `engine_name` for the whole rebuild.

    PostgreSQL: a session-level advisory lock that waits for the outbox batches being
    applied, after which `process_outbox` leaves the engine's entries for the rebuild. (A
    session lock needs a session: behind pgbouncer, pool by session, not by transaction.)
    SQLite: for the database engine, one write transaction (IMMEDIATE) around the rebuild,
    as its rebuild is one transaction anyway; for another engine, which may take minutes over
    the network, a lock file beside the database, so that the site's writes go on.
    """
    if connection.vendor == "postgresql":
        key = _lock_key("rebuild", engine_name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                # A failed transaction refuses the unlock; ending the session releases it.
                connection.close()
        return
    path = _lock_file(engine_name)
    if path is None:
        with transaction.atomic():
            yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another rebuild of this engine: wait for it
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_pages(engine, page_ids) -> None:
    """Bring these pages' entries in `engine` in line with the database: live, public cases
    are (re)indexed, anything else is removed."""
    page_ids = set(page_ids)
    documents = list(documents_for(page_ids))
    live = {document.page_id for document in documents}
    with transaction.atomic():
        engine.write(documents, sorted(page_ids - live))


def rebuild(names=None, progress=None) -> dict[str, int]:
    """Rebuild the index of each engine in `names` (all by default) from the database.

    `progress(name, total)` returns a callable advanced by the number of cases written, e.g.
    a tqdm bar's `update`. Returns the number of cases indexed per engine.

    No change is lost to a rebuild: the outbox entries visible when it starts are in the
    rebuilt index (their changes were committed before the cases were read) and are removed
    at the end; changes committed during the rebuild keep their entries, which `process_outbox`
    leaves alone until the rebuild ends and then applies to the rebuilt index.
    """
    counts = {}
    for name, engine in engines().items():
        if names and name not in names:
            continue
        with _rebuilding(name):
            waiting = list(OutboxEntry.objects.filter(engine=name).values_list("pk", flat=True))
            ids = list(
                InnovationPage.objects.live().public().order_by("pk").values_list("pk", flat=True)
            )
            advance = progress(name, len(ids)) if progress else (lambda n: None)
            engine.rebuild(_batches(ids), advance)
            if hasattr(engine, "refresh_statistics"):
                engine.refresh_statistics()
            for chunk in range(0, len(waiting), 900):
                OutboxEntry.objects.filter(pk__in=waiting[chunk : chunk + 900]).delete()
        counts[name] = len(ids)
    if counts:
        flush_outbox()  # the changes committed while the engines were rebuilt
    return counts


def _batches(ids):
    for start in range(0, len(ids), BATCH):
        yield list(documents_for(ids[start : start + BATCH]))
