import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_follows_the_navigation_and_switches_language(
    page: Page, live_server, demo_site, assert_accessible
):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaringan Inovasi Pelayanan Publik")
    expect(page.get_by_text("38 anggota: 29 kabupaten dan 9 kota")).to_be_visible()
    assert_accessible(page)

    # Keyboard users can jump past the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Langsung ke konten")).to_be_focused()

    navigation = page.get_by_role("navigation", name="Navigasi utama")
    navigation.get_by_role("link", name="Tentang JIPP").click()
    expect(page).to_have_url(re.compile(r"/tentang/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tentang JIPP")
    expect(navigation.get_by_role("link", name="Tentang JIPP")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/tentang/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("About JIPP")
    english_navigation = page.get_by_role("navigation", name="Main navigation")
    expect(english_navigation).to_be_visible()
    assert_accessible(page)

    english_navigation.get_by_role("link", name="Home").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Public Service Innovation Network")
    expect(page.get_by_text("38 members: 29 regencies and 9 cities")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
