"""What a visitor sees on hub and event pages: materials, agenda, speakers, featured cases,
registration questions and messages, the hub index and hub pages, "add to calendar" links and
the /agenda/ listing's filters (HTML and iCal)."""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from hubs.models import (
    EventFeaturedCase,
    EventMaterial,
    Hub,
    HubFeaturedCase,
    Regency,
    Registration,
)
from tests.factories import InnovationPageFactory, folder_for
from tests.factories.hubs import (
    EventIndexPageFactory,
    EventPageFactory,
    HubIndexPageFactory,
    HubPageFactory,
    event_document,
    hub_page,
)

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node) -> str:
    """A node's visible text, whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


def section(page, heading_id):
    """The <section> labelled by the heading with `heading_id`."""
    return page.find("section", attrs={"aria-labelledby": heading_id})


def form(email="siti@makassarkota.go.id", **extra):
    return {"name": "Siti Rahma", "email": email, "organisation": "Bagian Organisasi", **extra}


def published(page):
    """Publish the page's current state, as an editor's "Publish" does; return it fresh."""
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# --- Materials, agenda, speakers, featured cases -------------------------------------------------


def test_materials_added_after_the_event_appear_with_working_links(client, home_page):
    start = days_ago(3)
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home_page), start=start, end=start + timedelta(hours=3)
    )
    assert section(soup(client.get(event.url)), "materials-heading") is None

    slides = event_document("Salindia MPP Inklusif", "salindia-mpp.pdf")
    event.materials = [
        EventMaterial(title="Salindia: MPP Inklusif", document=slides),
        EventMaterial(title="Rekaman sesi", url="https://video.example.go.id/rekaman-mpp"),
    ]
    event = published(event)

    response = client.get(event.url)
    assert response.status_code == 200
    materials = section(soup(response), "materials-heading")
    assert text(materials.find("h2")) == "Materi"
    links = {text(a): a["href"] for a in materials.find_all("a")}
    assert links["Rekaman sesi"] == "https://video.example.go.id/rekaman-mpp"
    download = client.get(links["Salindia: MPP Inklusif"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body == slides.file.open("rb").read()
    assert body.startswith(b"%PDF")

    english = section(soup(client.get("/en" + event.url)), "materials-heading")
    assert text(english.find("h2")) == "Materials"
    assert {text(a) for a in english.find_all("a")} == set(links)


def test_the_agenda_lists_sessions_in_order_with_their_speakers(client, home_page):
    sessions = [
        ("09.00-09.30", "Pembukaan dan sambutan", "Wali Kota Makassar"),
        ("09.30-11.00", "Praktik baik Mal Pelayanan Publik", "Kepala DPMPTSP"),
        ("08.30-09.00", "Registrasi ulang", ""),  # editors' order, not sorted by time
    ]
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home_page),
        agenda=[("item", {"time": t, "session": s, "speaker": p}) for t, s, p in sessions],
        speakers="Dr. Andi Mappaware, Kepala DPMPTSP Kota Makassar\n\n  Rina Sari, KemenPANRB  \n",
    )
    page = soup(client.get(event.url))

    agenda = section(page, "agenda-heading")
    rows = [[text(cell) for cell in row.find_all(["th", "td"])] for row in agenda.tbody("tr")]
    assert rows == [list(item) for item in sessions]
    assert "Semua waktu dalam WITA." in text(agenda)  # the venue is in Makassar

    speakers = section(page, "speakers-heading")
    assert [text(li) for li in speakers("li")] == [
        "Dr. Andi Mappaware, Kepala DPMPTSP Kota Makassar",
        "Rina Sari, KemenPANRB",
    ]


def test_an_event_without_agenda_or_speakers_shows_neither_section(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    page = soup(client.get(event.url))
    assert section(page, "agenda-heading") is None
    assert section(page, "speakers-heading") is None


def test_featured_cases_link_to_live_case_pages_and_drafts_are_hidden(client, library):
    home_page = library.get_parent()
    live = InnovationPageFactory(parent=folder_for("73.71"), title="Mal Pelayanan Publik Inklusif")
    draft = InnovationPageFactory(parent=folder_for("73.06"), title="Sipakatau Belum Terbit")
    draft.unpublish()
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page))
    event.featured_cases = [EventFeaturedCase(case=draft), EventFeaturedCase(case=live)]
    event = published(event)

    response = client.get(event.url)
    cases = section(soup(response), "event-cases-heading")
    assert text(cases.find("h2")) == "Inovasi yang dibahas"
    (link,) = cases.find_all("a")
    assert text(link) == "Mal Pelayanan Publik Inklusif"
    assert f"({live.regency.name})" in text(cases)
    assert "Sipakatau Belum Terbit" not in response.content.decode()
    case_page = client.get(link["href"])
    assert case_page.status_code == 200
    assert text(soup(case_page).find("h1")) == "Mal Pelayanan Publik Inklusif"


# --- Registration questions and messages ---------------------------------------------------------


def test_the_registration_questions_are_stored_on_the_registration(client, home_page):
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page))
    gowa = Regency.objects.get(code="73.06")
    response = client.post(
        event.url,
        form(
            "andi@gowakab.go.id",
            name="  Andi Nurhayati ",
            organisation="Bappeda Kabupaten Gowa",
            regency=gowa.pk,
            position="Kepala Bidang Litbang",
            phone="+62 811-4100-200",
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "Pendaftaran Anda terkonfirmasi." in text(soup(response))
    registration = Registration.objects.get(event=event)
    assert (
        registration.name,
        registration.email,
        registration.organisation,
        registration.regency,
        registration.position,
        registration.phone,
        registration.status,
    ) == (
        "Andi Nurhayati",
        "andi@gowakab.go.id",
        "Bappeda Kabupaten Gowa",
        gowa,
        "Kepala Bidang Litbang",
        "+62 811-4100-200",
        "confirmed",
    )


@pytest.mark.parametrize(
    ("ask_position", "ask_phone"), [(True, True), (False, True), (True, False), (False, False)]
)
def test_the_event_switches_ask_or_skip_position_and_phone(
    client, home_page, ask_position, ask_phone
):
    event = EventPageFactory(
        parent=hub_page("jawa-timur", home_page), ask_position=ask_position, ask_phone=ask_phone
    )
    registration_form = soup(client.get(event.url)).find("form", class_="registration-form")
    labels = {text(label) for label in registration_form.find_all("label")}
    asked = {
        "position": registration_form.find(attrs={"name": "position"}) is not None,
        "phone": registration_form.find(attrs={"name": "phone"}) is not None,
    }
    assert asked == {"position": ask_position, "phone": ask_phone}
    assert ("Jabatan" in labels) is ask_position
    assert ("Nomor telepon/WhatsApp" in labels) is ask_phone
    # Everyone is asked for name, e-mail, agency and regency.
    assert {"Nama lengkap *", "Surel *", "Instansi / perangkat daerah *", "Kabupaten/kota"} <= (
        labels
    )

    # Answers to questions that were not asked are not stored.
    response = client.post(
        event.url, form(position="Analis Kebijakan", phone="0812 3456 789"), follow=True
    )
    assert response.status_code == 200
    registration = Registration.objects.get(event=event)
    assert registration.position == ("Analis Kebijakan" if ask_position else "")
    assert registration.phone == ("0812 3456 789" if ask_phone else "")


def test_missing_required_answers_and_a_bad_phone_give_clear_errors(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    response = client.post(
        event.url,
        {"name": "", "email": "siti@surabaya.go.id", "organisation": "  ", "phone": "0812-ABC"},
    )
    assert response.status_code == 400
    page = soup(response)
    errors = {
        span["id"].removesuffix("-error"): " ".join(text(span).split())
        for span in page.find_all(class_="form-error")
    }
    assert errors == {
        "id_name": "Kolom ini harus diisi.",
        "id_organisation": "Kolom ini harus diisi.",
        "id_phone": "Nomor telepon hanya berisi angka, spasi, + atau -.",
    }
    # What was typed is kept, so only the errors need fixing.
    assert page.find("input", attrs={"name": "email"})["value"] == "siti@surabaya.go.id"
    assert not Registration.objects.exists()

    # Position and phone are asked but optional.
    fine = client.post(event.url, form(position="", phone=""), follow=True)
    assert fine.status_code == 200
    assert Registration.objects.get().status == "confirmed"


def test_registration_not_yet_open_is_announced_and_refused(client, home_page):
    event = EventPageFactory(
        parent=hub_page("jawa-timur", home_page), registration_opens=timezone.now() + timedelta(2)
    )
    page = soup(client.get(event.url))
    registration = section(page, "registration-heading")
    assert "Pendaftaran untuk acara ini belum dibuka." in text(registration)
    assert registration.find("form") is None
    assert "sisa" not in text(page.find("dl", class_="facts"))  # no seats offered yet

    refused = client.post(event.url, form())
    assert refused.status_code == 400
    assert "Pendaftaran untuk acara ini belum dibuka." in text(soup(refused))
    assert not Registration.objects.exists()

    english_url = "/en" + event.url
    english = soup(client.get(english_url))
    assert "Registration for this event is not open yet." in text(english)
    assert client.post(english_url, form()).status_code == 400
    assert not Registration.objects.exists()


def _closed_event(home_page):
    return EventPageFactory(
        parent=hub_page("jawa-timur", home_page), registration_closes=days_ago(1)
    )


def _started_event(home_page):
    start = timezone.now() - timedelta(hours=1)
    return EventPageFactory(
        parent=hub_page("jawa-timur", home_page), start=start, end=start + timedelta(hours=3)
    )


@pytest.mark.parametrize(
    ("make_event", "data", "english", "indonesian"),
    [
        (
            _closed_event,
            form(),
            "Registration for this event has closed.",
            "Pendaftaran untuk acara ini sudah ditutup.",
        ),
        (
            _started_event,
            form(),
            "This event has started or is over; registration is closed.",
            "Acara ini sudah dimulai atau sudah selesai",
        ),
        (
            lambda home_page: EventPageFactory(parent=hub_page("jawa-timur", home_page)),
            form(website="https://promo.example.com"),
            "Registration refused: a field that should stay empty was filled",
            "seperti yang dilakukan robot",
        ),
    ],
    ids=["closed", "started", "honeypot"],
)
def test_refusals_in_english(client, home_page, make_event, data, english, indonesian):
    event = make_event(home_page)
    response = client.post("/en" + event.url, data)
    assert response.status_code == 400
    shown = text(soup(response))
    assert english in shown
    assert indonesian not in shown
    assert not Registration.objects.exists()


def test_a_duplicate_email_in_english(client, home_page):
    event = EventPageFactory(parent=hub_page("jawa-timur", home_page))
    assert client.post(event.url, form("Siti@Surabaya.go.id")).status_code == 302
    response = client.post("/en" + event.url, form("siti@surabaya.go.id"))
    assert response.status_code == 400
    page = soup(response)
    assert text(page.find(id="id_email-error")) == (
        "This e-mail address is already registered for this event."
    )
    assert Registration.objects.count() == 1


# --- Hub index and hub pages ---------------------------------------------------------------------


def test_the_hub_index_lists_live_hub_pages_with_links(client, home_page):
    pages = {
        slug: hub_page(slug, home_page) for slug in Hub.objects.values_list("slug", flat=True)
    }
    assert len(pages) == 3
    hidden = pages.pop("sumatera-selatan")
    hidden.unpublish()

    response = client.get("/hub/")
    assert response.status_code == 200
    cards = soup(response).select(".case-card")
    listed = {text(card.find("a")): card for card in cards}
    assert set(listed) == {str(page.title) for page in pages.values()}
    for slug, page in pages.items():
        card = listed[page.title]
        assert card.find("a")["href"] == page.url == f"/hub/{slug}/"
        hub = Hub.objects.get(slug=slug)
        members = hub.members.count()
        kota = hub.members.filter(kind="kota").count()
        assert f"{members} anggota ({members - kota} kabupaten, {kota} kota)" in text(card)
        followed = client.get(card.find("a")["href"])
        assert followed.status_code == 200
        assert text(soup(followed).find("h1")) == page.title
    assert hidden.title not in response.content.decode()


def test_the_hub_page_shows_facilitators_members_events_and_featured_cases(client, library):
    home_page = library.get_parent()
    index = HubIndexPageFactory(parent=home_page)
    jatim = Hub.objects.get(slug="jawa-timur")
    page = HubPageFactory(
        parent=index,
        hub=jatim,
        facilitators="Dewi Lestari, Fasilitator, Biro Organisasi Jatim\n\nAgus Salim, Analis",
        contact_email="jipp@jatimprov.go.id",
        contact_phone="031-3520881",
    )
    live = InnovationPageFactory(parent=folder_for("35.10"), title="Smart Kampung Banyuwangi")
    draft = InnovationPageFactory(parent=folder_for("35.78"), title="Draf Surabaya Tanpa Antre")
    draft.unpublish()
    page.featured_cases = [HubFeaturedCase(case=live), HubFeaturedCase(case=draft)]
    page = published(page)

    surabaya = Regency.objects.get(code="35.78")
    EventPageFactory(parent=page, title="Bimtek Inovasi Desa", venue_regency=surabaya)
    past_start = days_ago(20)
    EventPageFactory(
        parent=page,
        title="Lokakarya Lalu",
        venue_regency=surabaya,
        start=past_start,
        end=past_start + timedelta(hours=2),
    )
    EventPageFactory(parent=page, title="Acara Belum Terbit", venue_regency=surabaya).unpublish()
    EventPageFactory(parent=hub_page("sulawesi-selatan", home_page), title="Acara Hub Lain")

    response = client.get(page.url)
    assert response.status_code == 200
    html = soup(response)

    facilitators = section(html, "facilitators-heading")
    assert [text(li) for li in facilitators("li")] == [
        "Dewi Lestari, Fasilitator, Biro Organisasi Jatim",
        "Agus Salim, Analis",
    ]
    assert facilitators.find("a", href="mailto:jipp@jatimprov.go.id")
    assert "031-3520881" in text(facilitators)

    members = section(html, "members-heading")
    expected = list(jatim.members.order_by("name").values_list("name", flat=True))
    assert [text(li) for li in members("li")] == expected
    assert f"Anggota ({len(expected)} kabupaten/kota)" == text(members.find("h2"))

    events = section(html, "upcoming-heading")
    upcoming, past = events.find_all("ul", class_="case-list")
    assert [text(a) for a in upcoming.select(".event-card h3 a")] == ["Bimtek Inovasi Desa"]
    assert [text(a) for a in past.select(".event-card h3 a")] == ["Lokakarya Lalu"]
    assert "Acara Belum Terbit" not in text(html)
    assert "Acara Hub Lain" not in text(html)

    featured = section(html, "featured-heading")
    (link,) = featured.find_all("a")
    assert text(link) == "Smart Kampung Banyuwangi"
    assert client.get(link["href"]).status_code == 200
    assert "Draf Surabaya Tanpa Antre" not in text(html)


# --- Add to calendar -----------------------------------------------------------------------------


def test_add_to_calendar_links_give_the_event(client, home_page):
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home_page),
        title="Lokakarya Kalender",
        venue_name="Ruang Rapat Bappeda",
    )
    tools = soup(client.get(event.url)).find("p", class_="results__tools")
    links = {text(a): a["href"] for a in tools.find_all("a")}
    assert set(links) == {"Tambahkan ke kalender (.ics)", "Google Kalender"}

    ics = client.get(links["Tambahkan ke kalender (.ics)"])
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    (item,) = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(item["SUMMARY"]) == "Lokakarya Kalender"
    assert item["DTSTART"].dt == event.start
    assert item["DTEND"].dt == event.end
    assert item["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert str(item["URL"]).endswith(event.url)
    assert "Ruang Rapat Bappeda" in str(item["LOCATION"])

    google = urlsplit(links["Google Kalender"])
    assert (google.scheme, google.netloc) == ("https", "calendar.google.com")
    query = {key: values[0] for key, values in parse_qs(google.query).items()}
    utc = "%Y%m%dT%H%M%SZ"
    assert query["action"] == "TEMPLATE"
    assert query["text"] == "Lokakarya Kalender"
    assert query["dates"] == (
        f"{event.start.astimezone(UTC):{utc}}/{event.end.astimezone(UTC):{utc}}"
    )
    assert query["ctz"] == "Asia/Makassar"
    assert query["details"].endswith(event.url)

    english = soup(client.get("/en" + event.url)).find("p", class_="results__tools")
    assert {text(a) for a in english.find_all("a")} == {
        "Add to calendar (.ics)",
        "Google Calendar",
    }


# --- The /agenda/ listing's filters --------------------------------------------------------------


def month_start(offset: int) -> date:
    """The first day of the month `offset` months from this one."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def utc_at(month_offset: int, day: int, hour_utc: int) -> datetime:
    first = month_start(month_offset)
    return datetime(first.year, first.month, day, hour_utc, tzinfo=UTC)


