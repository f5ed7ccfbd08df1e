"""Event pages, registration rules, time zones, calendars and attendee privacy."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from hubs.models import Hub, Regency, Registration
from innovations.services import create_hub
from tests.factories.hubs import EventIndexPageFactory, EventPageFactory, hub_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """A client whose requests' after-commit work (the e-mails) runs, as it would live."""

    class Committing:
        def __getattr__(self, name):
            method = getattr(client, name)
            if name not in ("get", "post"):
                return method

            def call(*args, **kwargs):
                with django_capture_on_commit_callbacks(execute=True):
                    return method(*args, **kwargs)

            return call

    return Committing()


def at(day_offset, hour, zone_hours):
    """Local `hour` in a zone UTC+`zone_hours`, `day_offset` days from today, as UTC."""
    day = (timezone.now() + timedelta(days=day_offset)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=zone_hours)


def form(email="siti@makassarkota.go.id", **extra):
    return {"name": "Siti Rahma", "email": email, "organisation": "Bagian Organisasi", **extra}


ZONES = [
    ("73.71", "sulawesi-selatan", 8, "WITA"),  # Kota Makassar
    ("91.71", "sulawesi-selatan", 9, "WIT"),  # Kota Jayapura
    ("35.78", "jawa-timur", 7, "WIB"),  # Kota Surabaya
]


@pytest.mark.parametrize(("regency", "hub", "offset", "abbreviation"), ZONES)
def test_nine_o_clock_local_everywhere(client, home_page, regency, hub, offset, abbreviation):
    EventIndexPageFactory(parent=home_page)
    event = EventPageFactory(
        parent=hub_page(hub, home_page),
        title="Lokakarya Zona Waktu",
        venue_regency=Regency.objects.get(code=regency),
        start=at(7, 9, offset),
        end=at(7, 12, offset),
    )
    shown = f"09.00 {abbreviation}"
    assert shown in client.get(event.url).content.decode()
    assert shown in client.get("/agenda/").content.decode()
    client.post(event.url, form())
    assert shown in mail.outbox[-1].body
    calendar = icalendar.Calendar.from_ical(client.get(event.url + "kalender.ics").content)
    (item,) = calendar.walk("VEVENT")
    assert item["DTSTART"].dt.astimezone(UTC).hour == 9 - offset
    assert item["DTSTART"].params["TZID"] == event.time_zone
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == [event.time_zone]


def test_registration_confirms_then_waitlists_and_mails_the_ics(client, home_page):
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page), capacity=1)
    first = client.post(event.url, form("a@makassarkota.go.id"))
    assert "Pendaftaran Anda terkonfirmasi." in first.content.decode()
    second = client.post(event.url, form("b@makassarkota.go.id"))
    assert "Anda masuk daftar tunggu" in second.content.decode()
    assert [r.status for r in Registration.objects.order_by("pk")] == ["confirmed", "waitlisted"]
    confirmation, waiting = mail.outbox
    assert confirmation.attachments[0][0] == "acara.ics"
    assert icalendar.Calendar.from_ical(confirmation.attachments[0][1]).walk("VEVENT")
    assert not waiting.attachments


def test_the_online_link_is_for_confirmed_registrants_only(client, home_page):
    event = EventPageFactory(
        parent=hub_page("sumatera-selatan", home_page),
        venue_regency=None,
        online_url="https://meet.example.go.id/ngulik-42",
        capacity=1,
    )
    assert "ngulik-42" not in client.get(event.url).content.decode()
    assert "ngulik-42" in client.post(event.url, form("a@x.go.id")).content.decode()
    assert "ngulik-42" not in client.post(event.url, form("b@x.go.id")).content.decode()
    assert "ngulik-42" in mail.outbox[0].body
    assert "ngulik-42" not in mail.outbox[1].body


