"""Reference data in the admin: searchable, filterable, choosable; read-only for non-admins.
Events are edited in their venue's time zone."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from hubs.models import EventPage, Regency
from innovations.models import Sector
from tests.factories.hubs import EventPageFactory, hub_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(
        get_user_model().objects.create_superuser(username="root", email="r@x.go.id", password="p")
    )
    return client


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_user(username="editor", password="p")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_regency_listing_searches_by_name(superuser_client):
    response = superuser_client.get("/admin/snippets/hubs/regency/", {"q": "surabaya"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kota Surabaya" in html
    assert "Kabupaten Banyuwangi" not in html


def test_regency_listing_filters_by_province_and_kind(superuser_client):
    sulsel = Regency.objects.get(name="Kota Makassar").province
    response = superuser_client.get(
        "/admin/snippets/hubs/regency/", {"province": sulsel.pk, "kind": "kota"}
    )
    html = response.content.decode()
    assert "Kota Makassar" in html
    assert "Kota Parepare" in html
    assert "Kabupaten Gowa" not in html
    assert "Kota Surabaya" not in html


def test_sector_listing_filters_by_group(superuser_client):
    html = superuser_client.get(
        "/admin/snippets/innovations/sector/", {"group": "pilihan"}
    ).content.decode()
    assert "Pariwisata" in html
    assert "Kesehatan" not in html


def test_editor_can_browse_and_choose_reference_data(editor_client):
    for url in [
        "/admin/snippets/hubs/regency/",
        "/admin/snippets/hubs/province/",
        "/admin/snippets/innovations/sector/",
        "/admin/snippets/innovations/sdg/",
        "/admin/snippets/innovations/evaluationaspect/",
        "/admin/snippets/hubs/hub/",
    ]:
        assert editor_client.get(url).status_code == 200, url
    chooser = editor_client.get("/admin/snippets/choose/hubs/regency/", {"q": "makassar"})
    assert chooser.status_code == 200
    assert "Kota Makassar" in chooser.json()["html"]
    surabaya = Regency.objects.get(code="35.78")
    inspect = editor_client.get(f"/admin/snippets/hubs/regency/inspect/{surabaya.pk}/")
    assert inspect.status_code == 200
    assert "Kota Surabaya" in inspect.content.decode()


def test_editor_cannot_change_reference_data(editor_client):
    surabaya = Regency.objects.get(code="35.78")
    sector = Sector.objects.get(code="1.02")
    assert editor_client.get(f"/admin/snippets/hubs/regency/edit/{surabaya.pk}/").status_code in (
        302,
        403,
    )
    editor_client.post(
        f"/admin/snippets/hubs/regency/edit/{surabaya.pk}/",
        {
            "code": "35.78",
            "name": "Kota Pahlawan",
            "province": surabaya.province_id,
            "kind": "kota",
        },
    )
    editor_client.post(f"/admin/snippets/innovations/sector/delete/{sector.pk}/")
    editor_client.post(
        "/admin/snippets/hubs/regency/add/",
        {"code": "35.99", "name": "Kota Baru", "province": surabaya.province_id, "kind": "kota"},
    )
    surabaya.refresh_from_db()
    assert surabaya.name == "Kota Surabaya"
    assert Sector.objects.filter(pk=sector.pk).exists()
    assert not Regency.objects.filter(code="35.99").exists()
    listing = editor_client.get("/admin/snippets/hubs/regency/").content.decode()
    assert f"/admin/snippets/hubs/regency/edit/{surabaya.pk}/" not in listing
    assert "/admin/snippets/hubs/regency/add/" not in listing


def test_superuser_can_correct_a_regency_name(superuser_client):
    regency = Regency.objects.get(code="35.78")
    response = superuser_client.post(
        f"/admin/snippets/hubs/regency/edit/{regency.pk}/",
        {
            "code": "35.78",
            "name": "Kota Surabaya",
            "province": regency.province_id,
            "kind": "kota",
        },
    )
    assert response.status_code == 302


# --- Event times in the admin: wall-clock time at the venue -----------------------------------


def _shown(html, name):
    """The value the edit form's `name` input shows."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def _event_post(event, **changes):
    """The edit form's POST for `event`, publishing; `changes` replace field values."""
    fields = {
        "title": event.title,
        "slug": event.slug,
        "title_en": "",
        "intro": rich_text(""),
        "intro_en": rich_text(""),
        "body": streamfield([]),
        "body_en": streamfield([]),
        "kind": event.kind,
        "start": "",
        "end": "",
        "venue_regency": event.venue_regency_id or "",
        "venue_name": event.venue_name,
        "venue_address": "",
        "online_url": event.online_url,
        "agenda": streamfield([]),
        "speakers": "",
        "featured_cases": inline_formset([]),
        "materials": inline_formset([]),
        "outcome": "",
        "capacity": str(event.capacity),
        "registration_opens": "",
        "registration_closes": "",
        "ask_position": "on",
        "ask_phone": "on",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    fields.update(changes)
    return nested_form_data(fields)


ADMIN_ZONES = [
    ("73.71", "sulawesi-selatan", 8, "WITA"),  # Kota Makassar
    ("91.71", "sulawesi-selatan", 9, "WIT"),  # Kota Jayapura
    ("35.78", "jawa-timur", 7, "WIB"),  # Kota Surabaya
]


@pytest.mark.parametrize(("regency", "hub", "offset", "abbreviation"), ADMIN_ZONES)
def test_the_event_form_shows_and_reads_venue_time(
    superuser_client, home_page, regency, hub, offset, abbreviation
):
    def local(day, hour, minute=0):
        """`hour`:`minute` on a day of 2030 at the venue, as UTC."""
        month, day = day
        return datetime(2030, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=offset)

    event = EventPageFactory(
        parent=hub_page(hub, home_page),
        venue_regency=Regency.objects.get(code=regency),
        start=local((3, 4), 9),
        end=local((3, 4), 12),
        registration_closes=local((3, 4), 8),
    )
    url = f"/admin/pages/{event.pk}/edit/"
    html = superuser_client.get(url).content.decode()
    assert _shown(html, "start") == "2030-03-04 09:00"
    assert _shown(html, "end") == "2030-03-04 12:00"
    assert _shown(html, "registration_closes") == "2030-03-04 08:00"
    assert f"Zona acara ini: {abbreviation}." in html
    assert "WIB, WITA atau WIT" in html

    response = superuser_client.post(
        url,
        _event_post(
            event,
            start="2030-05-06 09:00",
            end="2030-05-06 11:30",
            registration_opens="2030-04-01 08:00",
            registration_closes="2030-05-05 17:00",
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    event = EventPage.objects.get(pk=event.pk)
    assert event.start == local((5, 6), 9)
    assert event.end == local((5, 6), 11, 30)
    assert event.registration_opens == local((4, 1), 8)
    assert event.registration_closes == local((5, 5), 17)
    page = superuser_client.get(event.url).content.decode()
    assert f"09.00 {abbreviation}" in page


def test_a_venue_changed_in_the_same_submission_gives_its_zone(superuser_client, home_page):
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home_page),
        venue_regency=Regency.objects.get(code="35.78"),  # Surabaya, WIB
    )
    makassar = Regency.objects.get(code="73.71")
    response = superuser_client.post(
        f"/admin/pages/{event.pk}/edit/",
        _event_post(
            event, venue_regency=makassar.pk, start="2030-05-06 09:00", end="2030-05-06 12:00"
        ),
    )
    assert response.status_code == 302
    assert EventPage.objects.get(pk=event.pk).start == datetime(2030, 5, 6, 1, tzinfo=UTC)


def test_an_online_event_is_edited_in_its_hubs_zone(superuser_client, home_page):
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home_page),  # Makassar: WITA
        venue_regency=None,
        online_url="https://meet.example.go.id/ngulik",
    )
    url = f"/admin/pages/{event.pk}/edit/"
    assert "Zona acara ini: WITA." in superuser_client.get(url).content.decode()
    response = superuser_client.post(
        url, _event_post(event, start="2030-05-06 09:00", end="2030-05-06 12:00")
    )
    assert response.status_code == 302
    assert EventPage.objects.get(pk=event.pk).start == datetime(2030, 5, 6, 1, tzinfo=UTC)