@pytest.fixture
def agenda_events(home_page):
    """Upcoming and past events of the three hubs, of several kinds, online and offline."""
    EventIndexPageFactory(parent=home_page)
    jatim, sumsel, sulsel = (
        hub_page(slug, home_page)
        for slug in ("jawa-timur", "sumatera-selatan", "sulawesi-selatan")
    )
    surabaya = Regency.objects.get(code="35.78")
    makassar = Regency.objects.get(code="73.71")
    online = {"venue_regency": None, "online_url": "https://meet.example.go.id/jipp"}

    def event(parent, title, kind, month, day, **fields):
        start = utc_at(month, day, 2)
        return EventPageFactory(
            parent=parent,
            title=title,
            kind=kind,
            start=start,
            end=start + timedelta(hours=3),
            **fields,
        )

    events = {
        "A": event(jatim, "A Lokakarya Surabaya", "lokakarya", 1, 15, venue_regency=surabaya),
        "B": event(jatim, "B Webinar Jatim", "webinar", 1, 16, **online),
        "C": event(sumsel, "C Webinar Sumsel", "webinar", 2, 10, **online),
        "D": event(sulsel, "D Studi Tiru Makassar", "studi tiru", 2, 20, venue_regency=makassar),
        "E": event(jatim, "E Lokakarya Lalu", "lokakarya", -1, 15, venue_regency=surabaya),
        "F": event(sulsel, "F Bimtek Lalu", "bimtek", -2, 10, **online),
    }
    event(jatim, "G Belum Terbit", "webinar", 1, 20, **online).unpublish()
    return events


