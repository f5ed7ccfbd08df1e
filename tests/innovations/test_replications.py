"""The replication ledger: the adopter records, the source regency or its hub confirms.

DESIGN.md section 4; the admin is the "Replikasi" viewset at /admin/replikasi/.
"""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hubs.models import Regency
from innovations.models import InnovationPage, Replication
from innovations.services import NATIONAL_GROUP, create_hub, onboard_regency
from tests.factories import (
    InnovationIndexPageFactory,
    InnovationPageFactory,
    build_site_tree,
    replication,
)

pytestmark = pytest.mark.django_db

DENIED = (302, 403)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back after it (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        home = build_site_tree(title="Jaringan Inovasi Pelayanan Publik")
        InnovationIndexPageFactory(parent=home)
        setups = {
            code: onboard_regency(regency=Regency.objects.get(code=code))
            for code in ["35.10", "35.78", "73.71", "32.73"]
        }
        jatim = create_hub(slug="jawa-timur")
        sulsel = create_hub(slug="sulawesi-selatan")
        users = get_user_model().objects

        def member(username, group):
            user = users.create_user(username=username, email=f"{username}@example.go.id")
            user.groups.add(group)
            return user

        world = SimpleNamespace(
            banyuwangi=setups["35.10"].folder.regency,
            surabaya=setups["35.78"].folder.regency,
            makassar=setups["73.71"].folder.regency,
            bandung=setups["32.73"].folder.regency,
            editor_banyuwangi=member("ed-bwi", setups["35.10"].group),
            editor_surabaya=member("ed-sby", setups["35.78"].group),
            editor_makassar=member("ed-mks", setups["73.71"].group),
            editor_bandung=member("ed-bdg", setups["32.73"].group),
            facilitator_jatim=member("fas-jatim", jatim.group),
            facilitator_sulsel=member("fas-sulsel", sulsel.group),
            national_admin=member("nasional", Group.objects.get(name=NATIONAL_GROUP)),
            case_banyuwangi=InnovationPageFactory(
                parent=setups["35.10"].folder, title="Smart Kampung Banyuwangi"
            ),
            case_surabaya=InnovationPageFactory(
                parent=setups["35.78"].folder, title="E-Sapawarga Surabaya"
            ),
            case_makassar=InnovationPageFactory(
                parent=setups["73.71"].folder, title="Lorong Garden Makassar"
            ),
            case_bandung=InnovationPageFactory(
                parent=setups["32.73"].folder, title="Bandung Command Center"
            ),
        )
        yield world
        transaction.set_rollback(True)


def _form(innovation, adopter, **fields):
    return {
        "innovation": innovation.pk,
        "adopting_regency": adopter.pk,
        "status": "berjalan",
        "started_on": "2024-03-01",
        "adapted": "Aplikasi disesuaikan dengan data kependudukan setempat.",
        "outcome": "Waktu layanan turun.",
        "outcome_metrics": "Waktu layanan: 14 → 2 hari",
        "evidence_url": "https://surabaya.go.id/replikasi",
        "evidence_document": "",
        **fields,
    }


def _errors(response, field="adopting_regency"):
    assert response.status_code == 200
    return response.context["form"].errors.get(field, [])


def _fresh(entry):
    return Replication.objects.get(pk=entry.pk)


# --- The model's rules --------------------------------------------------------------------------


def test_a_regency_cannot_replicate_its_own_innovation(site):
    entry = Replication(innovation=site.case_banyuwangi, adopting_regency=site.banyuwangi)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "adopting_regency" in error.value.message_dict
    Replication(innovation=site.case_banyuwangi, adopting_regency=site.surabaya).full_clean()


def test_one_entry_per_innovation_and_adopter(site):
    replication(site.case_banyuwangi, "35.78")
    duplicate = Replication(innovation=site.case_banyuwangi, adopting_regency=site.surabaya)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        replication(site.case_banyuwangi, "35.78")
    replication(site.case_banyuwangi, "73.71")
    assert site.case_banyuwangi.replications.count() == 2


# --- Recording in the admin ---------------------------------------------------------------------


def test_adopter_records_a_replication(site, client):
    client.force_login(site.editor_surabaya)
    assert client.get("/admin/replikasi/new/").status_code == 200
    response = client.post(
        "/admin/replikasi/new/", _form(site.case_banyuwangi, site.surabaya, status="berhasil")
    )
    assert response.status_code == 302
    entry = Replication.objects.get(innovation=site.case_banyuwangi)
    assert entry.adopting_regency == site.surabaya
    assert entry.status == Replication.Status.BERHASIL
    assert str(entry.started_on) == "2024-03-01"
    assert entry.outcome_metrics == "Waktu layanan: 14 → 2 hari"
    assert entry.evidence_url == "https://surabaya.go.id/replikasi"
    assert entry.created_by == site.editor_surabaya
    assert not entry.confirmed
    assert entry.confirmed_by is None


def test_adopting_regency_choices_are_the_editors_own(site, client):
    client.force_login(site.editor_surabaya)
    form = client.get("/admin/replikasi/new/").context["form"]
    assert list(form.fields["adopting_regency"].queryset) == [site.surabaya]

    response = client.post("/admin/replikasi/new/", _form(site.case_makassar, site.banyuwangi))
    assert _errors(response)
    assert not Replication.objects.filter(innovation=site.case_makassar).exists()


def test_recording_ones_own_case_is_a_form_error(site, client):
    client.force_login(site.editor_surabaya)
    response = client.post("/admin/replikasi/new/", _form(site.case_surabaya, site.surabaya))
    assert "Daerah tidak dapat mereplikasi inovasinya sendiri." in _errors(response)
    assert not Replication.objects.exists()


def test_recording_twice_is_a_form_error(site, client):
    replication(site.case_makassar, "35.78")
    client.force_login(site.editor_surabaya)
    response = client.post("/admin/replikasi/new/", _form(site.case_makassar, site.surabaya))
    assert "Replikasi inovasi ini oleh daerah tersebut sudah dicatat." in _errors(response)
    assert Replication.objects.filter(innovation=site.case_makassar).count() == 1


def test_only_published_cases_can_be_recorded(site, client):
    InnovationPage.objects.get(pk=site.case_makassar.pk).unpublish()
    client.force_login(site.editor_surabaya)
    response = client.post("/admin/replikasi/new/", _form(site.case_makassar, site.surabaya))
    assert _errors(response, "innovation")
    assert not Replication.objects.exists()


# --- Confirming ---------------------------------------------------------------------------------


def test_adopter_cannot_confirm(site, client):
    entry = replication(site.case_banyuwangi, "35.78")
    client.force_login(site.editor_surabaya)
    assert client.post(f"/admin/replikasi/confirm/{entry.pk}/").status_code in DENIED
    assert not _fresh(entry).confirmed
    # Nor through the edit form: `confirmed` is not one of its fields.
    client.post(
        f"/admin/replikasi/edit/{entry.pk}/",
        _form(entry.innovation, site.surabaya, confirmed="on"),
    )
    assert not _fresh(entry).confirmed


def test_confirm_is_post_only(site, client):
    entry = replication(site.case_banyuwangi, "35.78")
    client.force_login(site.editor_banyuwangi)
    assert client.get(f"/admin/replikasi/confirm/{entry.pk}/").status_code == 405
    assert not _fresh(entry).confirmed


def test_anonymous_cannot_confirm(site, client):
    entry = replication(site.case_banyuwangi, "35.78")
    response = client.post(f"/admin/replikasi/confirm/{entry.pk}/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not _fresh(entry).confirmed


@pytest.mark.parametrize("confirmer", ["editor_banyuwangi", "facilitator_jatim"])
def test_source_regency_or_its_hub_confirms(site, client, confirmer):
    entry = replication(site.case_banyuwangi, "35.78")
    user = getattr(site, confirmer)
    client.force_login(user)
    response = client.post(f"/admin/replikasi/confirm/{entry.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/replikasi/"
    entry = _fresh(entry)
    assert entry.confirmed
    assert entry.confirmed_by == user
    assert entry.confirmed_at is not None


def test_other_hubs_and_regencies_cannot_confirm(site, client):
    entry = replication(site.case_banyuwangi, "35.78")
    for user in (site.facilitator_sulsel, site.editor_makassar):
        client.force_login(user)
        assert client.post(f"/admin/replikasi/confirm/{entry.pk}/").status_code in (*DENIED, 404)
    # The adopter's hub is the source's hub here; a hub that is only the adopter's is not.
    other = replication(site.case_makassar, "35.78")
    client.force_login(site.facilitator_jatim)
    assert client.post(f"/admin/replikasi/confirm/{other.pk}/").status_code in DENIED
    assert not _fresh(entry).confirmed
    assert not _fresh(other).confirmed


def _listed(client):
    """The innovation titles on the ledger's listing."""
    response = client.get("/admin/replikasi/")
    assert response.status_code == 200
    html = response.content.decode()
    titles = [
        "Smart Kampung Banyuwangi",
        "E-Sapawarga Surabaya",
        "Lorong Garden Makassar",
        "Bandung Command Center",
    ]
    return {title for title in titles if title in html}


def test_listing_shows_only_the_users_own_ledger(site, client):
    replication(site.case_banyuwangi, "35.78")
    replication(site.case_makassar, "32.73")
    replication(site.case_bandung, "73.71")
    expected = {
        "editor_surabaya": {"Smart Kampung Banyuwangi"},
        "editor_banyuwangi": {"Smart Kampung Banyuwangi"},
        "facilitator_jatim": {"Smart Kampung Banyuwangi"},
        "editor_makassar": {"Lorong Garden Makassar", "Bandung Command Center"},
        "facilitator_sulsel": {"Lorong Garden Makassar", "Bandung Command Center"},
        "editor_bandung": {"Lorong Garden Makassar", "Bandung Command Center"},
    }
    for user, titles in expected.items():
        client.force_login(getattr(site, user))
        assert _listed(client) == titles, user


def test_listing_sorts_by_innovation(site, client):
    replication(site.case_banyuwangi, "35.78")
    replication(site.case_makassar, "35.78")
    client.force_login(site.editor_surabaya)
    for ordering in ("innovation", "-innovation", "adopting_regency", "-started_on"):
        response = client.get("/admin/replikasi/", {"ordering": ordering})
        assert response.status_code == 200, ordering
        assert "Lorong Garden Makassar" in response.content.decode()


def test_adopter_edits_its_entry_and_the_source_cannot(site, client):
    entry = replication(site.case_banyuwangi, "35.78")
    url = f"/admin/replikasi/edit/{entry.pk}/"

    client.force_login(site.editor_banyuwangi)
    assert client.get(url).status_code in DENIED
    response = client.post(url, _form(entry.innovation, site.surabaya, status="dihentikan"))
    assert response.status_code in DENIED
    assert _fresh(entry).status == Replication.Status.RENCANA

    client.force_login(site.editor_surabaya)
    assert client.get(url).status_code == 200
    response = client.post(url, _form(entry.innovation, site.surabaya, status="berhasil"))
    assert response.status_code == 302
    assert _fresh(entry).status == Replication.Status.BERHASIL


def test_changing_the_innovation_drops_the_confirmation(site, client):
    """A confirmation by Banyuwangi must not end up on Makassar's case."""
    entry = replication(site.case_banyuwangi, "35.78")
    client.force_login(site.editor_banyuwangi)
    client.post(f"/admin/replikasi/confirm/{entry.pk}/")
    assert _fresh(entry).confirmed

    client.force_login(site.editor_surabaya)
    client.post(f"/admin/replikasi/edit/{entry.pk}/", _form(site.case_makassar, site.surabaya))
    entry = _fresh(entry)
    assert entry.innovation_id == site.case_banyuwangi.pk or not entry.confirmed, (
        "the entry moved to Makassar's case but keeps Banyuwangi's confirmation "
        f"(confirmed_by={entry.confirmed_by})"
    )


def test_entries_of_others_cannot_be_inspected(site, client):
    """The listing hides other regencies' entries; their detail pages must too."""
    entry = replication(site.case_banyuwangi, "35.78", evidence_url="https://intern.example/x")
    client.force_login(site.editor_makassar)
    assert "Smart Kampung Banyuwangi" not in _listed(client)
    shown = []
    for view in ("edit", "delete", "inspect", "history", "usage"):
        response = client.get(f"/admin/replikasi/{view}/{entry.pk}/")
        if response.status_code == 200 or "Smart Kampung" in response.content.decode():
            shown.append(view)
    assert shown == []


def test_national_admins_see_the_ledger(site, client):
    """'Admin Nasional' moderates regencies outside any hub and holds the ledger permissions."""
    replication(site.case_bandung, "35.78")
    replication(site.case_banyuwangi, "73.71")
    client.force_login(site.national_admin)
    assert {"Bandung Command Center", "Smart Kampung Banyuwangi"} <= _listed(client)


def test_national_admins_confirm_for_regencies_outside_hubs(site, client):
    entry = replication(site.case_bandung, "35.78")
    client.force_login(site.national_admin)
    response = client.post(f"/admin/replikasi/confirm/{entry.pk}/")
    assert response.status_code == 302
    assert _fresh(entry).confirmed
    assert _fresh(entry).confirmed_by == site.national_admin


# --- On the public site -------------------------------------------------------------------------


def _section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_case_page_shows_its_ledger(site, client):
    replication(site.case_banyuwangi, "35.78", status="berhasil", adapted="Sensor lokal")
    replication(site.case_banyuwangi, "73.71", confirmed=True)
    response = client.get(site.case_banyuwangi.url)
    assert response.status_code == 200
    ledger = _section(response.content.decode(), "replications-heading")
    assert "Kota Surabaya" in ledger
    assert "Berhasil" in ledger
    assert "Sensor lokal" in ledger
    assert "Kota Makassar" in ledger
    assert "Dikonfirmasi" in ledger
    assert "Kota Bandung" not in ledger
    empty = client.get(site.case_surabaya.url).content.decode()
    assert "Belum ada daerah yang mencatat replikasi" in _section(empty, "replications-heading")


def test_adopters_folder_lists_what_it_replicated(site, client):
    replication(site.case_banyuwangi, "35.78", status="berjalan")
    replication(site.case_makassar, "32.73")
    html = client.get("/inovasi/kota-surabaya/").content.decode()
    assert "Inovasi yang direplikasi dari daerah lain" in html
    adopted = _section(html, "adopted-heading")
    assert "Smart Kampung Banyuwangi" in adopted
    assert "Kabupaten Banyuwangi" in adopted
    assert "Berjalan" in adopted
    assert "Lorong Garden Makassar" not in adopted
    source = _section(
        client.get("/inovasi/kabupaten-banyuwangi/").content.decode(), "adopted-heading"
    )
    assert "Smart Kampung Banyuwangi" not in source


def _titles_in_order(html):
    titles = re.findall(r'class="case-card__title"><a href="[^"]*">([^<]+)</a>', html)
    return titles


def test_listing_filters_replicated_cases_and_sorts_by_count(site, client):
    replication(site.case_makassar, "35.78")
    replication(site.case_makassar, "35.10")
    replication(site.case_makassar, "32.73")
    replication(site.case_bandung, "35.78")
    replication(site.case_surabaya, "73.71")
    replication(site.case_surabaya, "35.10")

    replicated = _titles_in_order(client.get("/inovasi/", {"replicated": "1"}).content.decode())
    assert sorted(replicated) == sorted(
        ["Lorong Garden Makassar", "Bandung Command Center", "E-Sapawarga Surabaya"]
    )
    everything = _titles_in_order(client.get("/inovasi/").content.decode())
    assert "Smart Kampung Banyuwangi" in everything

    ranked = _titles_in_order(client.get("/inovasi/", {"sort": "replicated"}).content.decode())
    assert ranked == [
        "Lorong Garden Makassar",
        "E-Sapawarga Surabaya",
        "Bandung Command Center",
        "Smart Kampung Banyuwangi",
    ]
    html = client.get("/inovasi/", {"sort": "replicated"}).content.decode()
    assert "Direplikasi oleh 3 daerah" in html
