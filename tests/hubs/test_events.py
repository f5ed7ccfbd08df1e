"""Event pages, registration rules, time zones, calendars and attendee privacy."""

import base64
import csv
import io
import re
from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from hubs.models import Hub, Regency, Registration
from hubs.registrations import CANCEL_SALT, RECEIPT_SALT
from hubs.views import RATE_LIMIT, count_in_window
from innovations.services import NATIONAL_GROUP, create_hub, ensure_national_moderation
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
    page = client.get(event.url).content.decode()
    assert shown in page
    assert re.search(rf"Pendaftaran ditutup [^<]*, {shown}\.", page)  # the deadline too
    listing = client.get("/agenda/").content.decode()
    assert shown in listing
    client.post(event.url, form())
    body = mail.outbox[-1].body
    assert shown in body
    if abbreviation != "WIB":
        # The same moment on the site's clock (WIB) is nowhere, in any notation.
        wib = f"{9 - (offset - 7):02d}"
        wrong = re.compile(rf"(?<![+\d]){wib}[.:]00")  # not a UTC offset such as +08:00
        for text in (page, listing, body):
            assert not wrong.search(text), wrong.search(text)
    calendar = icalendar.Calendar.from_ical(client.get(event.url + "kalender.ics").content)
    (item,) = calendar.walk("VEVENT")
    assert item["DTSTART"].dt.astimezone(UTC).hour == 9 - offset
    assert item["DTSTART"].params["TZID"] == event.time_zone
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == [event.time_zone]


def test_registration_confirms_then_waitlists_and_mails_the_ics(client, home_page):
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page), capacity=1)
    first = client.post(event.url, form("a@makassarkota.go.id"), follow=True)
    assert "Pendaftaran Anda terkonfirmasi." in first.content.decode()
    second = client.post(event.url, form("b@makassarkota.go.id"), follow=True)
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
    confirmed = client.post(event.url, form("a@x.go.id"), follow=True)
    assert "ngulik-42" in confirmed.content.decode()
    waiting = client.post(event.url, form("b@x.go.id"), follow=True)
    assert "ngulik-42" not in waiting.content.decode()
    assert "ngulik-42" in mail.outbox[0].body
    assert "ngulik-42" not in mail.outbox[1].body


def test_after_registering_the_browser_shows_a_receipt_a_reload_does_not_resend(client, home_page):
    """Post/redirect/get: the form's answer is a receipt page of its own, which shows the
    registration as it stands now and cannot cancel it."""
    event = EventPageFactory(
        parent=hub_page("sumatera-selatan", home_page),
        venue_regency=None,
        online_url="https://meet.example.go.id/ngulik-7",
        capacity=1,
    )
    first = client.post(event.url, form("a@x.go.id"))
    assert first.status_code == 302
    receipt = first["Location"]
    assert receipt.startswith(event.url + "terdaftar/")
    for _reload in range(2):
        page = client.get(receipt)
        assert page.status_code == 200
        assert "Pendaftaran Anda terkonfirmasi." in page.content.decode()
        assert "ngulik-7" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "Ya, batalkan" not in page.content.decode()

    waiting = client.post(event.url, form("b@x.go.id"))["Location"]
    assert "Anda masuk daftar tunggu" in client.get(waiting).content.decode()
    # The first registrant cancels (link from the e-mail): the second receipt now says
    # confirmed, the first one cancelled.
    link = next(line for line in mail.outbox[0].body.splitlines() if "/batal/" in line)
    client.post(link.removeprefix("http://127.0.0.1:8000"))
    assert "ngulik-7" in client.get(waiting).content.decode()
    cancelled = client.get(receipt).content.decode()
    assert "Pendaftaran ini sudah dibatalkan." in cancelled
    assert "ngulik-7" not in cancelled
    # A receipt is not a cancellation link, and a made-up one is not found.
    token = receipt.rstrip("/").rsplit("/", 1)[1]
    cancel_token = link.rstrip("/").rsplit("/", 1)[1]
    for link_token, salt in ((token, RECEIPT_SALT), (cancel_token, CANCEL_SALT)):
        # Neither link carries the e-mail address (a signature does not hide what it signs).
        signed = base64.urlsafe_b64decode(link_token + "=" * (-len(link_token) % 4)).decode()
        payload = signing.loads(signed, salt=salt)
        assert set(payload) == {"r", "h"}
        assert "x.go.id" not in signed + str(payload)
    assert client.get(f"{event.url}batal/{token}/").status_code == 404
    assert client.get(f"{event.url}terdaftar/{token[:-2]}AA/").status_code == 404
    other = EventPageFactory(parent=hub_page("sumatera-selatan", home_page))
    assert client.get(f"{other.url}terdaftar/{token}/").status_code == 404
    # In English, the receipt is in English.
    path = other.url  # "/hub/sumatera-selatan/<slug>/"
    english = client.post("/en" + path, form("c@x.go.id"))["Location"]
    assert english.startswith("/en" + path + "terdaftar/")
    assert "Your registration is confirmed." in client.get(english).content.decode()


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
    assert statuses == [302] * 10 + [429]  # registered (to the receipt), then refused
    other = client.post(event.url, form("q@surabaya.go.id"), REMOTE_ADDR="10.1.2.4")
    assert other.status_code == 302