def listed(client, query=""):
    """The first letters of the event titles /agenda/?query lists, and the response."""
    response = client.get(f"/agenda/?{query}")
    titles = [text(a) for a in soup(response).select(".event-card h3 a")]
    return "".join(title[0] for title in titles), response


def with_months(query: str) -> str:
    """`{m1}` is next month as YYYY-MM, `{m2}` the one after, `{m-1}` last month."""
    return query.format(**{key: f"{month_start(n):%Y-%m}" for key, n in MONTHS.items()})


MONTHS = {"m1": 1, "m2": 2, "m-1": -1}

LISTINGS = {
    "": "ABCD",  # upcoming by default, soonest first
    "when=upcoming": "ABCD",
    "when=past": "EF",  # most recent first
    "when=all": "FEABCD",
    "hub=jawa-timur": "AB",
    "hub=jawa-timur&when=all": "EAB",
    "hub=jawa-timur&hub=sumatera-selatan": "ABC",  # values of one filter are ORed
    "kind=webinar": "BC",
    "kind=webinar&kind=studi+tiru": "BCD",
    "kind=bimtek": "",
    "kind=bimtek&when=past": "F",
    "mode=online": "BC",
    "mode=offline": "AD",
    "mode=online&when=all": "FBC",
    "month={m1}": "AB",  # a month shows its past and upcoming events
    "month={m2}&mode=offline": "D",
    "month={m-1}": "E",
    "month={m-1}&when=upcoming": "",
    "hub=jawa-timur&kind=webinar&mode=online&month={m1}": "B",
    "hub=jawa-timur&kind=webinar&mode=offline": "",
    "hub=sulawesi-selatan&when=past&mode=online": "F",
}