def test_one_registration_per_email_whatever_the_case(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    client.post(event.url, form("Siti@Surabaya.go.id"))
    again = client.post(event.url, form("siti@surabaya.GO.ID"))
    assert again.status_code == 400
    assert "Alamat surel ini sudah terdaftar untuk acara ini." in again.content.decode()
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_closes_days": -1}, "Pendaftaran untuk acara ini sudah ditutup."),
        ({"start_days": -1}, "Acara ini sudah dimulai atau sudah selesai"),
    ],
)
def test_closed_registration_is_refused(client, home_page, changes, message):
    now = timezone.now()
    start = now + timedelta(days=changes.get("start_days", 7))
    event = EventPageFactory(
        parent=hub_page("jawa-timur", home_page),
        start=start,
        end=start + timedelta(hours=3),
        registration_closes=now + timedelta(days=changes["registration_closes_days"])
        if "registration_closes_days" in changes
        else None,
    )
    response = client.post(event.url, form())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_malformed_email_and_filled_honeypot_are_refused(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    bad_email = client.post(event.url, form("siti(at)surabaya"))
    assert bad_email.status_code == 400
    assert "Masukkan alamat surel yang benar" in bad_email.content.decode()
    robot = client.post(event.url, form(website="http://spam.example"))
    assert robot.status_code == 400
    assert "seperti yang dilakukan robot" in robot.content.decode()
    assert not Registration.objects.exists()


def test_english_form_errors(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    response = client.post("/en" + event.url, form("not-an-email"))
    assert response.status_code == 400
    assert "Enter a valid e-mail address" in response.content.decode()


def test_the_eleventh_registration_a_minute_from_one_address_gets_429(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page), capacity=50)
    statuses = [
        client.post(event.url, form(f"p{n}@surabaya.go.id"), REMOTE_ADDR="10.1.2.3").status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    other = client.post(event.url, form("q@surabaya.go.id"), REMOTE_ADDR="10.1.2.4")
    assert other.status_code == 200


def test_the_signed_link_cancels_and_promotes_the_first_waiting(client, home_page):
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page), capacity=1)
    for email in ("a@x.go.id", "b@x.go.id", "c@x.go.id"):
        client.post(event.url, form(email))
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/batal/" in line
    ).removeprefix("http://127.0.0.1:8000")
    mail.outbox.clear()
    assert "batalkan pendaftaran" in client.get(link).content.decode().lower()
    client.post(link)
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@x.go.id": "cancelled",
        "b@x.go.id": "confirmed",
        "c@x.go.id": "waitlisted",
    }
    assert [m.to for m in mail.outbox] == [["b@x.go.id"]]
    tampered = link.replace("/batal/", "/batal/x")
    assert client.get(link.replace("/batal/", "/batal/AAAA")).status_code == 404
    assert client.get(tampered).status_code == 404


def test_calendars_follow_the_filters(client, home_page):
    EventIndexPageFactory(parent=home_page)
    jatim = EventPageFactory(parent=hub_page("jawa-timur", home_page), title="Lokakarya Jatim")
    EventPageFactory(
        parent=hub_page("sumatera-selatan", home_page),
        title="Webinar Sumsel",
        kind="webinar",
        venue_regency=None,
        online_url="https://meet.example.go.id/x",
    )

    def titles(url):
        response = client.get(url)
        assert response.status_code == 200
        calendar = icalendar.Calendar.from_ical(response.content)
        return sorted(str(item["SUMMARY"]) for item in calendar.walk("VEVENT"))

    assert titles("/agenda/agenda.ics") == ["Lokakarya Jatim", "Webinar Sumsel"]
    assert titles("/agenda/agenda.ics?hub=jawa-timur") == ["Lokakarya Jatim"]
    assert titles("/agenda/agenda.ics?kind=webinar") == ["Webinar Sumsel"]
    assert titles("/agenda/agenda.ics?mode=offline") == ["Lokakarya Jatim"]
    assert titles("/hub/jawa-timur/agenda.ics") == ["Lokakarya Jatim"]
    assert titles(jatim.url + "kalender.ics") == ["Lokakarya Jatim"]
    assert client.get("/agenda/agenda.ics?kind=pesta").status_code == 400


def test_attendees_are_for_the_hub_facilitators_and_admins(client, library, django_user_model):
    home_page = library.get_parent()
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    client.post(event.url, form())
    client.logout()
    jatim, sulsel = create_hub(slug="jawa-timur").group, create_hub(slug="sulawesi-selatan").group
    own = django_user_model.objects.create_user("fasil-jatim", password="x")
    own.groups.add(jatim)
    other = django_user_model.objects.create_user("fasil-sulsel", password="x")
    other.groups.add(sulsel)
    urls = [f"/admin/acara/{event.pk}/pendaftar/", f"/admin/acara/{event.pk}/pendaftar.csv"]
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/admin/login/")
    client.force_login(other)
    for url in urls:
        refused = client.get(url)  # Wagtail's admin answers "no permission" with a redirect
        assert refused.status_code in (302, 403)
        assert "siti@makassarkota.go.id" not in refused.content.decode()
    client.force_login(own)
    assert "siti@makassarkota.go.id" in client.get(urls[0]).content.decode()
    assert "siti@makassarkota.go.id" in client.get(urls[1]).content.decode()
    assert Group.objects.filter(name__startswith="Fasilitator").count() == 2
    assert Hub.objects.get(slug="jawa-timur").facilitator_group == jatim