def test_the_rate_limit_is_a_sliding_window_of_sixty_seconds():
    """The clock is passed in: no waiting, no dependence on when the test runs."""
    key = "rate:test:10.1.2.3"
    # Ten hits in the last second of a calendar minute, then more in the next one: refused.
    counts = [count_in_window(key, now=1_000_019.0 + n / 10) for n in range(RATE_LIMIT)]
    assert counts == list(range(1, RATE_LIMIT + 1))
    assert count_in_window(key, now=1_000_021.0) == RATE_LIMIT + 1  # the next minute
    assert count_in_window(key, now=1_000_078.9) == RATE_LIMIT + 2  # 59 s later
    # The window moves by the second: at 60 s the first ten have left it.
    assert count_in_window(key, now=1_000_079.0) == 3
    assert count_in_window("rate:test:10.1.2.4", now=1_000_080.0) == 1  # per address


def test_behind_a_proxy_the_right_most_forwarded_address_counts(client, home_page, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page), capacity=50)
    statuses = [
        client.post(
            event.url,
            form(f"p{n}@surabaya.go.id"),
            # A robot makes up a new left-most address each time; the proxy appends the one
            # it saw.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        ).status_code
        for n in range(RATE_LIMIT + 1)
    ]
    assert statuses == [302] * RATE_LIMIT + [429]
    other = client.post(
        event.url, form("q@surabaya.go.id"), HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.8"
    )
    assert other.status_code == 302


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
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page), capacity=1)
    client.post(event.url, form())
    client.post(event.url, form("antri@surabaya.go.id"))  # waitlisted
    client.logout()
    confirmed, waiting = Registration.objects.order_by("pk")
    jatim, sulsel = create_hub(slug="jawa-timur").group, create_hub(slug="sulawesi-selatan").group
    ensure_national_moderation()
    own = django_user_model.objects.create_user("fasil-jatim", password="x")
    own.groups.add(jatim)
    other = django_user_model.objects.create_user("fasil-sulsel", password="x")
    other.groups.add(sulsel)
    national = django_user_model.objects.create_user("admin-nasional", password="x")
    national.groups.add(Group.objects.get(name=NATIONAL_GROUP))
    superuser = django_user_model.objects.create_superuser("root", "r@x.go.id", "x")
    urls = [f"/admin/acara/{event.pk}/pendaftar/", f"/admin/acara/{event.pk}/pendaftar.csv"]
    actions = [
        (confirmed, "check_in"),
        (waiting, "promote"),
        (confirmed, "cancel"),
    ]

    def refused_everything():
        for url in urls:
            response = client.get(url)  # Wagtail's admin answers "no permission" with a redirect
            assert response.status_code in (302, 403), url
            assert "siti@makassarkota.go.id" not in response.content.decode()
        for registration, action in actions:
            url = f"/admin/acara/{event.pk}/pendaftar/{registration.pk}/"
            response = client.post(url, {"action": action})
            assert response.status_code in (302, 403), action
            assert response.get("Location", "") != f"/admin/acara/{event.pk}/pendaftar/"
        states = list(Registration.objects.order_by("pk").values_list("status", "attended"))
        assert states == [("confirmed", False), ("waitlisted", False)]

    refused_everything()  # anonymous
    assert client.get(urls[0])["Location"].startswith("/admin/login/")
    client.force_login(other)
    refused_everything()
    for user in (own, national, superuser):
        client.force_login(user)
        assert "siti@makassarkota.go.id" in client.get(urls[0]).content.decode(), user
        assert "siti@makassarkota.go.id" in client.get(urls[1]).content.decode(), user
    assert Group.objects.filter(name__startswith="Fasilitator").count() == 2
    assert Hub.objects.get(slug="jawa-timur").facilitator_group == jatim

    # A national admin can act, too.
    client.force_login(national)
    client.post(f"{urls[0]}{confirmed.pk}/", {"action": "check_in"})
    confirmed.refresh_from_db()
    assert confirmed.attended