def test_the_agenda_filters_narrow_and_combine(client, agenda_events):
    shown, headings, empty_notes = {}, {}, {}
    for query in LISTINGS:
        letters, response = listed(client, with_months(query))
        assert response.status_code == 200, query
        page = soup(response)
        shown[query] = letters
        headings[query] = text(page.find(id="events-heading"))
        empty_notes[query] = "Tidak ada acara yang sesuai dengan filter ini." in text(page)
    assert shown == LISTINGS
    assert headings == {query: f"{len(letters)} acara" for query, letters in LISTINGS.items()}
    assert empty_notes == {query: not letters for query, letters in LISTINGS.items()}


def test_the_agenda_form_keeps_the_filters_and_its_ical_link_follows_them(client, agenda_events):
    month = f"{month_start(1):%Y-%m}"
    query = f"hub=jawa-timur&kind=webinar&mode=online&month={month}&when=all"
    shown, response = listed(client, query)
    assert shown == "B"
    page = soup(response)
    filters = page.find("form", class_="filters")
    checked = {(box["name"], box["value"]) for box in filters.select("input[checked]")}
    assert checked == {("hub", "jawa-timur"), ("kind", "webinar")}
    assert filters.find("input", attrs={"name": "month"})["value"] == month
    assert filters.select_one("#event-mode option[selected]")["value"] == "online"
    assert filters.select_one("#event-when option[selected]")["value"] == "all"

    ical = page.find("a", string=re.compile("Kalender \\(iCal\\)"))["href"]
    assert ical.startswith("/agenda/agenda.ics?")
    calendar = icalendar.Calendar.from_ical(client.get(ical).content)
    assert [str(item["SUMMARY"]) for item in calendar.walk("VEVENT")] == ["B Webinar Jatim"]


