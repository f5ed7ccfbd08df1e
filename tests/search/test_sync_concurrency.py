"""Two processes syncing the same case at once never leave the older version in the index
(SQLite and PostgreSQL, real threads and commits)."""

import re
import threading
import time

import pytest
from django.db import connection

from innovations.models import InnovationPage
from search import service
from search.models import IndexedCase, OutboxEntry, Posting
from search.query import SearchQuery
from search.service import search
from tests.factories import InnovationPageFactory, folder_for

from .conftest import PublishDuringRebuild

pytestmark = pytest.mark.django_db(transaction=True)


def advisory_lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


def test_a_sync_that_read_an_older_version_cannot_overwrite_a_newer_one(restored_tables, library):
    page = InnovationPageFactory(parent=folder_for("35.78"), title="Layanan Zebrakopi Keliling")
    assert IndexedCase.objects.get(page_id=page.pk).title == "Layanan Zebrakopi Keliling"
    read_old_version, release = threading.Event(), threading.Event()
    errors = []

    def pause_after_reading(execute, sql, params, many, context):
        # The first look at the postings comes right after the sync read the page.
        table = Posting._meta.db_table
        if not read_old_version.is_set() and re.match(rf'\s*SELECT .*"{table}"', sql, re.S):
            read_old_version.set()
            release.wait(timeout=60)
        return execute(sql, params, many, context)

    def edit(title, wrapper=None):
        try:
            edited = InnovationPage.objects.get(pk=page.pk)
            edited.title = title
            if wrapper is None:
                edited.save_revision().publish()
            else:
                with connection.execute_wrapper(wrapper):
                    edited.save_revision().publish()  # the index sync runs after its commit
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    first = threading.Thread(target=edit, args=("Layanan Kuokamart Keliling", pause_after_reading))
    first.start()
    assert read_old_version.wait(timeout=60)
    second = threading.Thread(target=edit, args=("Layanan Sapimerah Keliling",))
    second.start()
    # Let the second edit go as far as it can: on PostgreSQL it commits and its sync waits
    # for the first one's lock; on SQLite its transaction waits for the first one's write
    # lock, so the second edit commits after the first sync.
    deadline = time.monotonic() + 30
    while second.is_alive() and time.monotonic() < deadline:
        if connection.vendor == "postgresql" and advisory_lock_waiters():
            break
        if connection.vendor == "sqlite" and time.monotonic() > deadline - 29.5:
            break
        time.sleep(0.05)
    release.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert errors == []
    assert InnovationPage.objects.get(pk=page.pk).title == "Layanan Sapimerah Keliling"
    assert IndexedCase.objects.get(page_id=page.pk).title == "Layanan Sapimerah Keliling"
    slugs = lambda text: [hit.slug for hit in search(SearchQuery(text=text)).results]  # noqa: E731
    assert slugs("sapimerah") == [page.slug]
    assert slugs("kuokamart") == []
    assert not OutboxEntry.objects.exists()


def test_a_change_committed_during_a_rebuild_is_in_the_rebuilt_index(restored_tables, library):
    """A case published while `search_index --rebuild` runs is found once the rebuild ends:
    the rebuild neither drops its outbox entry nor overwrites its index entry."""
    for number in range(3):
        InnovationPageFactory(parent=folder_for("35.78"), title=f"Layanan Keliling {number}")

    def waits_in_the_outbox():
        waiting = OutboxEntry.objects.values_list("page_id", flat=True)
        assert InnovationPage.objects.filter(pk__in=waiting, title__contains="Zebrakopi").exists()

    # On PostgreSQL the publish commits while the rebuild goes on; SQLite's writers wait for
    # the database engine's rebuild, which holds the write lock.
    other = PublishDuringRebuild(
        "Layanan Zebrakopi Keliling",
        wait=connection.vendor == "postgresql",
        check=waits_in_the_outbox,
    )
    assert service.rebuild(progress=other.progress) == {"database": 3}
    other.finish()
    found = [hit.title for hit in search(SearchQuery(text="zebrakopi")).results]
    assert found == ["Layanan Zebrakopi Keliling"]
    assert search(SearchQuery()).total == 4
    assert not OutboxEntry.objects.exists()
