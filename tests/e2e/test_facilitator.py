"""A hub facilitator runs an event's registrations in the Wagtail admin, and a participant
gives up a place through the link in their e-mail."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from hubs.models import Registration
from hubs.registrations import RegistrationData, register
from tests.factories import InnovationIndexPageFactory, build_site_tree
from tests.factories.hubs import EventPageFactory, facilitator, hub_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOGIN = ("fasil.sulsel", "fasilitator-sulsel-2026")  # a test user, not a secret

# Capacity 2: the first two are confirmed, the other three wait in this order.
PEOPLE = [
    ("Andi Nurhayati", "andi@makassarkota.go.id", "Bagian Organisasi Kota Makassar"),
    ("Budi Santoso", "budi@gowakab.go.id", "Bappeda Kabupaten Gowa"),
    ("Citra Lestari", "citra@maroskab.go.id", "DPMPTSP Kabupaten Maros"),
    ("Dedi Kurniawan", "dedi@paretaparekota.go.id", "Dinas Dukcapil Kota Parepare"),
    ("Eka Putri", "eka@bonekab.go.id", "Bagian Organisasi Kabupaten Bone"),
]


@pytest.fixture
def workshop(restored_tables):
    """A Sulawesi Selatan workshop with two places, two confirmed and three waitlisted, and
    the hub's facilitator "fasil.sulsel"."""
    home = build_site_tree(
        title="Jaringan Inovasi Pelayanan Publik", title_en="Public Service Innovation Network"
    )
    InnovationIndexPageFactory(parent=home)  # the hub's moderation set-up needs the library
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home),
        title="Lokakarya MPP Inklusif",
        capacity=2,
    )
    facilitator("sulawesi-selatan", LOGIN[0], password=LOGIN[1])
    for name, email, organisation in PEOPLE:
        register(
            event=event,
            data=RegistrationData(name=name, email=email, organisation=organisation),
        )
    return event


def statuses():
    return dict(Registration.objects.values_list("name", "status"))


def cancel_link(email, base_url):
    """The cancellation link in the last e-mail sent to `email`, on the live server."""
    message = [m for m in mail.outbox if m.to == [email]][-1]
    link = next(line.strip() for line in message.body.splitlines() if "/batal/" in line)
    assert link.startswith(settings.SITE_BASE_URL)
    return base_url + link.removeprefix(settings.SITE_BASE_URL)


def settled(page: Page):
    """Wait until the admin's messages have faded in and no CSS transition runs, so that
    axe-core checks the colours a person reads, not a half-transparent frame."""
    page.wait_for_function(
        """() => [...document.querySelectorAll(".messages > ul")].every(
            (list) => !list.children.length || getComputedStyle(list).opacity === "1"
        ) && document.getAnimations().every(
            (animation) => !(animation instanceof CSSTransition)
            || animation.playState === "finished"
        )"""
    )


def row(page: Page, name: str):
    return page.get_by_role("row").filter(has_text=name)