BAD_FILTERS = {
    "hub=atlantis": "Hub atlantis tidak dikenal.",
    "kind=pesta": "Jenis acara pesta tidak dikenal.",
    "month=2026-13": "Bulan harus ditulis TTTT-BB, mis. 2026-11.",
    "month=Desember": "Bulan harus ditulis TTTT-BB, mis. 2026-11.",
    "month=2026-12-01": "Bulan harus ditulis TTTT-BB, mis. 2026-11.",
    "mode=hybrid": "Mode harus online atau offline.",
    "when=soon": "Pilih upcoming, past atau all.",
    "hub=jawa-timur&when=later": "Pilih upcoming, past atau all.",
}


def test_bad_agenda_filters_get_a_clear_400(client, agenda_events):
    answers = {}
    for query in BAD_FILTERS:
        response = client.get(f"/agenda/?{query}")
        page = soup(response)
        alert = page.find(attrs={"role": "alert"})
        answers[query] = (
            response.status_code,
            text(alert.find("h2")) if alert else None,
            text(alert.find("p")) if alert else None,
            len(page.select(".event-card")),
            # The form is still there to correct the filters.
            bool(page.find("form", class_="filters").find("button", string="Terapkan")),
        )
    assert answers == {
        query: (400, "Filter tidak dapat digunakan", message, 0, True)
        for query, message in BAD_FILTERS.items()
    }


