"""Index sync (DESIGN section 6): a page change reaches the search index when its transaction
commits, never before, through the outbox; a failed index write keeps the change until a
later write or `search_index --process-queue` applies it.

Everything is real: Wagtail publishes, moves and deletes pages in the test database, search
answers through `search.service` and GET /api/v2/search/. The only fault injected is a
database error at the driver boundary (`connection.execute_wrapper`).
"""

import re
from contextlib import contextmanager
from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from wagtail.models import PageViewRestriction

from hubs.models import Hub, HubMembership, Regency
from innovations.interchange import Validator
from innovations.models import InnovationPage
from innovations.services import import_innovations, load_reference_data
from search import service
from search.models import IndexedCase, IndexState, OutboxEntry, Posting
from search.query import SearchQuery
from tests.factories import InnovationPageFactory, folder_for
from tests.factories.hubs import edited_reference_folder

from .conftest import demo_records, publish_case

pytestmark = pytest.mark.django_db


# --- Helpers ----------------------------------------------------------------------------------


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` - the block's changes commit when it ends.

    The test runs inside one transaction that is never committed; as Django's test tools do,
    the on-commit callbacks registered inside the block run at its end."""
    return partial(django_capture_on_commit_callbacks, execute=True)


def found(text="", **filters) -> set[str]:
    """Slugs `service.search` finds for `text` with facet `filters` (values as lists).

    Typo tolerance means a query also finds loosely related cases once its best match is
    gone, so tests check whether a given case is among the results."""
    results = service.search(SearchQuery(text=text, filters=filters, page_size=100))
    assert results.engine == "database"
    return {hit.slug for hit in results.results}


def api_found(client, **params) -> set[str]:
    """Slugs GET /api/v2/search/ finds."""
    response = client.get("/api/v2/search/", {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    return {hit["slug"] for hit in response.json()["results"]}


def fail_posting_inserts(execute, sql, params, many, context):
    """A database that refuses to write the search index's postings (a full disk, a lock)."""
    if re.match(rf'\s*INSERT\s+INTO\s+"?{Posting._meta.db_table}"?\s', sql, re.IGNORECASE):
        raise OperationalError("disk I/O error (simulated)")
    return execute(sql, params, many, context)


def index_token() -> str:
    return IndexState.objects.filter(pk=1).values_list("token", flat=True).first() or ""


# --- Publish, unpublish, delete, privacy, move ------------------------------------------------


def test_the_corpus_is_indexed_and_the_outbox_empty(corpus, client):
    assert found("bank sampah") == {"sibaku"}
    assert api_found(client, q="bank sampah") == {"sibaku"}
    assert found() == set(corpus)
    assert set(IndexedCase.objects.values_list("page_id", flat=True)) == {
        page.pk for page in corpus.values()
    }
    assert not OutboxEntry.objects.exists()


def test_an_unpublished_case_disappears_after_commit_not_before(corpus, client, commit):
    with commit():
        corpus["sibaku"].unpublish()
        # Not committed yet: the index still has the case.
        assert "sibaku" in found("bank sampah")
        assert "sibaku" in api_found(client, q="bank sampah")
    assert "sibaku" not in found("bank sampah")
    assert "sibaku" not in api_found(client, q="bank sampah")
    assert found() == set(corpus) - {"sibaku"}
    assert not OutboxEntry.objects.exists()


def test_a_deleted_case_disappears_after_commit_not_before(corpus, client, commit):
    page_id = corpus["jempol-dukcapil"].pk
    with commit():
        corpus["jempol-dukcapil"].delete()
        assert "jempol-dukcapil" in found("jemput bola")
    assert "jempol-dukcapil" not in found("jemput bola")
    assert "jempol-dukcapil" not in api_found(client, q="jemput bola")
    assert found() == set(corpus) - {"jempol-dukcapil"}
    assert not IndexedCase.objects.filter(page_id=page_id).exists()
    assert not OutboxEntry.objects.exists()


def test_deleting_a_regency_folder_removes_its_cases(corpus, client, commit):
    surabaya = corpus["sibaku"].get_parent()
    with commit():
        publish_case(demo_records()["banjar-bersih"], slug="banjar-bersih-surabaya").move(
            surabaya, pos="last-child"
        )
    assert found(regency=["35.78"]) == {"sibaku", "banjar-bersih-surabaya"}

    with commit():
        surabaya.delete()
        assert found(regency=["35.78"]) == {"sibaku", "banjar-bersih-surabaya"}
    assert found(regency=["35.78"]) == set()
    assert api_found(client, regency="35.78") == set()
    assert found("bank sampah").isdisjoint({"sibaku", "banjar-bersih-surabaya"})
    assert found() == set(corpus) - {"sibaku"}  # the other folders keep their cases
    assert not OutboxEntry.objects.exists()


def test_a_private_case_disappears_and_returns_when_public_again(corpus, client, commit):
    with commit():
        restriction = PageViewRestriction.objects.create(
            page=corpus["antre-sehat"],
            restriction_type=PageViewRestriction.PASSWORD,
            password="rahasia",
        )
        assert "antre-sehat" in found("antrean puskesmas")
    assert "antre-sehat" not in found("antrean puskesmas")
    assert "antre-sehat" not in api_found(client, q="antrean puskesmas")
    assert found() == set(corpus) - {"antre-sehat"}

    with commit():
        restriction.delete()
    assert "antre-sehat" in found("antrean puskesmas")
    assert found() == set(corpus)
    assert not OutboxEntry.objects.exists()


def test_a_private_regency_folder_hides_its_cases(corpus, client, commit):
    with commit():
        PageViewRestriction.objects.create(
            page=corpus["paket-lahir"].get_parent(), restriction_type=PageViewRestriction.LOGIN
        )
    assert found(regency=["73.06"]) == set()
    assert api_found(client, regency="73.06") == set()
    assert "paket-lahir" not in found("akta kelahiran")
    assert found() == set(corpus) - {"paket-lahir"}


def test_a_newly_published_case_appears_after_commit(corpus, client, commit):
    with commit():
        publish_case(demo_records()["banjar-bersih"])
        assert "banjar-bersih" not in found("bank sampah")
    assert {"sibaku", "banjar-bersih"} <= found("bank sampah")
    assert api_found(client, q="bank sampah", province="51") == {"banjar-bersih"}
    assert found() == set(corpus) | {"banjar-bersih"}
    assert not OutboxEntry.objects.exists()


def test_a_draft_is_indexed_only_once_published(corpus, commit):
    record = demo_records()["klinik-pbg"]
    with commit():
        page = InnovationPageFactory.build(
            title=record["title"], slug=record["slug"], summary=record["summary"]
        )
        folder_for(record["regency"]).add_child(instance=page)
        page.save_revision()  # saved, not published
    assert "klinik-pbg" not in found("persetujuan bangunan gedung")
    assert found() == set(corpus)

    with commit():
        page.get_latest_revision().publish()
    assert "klinik-pbg" in found("persetujuan bangunan gedung")


def test_an_edited_title_replaces_the_old_words(library, client, commit):
    with commit():
        page = InnovationPageFactory(
            parent=folder_for("35.78"),
            title="Layanan Zebrakopi Keliling",
            summary="Petugas mendatangi rumah warga setiap pekan.",
        )
    assert found("zebrakopi") == {page.slug}

    with commit():
        page.title = "Layanan Kuokamart Keliling"
        page.save_revision().publish()
        assert found("zebrakopi") == {page.slug}
        assert found("kuokamart") == set()
    assert found("kuokamart") == {page.slug}
    assert found("zebrakopi") == set()
    assert api_found(client, q="zebrakopi") == set()
    (hit,) = client.get("/api/v2/search/", {"q": "kuokamart"}).json()["results"]
    assert hit["title"] == "Layanan Kuokamart Keliling"
    assert hit["highlights"]["title"] == ["Layanan <mark>Kuokamart</mark> Keliling"]
    assert not OutboxEntry.objects.exists()


def test_a_case_moved_to_another_regency_follows_in_the_filters(corpus, client, commit):
    makassar = corpus["mpp-inklusif"].get_parent()
    with commit():
        corpus["sibaku"].move(makassar, pos="last-child")
        assert "sibaku" in found(regency=["35.78"])
    assert found(regency=["73.71"]) == {"mpp-inklusif", "sibaku"}
    assert found(regency=["35.78"]) == set()
    assert api_found(client, q="bank sampah", regency="73.71") == {"sibaku"}
    assert "sibaku" in api_found(client, province="73")
    assert "sibaku" not in api_found(client, province="35")
    assert "sibaku" not in api_found(client, hub="jawa-timur")

    body = client.get("/api/v2/search/", {"q": "bank sampah", "regency": "73.71"}).json()
    (hit,) = body["results"]
    assert hit["regency"] == {"code": "73.71", "name": "Kota Makassar"}
    assert hit["province"]["code"] == "73"
    assert hit["url"] == InnovationPage.objects.get(slug="sibaku").get_url()
    assert hit["url"].startswith(makassar.get_url())
    assert [(f["value"], f["count"]) for f in body["facets"]["province"]] == [("73", 1)]
    assert not OutboxEntry.objects.exists()


# --- Import -----------------------------------------------------------------------------------


def import_records(rows, **options):
    """Validate raw interchange rows as `manage.py import_innovations` does, then import."""
    parsed = Validator().parse(list(enumerate(rows, start=1)), [])
    assert not parsed.errors, parsed.errors
    return import_innovations(records=parsed.records, **options)


IMPORTED = [
    {
        "slug": "jemput-bola-ktp-el",
        "title": "Jemput Bola KTP-el",
        "regency": "Kabupaten Banyuwangi",
        "sector": "2.12",
        "summary": "Petugas Dukcapil datang ke desa untuk merekam KTP-el warga pelangganzebra.",
    },
    {
        "slug": "sapu-bersih-pungli",
        "title": "Sapu Bersih Pungutan Liar",
        "regency": "Kota Surabaya",
        "sector": "2.11",
        "summary": "Warga melaporkan pungutan liar pelangganzebra di loket pelayanan.",
    },
]


def test_an_import_indexes_its_cases_after_commit(library, client, commit):
    with commit():
        summary = import_records(IMPORTED)
        assert found("pelangganzebra") == set()
    assert summary.created == 2
    assert found("pelangganzebra") == {"jemput-bola-ktp-el", "sapu-bersih-pungli"}
    assert api_found(client, q="pelangganzebra", regency="35.78") == {"sapu-bersih-pungli"}
    assert not OutboxEntry.objects.exists()


def test_an_import_that_changes_the_regency_moves_the_case_in_the_index(library, commit):
    with commit():
        import_records(IMPORTED)
    with commit():
        summary = import_records([dict(IMPORTED[0], regency="Kabupaten Sleman")])
    assert summary.moved == 1
    assert found("pelangganzebra", regency=["34.04"]) == {"jemput-bola-ktp-el"}
    assert found("pelangganzebra", regency=["35.10"]) == set()


def test_a_draft_import_leaves_the_published_case_in_the_index(library, commit):
    with commit():
        import_records(IMPORTED)
    with commit():
        import_records([dict(IMPORTED[0], title="Judul Rahasiakuda")], draft=True)
    assert found("rahasiakuda") == set()
    assert found("pelangganzebra") == {"jemput-bola-ktp-el", "sapu-bersih-pungli"}
    assert IndexedCase.objects.get(slug="jemput-bola-ktp-el").title == "Jemput Bola KTP-el"
    assert not OutboxEntry.objects.exists()


# --- The outbox -------------------------------------------------------------------------------


def test_a_failed_index_write_keeps_the_change_in_the_outbox(corpus, client, commit):
    records = demo_records()
    with connection.execute_wrapper(fail_posting_inserts), commit():
        page = publish_case(records["klinik-pbg"])
    # The publish itself went through.
    assert InnovationPage.objects.live().filter(pk=page.pk).exists()
    assert client.get(page.get_url()).status_code == 200
    # The index did not: the change waits with the error.
    entry = OutboxEntry.objects.get()
    assert (entry.page_id, entry.engine, entry.attempts) == (page.pk, "database", 1)
    assert entry.last_error == "OperationalError: disk I/O error (simulated)"
    assert entry.last_attempt_at is not None
    assert "klinik-pbg" not in found("persetujuan bangunan gedung")
    assert not IndexedCase.objects.filter(page_id=page.pk).exists()
    assert found() == set(corpus)  # the rest of the index is intact

    # The next successful write applies the waiting change too.
    with commit():
        publish_case(records["sapa-lansia"])
    assert "klinik-pbg" in found("persetujuan bangunan gedung")
    assert "sapa-lansia" in found("sahabat pelayanan lansia")
    assert found() == set(corpus) | {"klinik-pbg", "sapa-lansia"}
    assert not OutboxEntry.objects.exists()


def test_a_failed_edit_keeps_the_old_entry_whole(library, commit):
    with commit():
        page = InnovationPageFactory(
            parent=folder_for("35.78"), title="Layanan Zebrakopi Keliling", summary="Warga."
        )
    with connection.execute_wrapper(fail_posting_inserts), commit():
        page.title = "Layanan Kuokamart Keliling"
        page.save_revision().publish()
    # The failed write changed nothing: the old title is still found, all of it.
    assert found("zebrakopi") == {page.slug}
    assert found("kuokamart") == set()
    assert IndexedCase.objects.get(page_id=page.pk).title == "Layanan Zebrakopi Keliling"
    assert OutboxEntry.objects.get().attempts == 1

    out = StringIO()
    call_command("search_index", "--process-queue", stdout=out)
    assert out.getvalue().strip() == "synced: 1, failed: 0"
    assert found("kuokamart") == {page.slug}
    assert found("zebrakopi") == set()
    assert not OutboxEntry.objects.exists()


def refuse_case(*slugs):
    """A database that refuses to write these cases' index rows (say, a value it rejects)."""

    def wrapper(execute, sql, params, many, context):
        table = IndexedCase._meta.db_table
        # PostgreSQL's bulk inserts pass each column as one array (INSERT ... UNNEST).
        values = [v for p in params or () for v in (p if isinstance(p, list | tuple) else [p])]
        refused = [slug for slug in slugs if slug in values]
        if re.match(rf'\s*INSERT\s+INTO\s+"?{table}"?\s', sql, re.IGNORECASE) and refused:
            raise OperationalError(f"{refused[0]} refused (simulated)")
        return execute(sql, params, many, context)

    return wrapper


def test_one_case_the_index_refuses_does_not_hold_back_the_others(corpus, commit):
    records = demo_records()
    with connection.execute_wrapper(refuse_case("klinik-pbg")), commit():
        refused = publish_case(records["klinik-pbg"])
        publish_case(records["sapa-lansia"])
        publish_case(records["sikap-nelayan"])
    assert "sapa-lansia" in found("sahabat pelayanan lansia")
    assert "sikap-nelayan" in found(records["sikap-nelayan"]["title"])
    assert "klinik-pbg" not in found("persetujuan bangunan gedung")
    entry = OutboxEntry.objects.get()
    assert entry.page_id == refused.pk
    assert entry.last_error == "OperationalError: klinik-pbg refused (simulated)"

    assert service.process_outbox().synced == 1  # the database takes it now
    assert "klinik-pbg" in found("persetujuan bangunan gedung")
    assert not OutboxEntry.objects.exists()


def test_cases_the_index_keeps_refusing_do_not_block_later_changes(corpus, commit):
    """More refused entries than the engine may fail in a row sit at the head of the outbox:
    a later change still goes in, because entries never tried come before those that failed."""
    records = demo_records()
    stuck = ["klinik-pbg", "sapa-lansia", "sikap-nelayan", "sikemas"]
    with connection.execute_wrapper(refuse_case(*stuck)):
        with commit():
            for slug in stuck:
                publish_case(records[slug])
        assert OutboxEntry.objects.count() == len(stuck)
        assert len(stuck) > service.ISOLATION_FAILURES
        with commit():
            corpus["sibaku"].unpublish()
        with commit():
            later = publish_case(records["gerak-pemula"])
    assert "sibaku" not in found("bank sampah")
    assert "gerak-pemula" in found(records["gerak-pemula"]["title"])
    waiting = OutboxEntry.objects.values_list("page_id", flat=True)
    assert set(InnovationPage.objects.filter(pk__in=waiting).values_list("slug", flat=True)) == (
        set(stuck)
    )
    assert later.pk not in waiting

    assert service.process_outbox().synced == len(stuck)  # the database takes them now
    assert found() == set(corpus) - {"sibaku"} | set(stuck) | {"gerak-pemula"}


def test_a_waiting_change_is_retried_on_each_later_write(corpus, commit):
    with connection.execute_wrapper(fail_posting_inserts):
        with commit():
            page = publish_case(demo_records()["klinik-pbg"])
        with commit():
            corpus["sibaku"].unpublish()
    entry = OutboxEntry.objects.get(page_id=page.pk)
    assert (entry.engine, entry.attempts) == ("database", 2)
    assert "klinik-pbg" not in found("persetujuan bangunan gedung")

    with commit():
        corpus["antre-sehat"].unpublish()
    assert "klinik-pbg" in found("persetujuan bangunan gedung")
    assert found() == set(corpus) - {"sibaku", "antre-sehat"} | {"klinik-pbg"}
    assert not OutboxEntry.objects.exists()


def test_process_queue_applies_the_waiting_entries(corpus, commit):
    records = demo_records()
    with connection.execute_wrapper(fail_posting_inserts), commit():
        publish_case(records["klinik-pbg"])
        publish_case(records["sapa-lansia"])
    assert OutboxEntry.objects.count() == 2
    assert found() == set(corpus)

    out = StringIO()
    call_command("search_index", "--process-queue", stdout=out)
    assert out.getvalue().strip() == "synced: 2, failed: 0"
    assert found() == set(corpus) | {"klinik-pbg", "sapa-lansia"}
    assert not OutboxEntry.objects.exists()


def test_a_rolled_back_change_leaves_no_outbox_entry_and_no_index_change(corpus, commit):
    token = index_token()
    with commit() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        publish_case(demo_records()["klinik-pbg"])
        corpus["sibaku"].unpublish()
        assert OutboxEntry.objects.count() == 2
        raise RuntimeError("the editor's request failed")
    assert callbacks == []
    assert not OutboxEntry.objects.exists()
    assert index_token() == token
    assert not InnovationPage.objects.filter(slug="klinik-pbg").exists()
    assert found() == set(corpus)
    assert "sibaku" in found("bank sampah")


def test_two_capture_blocks_each_apply_their_changes(corpus, django_capture_on_commit_callbacks):
    """Django's documented way of testing on-commit work, a second time in one test (the
    corpus fixture was the first)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        corpus["sibaku"].unpublish()
    assert callbacks
    assert "sibaku" not in found("bank sampah")


# --- A write landing while a search runs ------------------------------------------------------


@contextmanager
def index_write_after_the_state_check():
    """Another process's index write commits just after this process's next search checked
    the index state token (at the driver boundary: right after that SELECT runs). The write
    is the real one: the waiting outbox entries are applied."""
    state = IndexState._meta.db_table
    pending = [True]

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if pending and re.match(rf'\s*SELECT\s.*\sFROM\s+"?{state}"?\s', sql, re.I | re.S):
            pending.clear()
            report = service.process_outbox()
            assert report.synced and not report.failed
        return result

    with connection.execute_wrapper(wrapper):
        yield
    assert not pending, "the search never checked the index state"


def test_a_search_while_a_case_is_removed_leaves_it_out(corpus):
    assert found() == set(corpus)  # this process holds the current snapshot
    corpus["sibaku"].unpublish()  # committed elsewhere; its index write is about to land
    with index_write_after_the_state_check():
        results = found()
    assert results in (set(corpus), set(corpus) - {"sibaku"})
    assert found() == set(corpus) - {"sibaku"}


def test_a_search_for_a_word_whose_last_case_is_being_removed(corpus):
    assert service.search(SearchQuery(text="sibaku")).total == 1
    assert service.search(SearchQuery(text="sibauk")).suggestion == "sibaku"  # vocabulary
    corpus["sibaku"].unpublish()
    with index_write_after_the_state_check():
        found("sibaku")
    assert "sibaku" not in found("sibaku")


# --- Reference data copied into the index -----------------------------------------------------


def test_a_regency_joining_a_hub_brings_its_cases_into_the_hub_facet(corpus, commit):
    samarinda = Regency.objects.get(code="64.72")  # siaga-banjir's city, in no hub
    assert "siaga-banjir" not in found(hub=["jawa-timur"])
    with commit():
        Hub.objects.get(slug="jawa-timur").members.add(samarinda)
    assert "siaga-banjir" in found(hub=["jawa-timur"])
    with commit():
        HubMembership.objects.get(hub__slug="jawa-timur", regency=samarinda).delete()
    assert "siaga-banjir" not in found(hub=["jawa-timur"])
    assert not OutboxEntry.objects.exists()


def test_a_renamed_regency_is_found_under_its_new_name(corpus, commit):
    jayapura = Regency.objects.get(code="91.03")  # baca-kampung's regency
    with commit():
        jayapura.name = "Kabupaten Zebrakopi"
        jayapura.save()
    assert found("zebrakopi") == {"baca-kampung"}
    hit = service.search(SearchQuery(text="zebrakopi")).results[0]
    assert hit.regency["name"] == "Kabupaten Zebrakopi"


def test_reloading_renamed_reference_data_reindexes_the_cases(corpus, commit, tmp_path):
    folder = edited_reference_folder(
        tmp_path, "sectors.csv", ",Pendidikan,", ",Pendidikan Zebrakopi,"
    )
    with commit():
        load = load_reference_data(folder=folder)
    assert load.taxonomy.sectors.updated == 1
    assert found("zebrakopi") == {"baca-kampung"}  # its sector 1.01 is indexed by name