def test_only_confirmed_registrants_can_be_checked_in(client, library, django_user_model):
    home_page = library.get_parent()
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page), capacity=1)
    for email in ("a@x.go.id", "b@x.go.id", "c@x.go.id"):
        client.post(event.url, form(email))
    first, waiting, leaving = Registration.objects.order_by("pk")
    facilitator = django_user_model.objects.create_user("fasil", password="x")
    facilitator.groups.add(create_hub(slug="jawa-timur").group)
    client.force_login(facilitator)
    base = f"/admin/acara/{event.pk}/pendaftar/"
    client.post(f"{base}{leaving.pk}/", {"action": "cancel"})
    for registration in (waiting, leaving):
        response = client.post(f"{base}{registration.pk}/", {"action": "check_in"}, follow=True)
        registration.refresh_from_db()
        assert not registration.attended
        assert registration.checked_in_at is None
        assert "hanya pendaftar terkonfirmasi yang dapat ditandai hadir" in (
            response.content.decode()
        )
    client.post(f"{base}{first.pk}/", {"action": "check_in"})
    first.refresh_from_db()
    assert first.attended
    # A check-in that a later cancellation leaves behind is not counted as attendance.
    client.post(f"{base}{first.pk}/", {"action": "cancel"})
    listing = client.get(base).content.decode()
    assert "hadir 0" in listing
    assert "Instansi yang hadir" not in listing
    # Nor in the CSV: a cancellation clears the check-in.
    first.refresh_from_db()
    assert (first.attended, first.checked_in_at) == (False, None)
    rows = csv.DictReader(io.StringIO(client.get(base.rstrip("/") + ".csv").content.decode()))
    assert [row["attended"] for row in rows] == ["0", "0", "0"]


def test_the_attendee_csv_neutralises_formulas(client, library, django_user_model):
    home_page = library.get_parent()
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page), capacity=10)
    client.post(
        event.url,
        form(
            "=cmd@x.go.id",
            name='=HYPERLINK("http://evil.example","klik")',
            organisation="+SUM(1,2)",
            position="@SUM(A1)",
            phone="-1 234",
        ),
    )
    client.post(
        event.url,
        form(
            "b@x.go.id",
            name="\t=1+1",
            organisation="Dinas Kesehatan",
            position="-SUM(A1)",
            phone="+62 811-4100-200",
        ),
    )
    assert Registration.objects.count() == 2
    facilitator = django_user_model.objects.create_user("fasil", password="x")
    facilitator.groups.add(create_hub(slug="jawa-timur").group)
    client.force_login(facilitator)
    content = client.get(f"/admin/acara/{event.pk}/pendaftar.csv").content.decode()
    first, second = csv.DictReader(io.StringIO(content))
    assert first["name"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert first["email"] == "'=cmd@x.go.id"
    assert first["organisation"] == "'+SUM(1,2)"
    assert first["position"] == "'@SUM(A1)"
    assert second["position"] == "'-SUM(A1)"
    assert second["name"] == "'=1+1"  # the form strips the tab
    # Ordinary text, and phone numbers (digits, spaces, + and -: never a formula), as typed.
    assert second["organisation"] == "Dinas Kesehatan"
    assert second["email"] == "b@x.go.id"
    assert (first["phone"], second["phone"]) == ("-1 234", "+62 811-4100-200")
    for row in (first, second):
        for key, value in row.items():
            if key != "phone":
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


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


def test_the_month_filter_uses_each_events_own_zone(client, home_page):
    EventIndexPageFactory(parent=home_page)
    early = datetime(2030, 12, 1, 0, 30, tzinfo=UTC) - timedelta(hours=8)  # 00.30 WITA, 1 Dec
    EventPageFactory(  # still 30 November in WIB (23.30)
        parent=hub_page("sulawesi-selatan", home_page),
        title="Rapat Pagi Makassar",
        start=early,
        end=early + timedelta(hours=2),
    )
    late = datetime(2030, 11, 30, 23, 0, tzinfo=UTC) - timedelta(hours=7)  # 23.00 WIB, 30 Nov
    EventPageFactory(
        parent=hub_page("jawa-timur", home_page),
        title="Malam Surabaya",
        venue_regency=Regency.objects.get(code="35.78"),
        start=late,
        end=late + timedelta(minutes=50),
    )
    december = client.get("/agenda/?month=2030-12").content.decode()
    november = client.get("/agenda/?month=2030-11").content.decode()
    assert "Rapat Pagi Makassar" in december
    assert "Rapat Pagi Makassar" not in november
    assert "Malam Surabaya" in november
    assert "Malam Surabaya" not in december

    def titles(url):
        calendar = icalendar.Calendar.from_ical(client.get(url).content)
        return sorted(str(item["SUMMARY"]) for item in calendar.walk("VEVENT"))

    assert titles("/agenda/agenda.ics?month=2030-12") == ["Rapat Pagi Makassar"]
    assert titles("/agenda/agenda.ics?month=2030-11") == ["Malam Surabaya"]


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
    response = client.post(event.url, form(), follow=True)
    assert response.status_code == 200
    assert "Pendaftaran Anda terkonfirmasi." in response.content.decode()
    assert Registration.objects.get(event=event).status == "confirmed"