def test_bad_agenda_filters_in_english_and_escaped(client, agenda_events):
    response = client.get("/en/agenda/?month=12-2026")
    assert response.status_code == 400
    assert "Write the month as YYYY-MM, e.g. 2026-11." in text(soup(response))
    hostile = client.get("/agenda/", {"hub": "<b>bold</b>"})
    assert hostile.status_code == 400
    assert "<b>bold</b>" not in hostile.content.decode()
    assert "Hub <b>bold</b> tidak dikenal." in text(soup(hostile))


HUB_CALENDARS = {
    "": "ABE",  # a subscribed calendar keeps the hub's past events
    "kind=webinar": "B",
    "mode=offline": "AE",
    "when=upcoming": "AB",
    "when=past": "E",
    "month={m-1}": "E",
    "kind=lokakarya&when=upcoming": "A",
    "hub=sumatera-selatan": "ABE",  # never another hub's events in a hub's calendar
}


def test_the_hub_calendar_honours_extra_filters(client, agenda_events):
    found = {}
    for query in HUB_CALENDARS:
        response = client.get(f"/hub/jawa-timur/agenda.ics?{with_months(query)}")
        assert response.status_code == 200, query
        calendar = icalendar.Calendar.from_ical(response.content)
        titles = sorted(str(item["SUMMARY"]) for item in calendar.walk("VEVENT"))
        found[query] = "".join(title[0] for title in titles)
    assert found == HUB_CALENDARS


def test_the_hub_calendar_refuses_bad_filters_clearly(client, agenda_events):
    response = client.get("/hub/jawa-timur/agenda.ics?mode=hybrid")
    assert response.status_code == 400
    assert response.content.decode().strip() == "mode: Mode harus online atau offline."