def test_an_action_plan_opens_a_replication_in_the_ledger(client, library, django_user_model):
    from innovations.models import Replication
    from tests.factories import InnovationPageFactory, folder_for

    home_page = library.get_parent()
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page))
    case = InnovationPageFactory(parent=folder_for("35.78"), title="Bank Sampah Kampung")
    facilitator = django_user_model.objects.create_user("fasil", password="x")
    facilitator.groups.add(create_hub(slug="sulawesi-selatan").group)
    client.force_login(facilitator)
    url = f"/admin/acara/{event.pk}/pendaftar/"
    gowa = Regency.objects.get(code="73.06")
    client.post(
        url,
        {
            "regency": gowa.pk,
            "case": case.pk,
            "commitment": "Bank sampah di 5 desa",
            "target_date": "",
        },
    )
    plan = event.action_plans.get()
    assert plan.replication is None
    response = client.post(f"/admin/acara/{event.pk}/rencana-aksi/{plan.pk}/replikasi/")
    assert response.status_code == 302
    plan.refresh_from_db()
    replication = Replication.objects.get(innovation=case, adopting_regency=gowa)
    assert plan.replication == replication
    assert replication.status == "rencana"
    assert "Bank sampah di 5 desa" in client.get(url).content.decode()
    # Another hub's facilitator cannot open it.
    other = django_user_model.objects.create_user("fasil2", password="x")
    other.groups.add(create_hub(slug="jawa-timur").group)
    client.force_login(other)
    refused = client.post(f"/admin/acara/{event.pk}/rencana-aksi/{plan.pk}/replikasi/")
    assert refused.status_code in (302, 403)
    assert refused.get("Location", "") != url


def test_facilitators_check_in_and_promote_from_the_admin(client, library, django_user_model):
    home_page = library.get_parent()
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page), capacity=1)
    for email in ("a@x.go.id", "b@x.go.id"):
        client.post(event.url, form(email))
    first, waiting = Registration.objects.order_by("pk")
    facilitator = django_user_model.objects.create_user("fasil", password="x")
    facilitator.groups.add(create_hub(slug="jawa-timur").group)
    client.force_login(facilitator)
    base = f"/admin/acara/{event.pk}/pendaftar/"
    client.post(f"{base}{first.pk}/", {"action": "check_in"})
    mail.outbox.clear()
    client.post(f"{base}{waiting.pk}/", {"action": "promote"})
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.attended and first.checked_in_at is not None
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["b@x.go.id"]]
    listing = client.get(base).content.decode()
    assert "hadir 1" in listing
    assert "Bagian Organisasi" in listing  # the organisations that attended


def test_rss_lists_upcoming_events_only(client, home_page):
    EventIndexPageFactory(parent=home_page)
    EventPageFactory(parent=hub_page("jawa-timur", home_page), title="Bimtek Mendatang")
    start = timezone.now() - timedelta(days=10)
    EventPageFactory(
        parent=hub_page("jawa-timur", home_page),
        title="Lokakarya Lalu",
        start=start,
        end=start + timedelta(hours=2),
    )
    feed = client.get("/agenda/feed/").content.decode()
    assert "Bimtek Mendatang" in feed
    assert "Lokakarya Lalu" not in feed
    assert "09.00 WITA" in feed  # the factory's venue is in Makassar


class RefusingMailServer(BaseEmailBackend):
    """A mail server that is down (SMTP cannot run here)."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("mail server down (simulated)")


def test_a_failing_mail_server_leaves_the_registration_standing(client, home_page, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page))
    response = client.post(event.url, form())
    assert response.status_code == 200
    assert "Pendaftaran Anda terkonfirmasi." in response.content.decode()
    assert Registration.objects.get(event=event).status == "confirmed"