@pytest.mark.browser_context_args(locale="id-ID")
def test_a_participant_cancels_and_the_facilitator_runs_the_list(
    page: Page, live_server, workshop, assert_accessible
):
    event = workshop
    assert statuses() == {
        "Andi Nurhayati": "confirmed",
        "Budi Santoso": "confirmed",
        "Citra Lestari": "waitlisted",
        "Dedi Kurniawan": "waitlisted",
        "Eka Putri": "waitlisted",
    }

    # Budi cannot come: he opens the link from his confirmation e-mail.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(email for _, email, _ in PEOPLE)
    link = cancel_link("budi@gowakab.go.id", live_server.url)
    mail.outbox.clear()
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Batalkan pendaftaran")).to_be_visible()
    expect(page.get_by_text("Budi Santoso, batalkan pendaftaran Anda")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ya, batalkan").click()
    expect(page.get_by_role("status")).to_have_text(
        "Pendaftaran Anda untuk Lokakarya MPP Inklusif sudah dibatalkan."
    )
    assert_accessible(page)
    # The first on the waitlist gets his place, and an e-mail saying so.
    assert statuses()["Budi Santoso"] == "cancelled"
    assert statuses()["Citra Lestari"] == "confirmed"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["citra@maroskab.go.id"], "Tempat Anda terkonfirmasi: Lokakarya MPP Inklusif")
    ]
    # Opened again, the link says so and offers nothing more to cancel.
    page.goto(link)
    expect(page.get_by_role("status")).to_have_text(
        "Pendaftaran Anda untuk Lokakarya MPP Inklusif sudah dibatalkan."
    )
    expect(page.get_by_role("button", name="Ya, batalkan")).to_have_count(0)

    # The facilitator logs into the admin and finds the event under the hub's page.
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill(LOGIN[0])
    page.locator("#id_password").fill(LOGIN[1])
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/admin/pages/{event.get_parent().pk}/")
    page.get_by_role("button", name=re.compile("Lokakarya MPP Inklusif")).click()
    page.get_by_role("link", name="Pendaftar").click()
    expect(page).to_have_url(re.compile(rf"/admin/acara/{event.pk}/pendaftar/$"))
    expect(
        page.get_by_role("heading", level=1, name="Pendaftar: Lokakarya MPP Inklusif")
    ).to_be_visible()
    summary = page.get_by_text(re.compile(r"^Kuota 2 · "))
    expect(summary).to_have_text("Kuota 2 · terkonfirmasi 2 · daftar tunggu 2 · batal 1 · hadir 0")
    for name, status in [
        ("Andi Nurhayati", "Terkonfirmasi"),
        ("Budi Santoso", "Dibatalkan"),
        ("Citra Lestari", "Terkonfirmasi"),
        ("Dedi Kurniawan", "Daftar tunggu"),
        ("Eka Putri", "Daftar tunggu"),
    ]:
        expect(row(page, name).get_by_role("cell", name=status, exact=True)).to_be_visible()
    settled(page)
    assert_accessible(page)

    # Andi arrives: check-in.
    row(page, "Andi Nurhayati").get_by_role("button", name="Tandai hadir").click()
    expect(page.get_by_text("Andi Nurhayati: tersimpan.")).to_be_visible()
    expect(row(page, "Andi Nurhayati").get_by_role("cell", name="Ya", exact=True)).to_be_visible()
    expect(
        row(page, "Andi Nurhayati").get_by_role("button", name="Batalkan hadir")
    ).to_be_visible()
    expect(summary).to_contain_text("hadir 1")

    # An extra chair is found: the facilitator promotes Dedi from the waitlist.
    mail.outbox.clear()
    row(page, "Dedi Kurniawan").get_by_role("button", name="Naikkan dari daftar tunggu").click()
    expect(page.get_by_text("Dedi Kurniawan: tersimpan.")).to_be_visible()
    expect(
        row(page, "Dedi Kurniawan").get_by_role("cell", name="Terkonfirmasi", exact=True)
    ).to_be_visible()
    expect(summary).to_contain_text("terkonfirmasi 3 · daftar tunggu 1")
    assert [m.to for m in mail.outbox] == [["dedi@paretaparekota.go.id"]]
    settled(page)
    assert_accessible(page)

    # The CSV has everyone with their status and attendance.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"pendaftar-{event.slug}.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_text("utf-8"))))
    assert [(r["name"], r["email"], r["status"], r["attended"]) for r in rows] == [
        ("Andi Nurhayati", "andi@makassarkota.go.id", "confirmed", "1"),
        ("Budi Santoso", "budi@gowakab.go.id", "cancelled", "0"),
        ("Citra Lestari", "citra@maroskab.go.id", "confirmed", "0"),
        ("Dedi Kurniawan", "dedi@paretaparekota.go.id", "confirmed", "0"),
        ("Eka Putri", "eka@bonekab.go.id", "waitlisted", "0"),
    ]
    assert rows[0]["checked_in_at"]
    assert statuses() == {
        "Andi Nurhayati": "confirmed",
        "Budi Santoso": "cancelled",
        "Citra Lestari": "confirmed",
        "Dedi Kurniawan": "confirmed",
        "Eka Putri": "waitlisted",
    }
