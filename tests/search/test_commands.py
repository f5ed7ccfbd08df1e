"""`manage.py search_index` (DESIGN section 6): --rebuild rebuilds the index from the
database, --status shows the outbox, --process-queue retries it and fails loudly while the
index cannot be written."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from search import service
from search.models import IndexedCase, IndexState, IndexTerm, IndexWord, OutboxEntry, Posting
from search.query import SearchQuery

from .conftest import demo_records, publish_case

pytestmark = pytest.mark.django_db

QUERIES = ["bank sampah", "ktp el", "akta kelahiran", "puskesmas", "", "banjr"]


def search_index(*args) -> str:
    out = StringIO()
    call_command("search_index", *args, stdout=out)
    return out.getvalue()


def answers() -> list[dict]:
    """What the search API would answer for a few queries, everything included."""
    return [service.search(SearchQuery(text=text)).as_json() for text in QUERIES]


def found(text="") -> set[str]:
    return {hit.slug for hit in service.search(SearchQuery(text=text, page_size=100)).results}


def fail_posting_inserts(execute, sql, params, many, context):
    """A database that refuses to write the search index's postings (a full disk, a lock)."""
    if re.match(rf'\s*INSERT\s+INTO\s+"?{Posting._meta.db_table}"?\s', sql, re.IGNORECASE):
        raise OperationalError("disk I/O error (simulated)")
    return execute(sql, params, many, context)


@pytest.fixture
def failed_case(corpus, django_capture_on_commit_callbacks):
    """A case published while the index could not be written: it waits in the outbox."""
    with (
        connection.execute_wrapper(fail_posting_inserts),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = publish_case(demo_records()["klinik-pbg"])
    assert OutboxEntry.objects.filter(page_id=page.pk, attempts=1).exists()
    return page


# --- --rebuild --------------------------------------------------------------------------------


def test_rebuild_after_the_index_rows_were_deleted_by_hand(corpus, capsys):
    before = answers()
    Posting.objects.all().delete()
    IndexedCase.objects.all().delete()
    IndexTerm.objects.all().delete()
    IndexWord.objects.all().delete()
    assert not IndexedCase.objects.exists()

    assert search_index("--rebuild", "--no-progress") == "database: 10 cases indexed\n"
    assert capsys.readouterr().err == ""  # no progress bar
    assert found("bank sampah") == {"sibaku"}
    assert found() == set(corpus)
    assert answers() == before


def test_rebuild_after_the_indexed_cases_were_deleted(corpus, client):
    IndexedCase.objects.all().delete()  # the postings go with them
    assert not Posting.objects.exists()
    assert search_index("--rebuild", "--no-progress", "--engine", "database") == (
        "database: 10 cases indexed\n"
    )
    assert found("ktp el") >= {"jempol-dukcapil"}
    response = client.get("/api/v2/search/", {"q": "bank sampah"})
    assert [hit["slug"] for hit in response.json()["results"]] == ["sibaku"]
    assert IndexedCase.objects.count() == 10


def test_rebuild_indexes_only_live_public_cases(corpus, django_capture_on_commit_callbacks):
    corpus["sibaku"].unpublish()  # outside a commit block: the index is not told
    IndexedCase.objects.filter(page_id=corpus["sibaku"].pk).update(title="Judul Usang")
    assert search_index("--rebuild", "--no-progress") == "database: 9 cases indexed\n"
    assert found() == set(corpus) - {"sibaku"}
    assert not IndexedCase.objects.filter(title="Judul Usang").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_rebuild_leaves_planner_statistics_on_postgresql(corpus):
    def estimated_rows():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [Posting._meta.db_table]
            )
            return cursor.fetchone()[0]

    search_index("--rebuild", "--no-progress")
    assert estimated_rows() == Posting.objects.count() > 0


def test_rebuild_shows_a_progress_bar_on_stderr(corpus, capsys):
    search_index("--rebuild")
    err = capsys.readouterr().err
    assert "database index" in err
    assert "10/10" in err


def test_rebuild_applies_and_clears_the_waiting_changes(failed_case):
    assert search_index("--rebuild", "--no-progress") == "database: 11 cases indexed\n"
    assert "klinik-pbg" in found("persetujuan bangunan gedung")
    assert not OutboxEntry.objects.exists()


def test_rebuild_of_an_empty_library(library):
    assert search_index("--rebuild", "--no-progress") == "database: 0 cases indexed\n"
    assert service.search(SearchQuery()).total == 0


# --- --status and --process-queue -------------------------------------------------------------


def test_status_of_an_empty_outbox(corpus):
    assert search_index("--status") == "database: 0 waiting, 0 failed\n  index: current\n"


def test_status_and_the_log_say_when_the_index_needs_a_rebuild(corpus, caplog):
    """An index written by code with another analysis (older synonym files, say): its terms
    may not meet the queries' terms until it is rebuilt."""
    IndexState.objects.update(analysis="0" * 40, token="built-by-an-older-version")
    assert search_index("--status") == (
        "database: 0 waiting, 0 failed\n"
        "  index: built with another analysis; run search_index --rebuild\n"
    )
    with caplog.at_level("WARNING", logger="search.engines.database"):
        service.search(SearchQuery(text="sampah"))
    assert "run `manage.py search_index --rebuild`" in caplog.text
    search_index("--rebuild", "--no-progress")
    assert search_index("--status") == "database: 0 waiting, 0 failed\n  index: current\n"


def test_status_lists_the_waiting_and_the_failed_entries(
    failed_case, corpus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        corpus["sibaku"].unpublish()
        # Not committed yet: a change waits, one has failed.
        assert search_index("--status") == (
            "database: 2 waiting, 1 failed\n"
            f"  page {failed_case.pk}: 1 attempts, OperationalError: disk I/O error (simulated)\n"
            "  index: current\n"
        )


def test_process_queue_applies_the_waiting_entries(failed_case):
    assert search_index("--process-queue") == "synced: 1, failed: 0\n"
    assert "klinik-pbg" in found("persetujuan bangunan gedung")
    assert search_index("--status") == "database: 0 waiting, 0 failed\n  index: current\n"
    assert search_index("--process-queue") == "synced: 0, failed: 0\n"


def test_process_queue_fails_naming_the_error_while_the_write_still_fails(failed_case):
    out = StringIO()
    with connection.execute_wrapper(fail_posting_inserts), pytest.raises(CommandError) as error:
        call_command("search_index", "--process-queue", stdout=out)
    assert str(error.value) == "database: disk I/O error (simulated)"
    assert out.getvalue() == "synced: 0, failed: 1\n"
    entry = OutboxEntry.objects.get()
    assert (entry.page_id, entry.attempts) == (failed_case.pk, 2)
    assert "klinik-pbg" not in found("persetujuan bangunan gedung")
    assert search_index("--status").startswith("database: 1 waiting, 1 failed\n")


# --- Arguments --------------------------------------------------------------------------------


def test_engine_elasticsearch_needs_elasticsearch_url(corpus, settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError, match="set ELASTICSEARCH_URL") as error:
        search_index("--rebuild", "--engine", "elasticsearch")
    assert "'elasticsearch' is not configured" in str(error.value)
    assert found() == set(corpus)  # nothing was rebuilt or cleared


def test_an_action_is_required(db):
    with pytest.raises(CommandError, match="--rebuild --process-queue --status"):
        search_index()


def test_actions_exclude_each_other(db):
    with pytest.raises(CommandError, match="not allowed with argument"):
        search_index("--rebuild", "--status")
