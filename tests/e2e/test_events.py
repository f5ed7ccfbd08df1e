import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hubs.models import Registration
from tests.factories.hubs import EventIndexPageFactory, EventPageFactory, hub_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agenda(demo_site):
    home = demo_site
    EventIndexPageFactory(parent=home, show_in_menus=True)
    start = (timezone.now() + timedelta(days=9)).replace(hour=1, minute=0, second=0)
    event = EventPageFactory(
        parent=hub_page("sulawesi-selatan", home),
        title="Lokakarya MPP Inklusif",
        start=start,
        end=start + timedelta(hours=3),
        capacity=1,
        intro="<p>Belajar melayani penyandang disabilitas di Mal Pelayanan Publik.</p>",
    )
    EventPageFactory(
        parent=hub_page("jawa-timur", home),
        title="Webinar Ngulik Adminduk",
        kind="webinar",
        venue_regency=None,
        online_url="https://meet.example.go.id/ngulik",
    )
    return event


def test_a_regency_officer_finds_a_workshop_and_registers(
    page: Page, live_server, agenda, assert_accessible
):
    page.goto(live_server.url + "/agenda/")
    expect(page.get_by_role("heading", level=2, name="2 acara")).to_be_visible()
    assert_accessible(page)
    filters = page.get_by_role("form", name="Saring acara")
    filters.get_by_role("group", name="Hub").get_by_role(
        "checkbox", name="Sulawesi Selatan"
    ).check()
    filters.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"hub=sulawesi-selatan"))
    expect(page.get_by_role("heading", level=2, name="1 acara")).to_be_visible()
    card = page.locator(".event-card").first
    expect(card).to_contain_text("09.00 WITA")  # Makassar time, never WIB
    card.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1, name="Lokakarya MPP Inklusif")).to_be_visible()
    expect(page.get_by_text(re.compile(r"09\.00 WITA s\.d\. 12\.00 WITA"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nama lengkap").fill("Andi Nurhayati")
    page.get_by_label("Surel").fill("andi@makassarkota.go.id")
    page.get_by_label("Instansi / perangkat daerah").fill("Bagian Organisasi Kota Makassar")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_role("status")).to_contain_text("Pendaftaran Anda terkonfirmasi.")
    assert_accessible(page)

    # The one place is taken: the next officer joins the waitlist.
    page.goto(live_server.url + agenda.url)
    expect(page.get_by_text("penuh; pendaftar baru masuk daftar tunggu")).to_be_visible()
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("Surel").fill("andi@makassarkota.go.id")
    page.get_by_label("Instansi / perangkat daerah").fill("Bappeda Kabupaten Gowa")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Alamat surel ini sudah terdaftar untuk acara ini.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Surel").fill("budi@gowakab.go.id")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_role("status")).to_contain_text("Anda masuk daftar tunggu")
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "andi@makassarkota.go.id": "confirmed",
        "budi@gowakab.go.id": "waitlisted",
    }

    page.goto(live_server.url + "/hub/sulawesi-selatan/")
    expect(page.get_by_role("heading", level=2, name="Dasbor hub")).to_be_visible()
    assert_accessible(page)
