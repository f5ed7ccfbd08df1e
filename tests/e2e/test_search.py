import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_search_narrow_and_open_a_similar_case(
    page: Page, live_server, demo_library, assert_accessible
):
    page.goto(live_server.url + "/")
    header_search = page.get_by_role("search").first
    header_search.get_by_role("searchbox").fill("e-KTP")
    header_search.get_by_role("button", name="Cari").click()
    expect(page).to_have_url(re.compile(r"/cari/\?q=e-KTP$"))
    heading = page.get_by_role("heading", level=2, name=re.compile(r"inovasi untuk “e-KTP”"))
    expect(heading).to_be_visible()
    total = int(heading.inner_text().split()[0])
    assert total >= 3
    results = page.locator(".search-results > li")
    # The cases say "KTP-el"; the synonym finds them and the highlight shows where.
    expect(results.first.locator("mark").first).to_have_text(re.compile(r"KTP-el", re.I))
    assert_accessible(page)

    facets = page.get_by_role("form", name="Persempit hasil")
    facets.get_by_role("group", name="Hub").get_by_role(
        "checkbox", name=re.compile(r"^Jawa Timur")
    ).check()
    facets.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"q=e-KTP"))
    expect(page).to_have_url(re.compile(r"hub=jawa-timur"))
    narrowed = int(
        page.get_by_role("heading", level=2, name=re.compile("inovasi untuk"))
        .inner_text()
        .split()[0]
    )
    assert 1 <= narrowed < total
    for item in results.all():
        expect(item).to_contain_text("Jawa Timur")
    expect(
        facets.get_by_role("group", name="Hub").get_by_role(
            "checkbox", name=re.compile(r"^Jawa Timur")
        )
    ).to_be_checked()
    assert_accessible(page)

    # A typo gets a "did you mean" that searches again.
    search_box = page.get_by_label("Kata kunci, singkatan, atau pertanyaan")
    search_box.fill("kesehtan")
    search_box.press("Enter")
    page.get_by_role("link", name="kesehatan", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=kesehatan"))
    expect(page.locator(".search-results > li").first).to_be_visible()

    # Nothing found: the page helps instead of leaving an empty list.
    search_box = page.get_by_label("Kata kunci, singkatan, atau pertanyaan")
    search_box.fill("zzqxv wqzzy")
    search_box.press("Enter")
    expect(page.get_by_text("Tidak ada inovasi yang cocok dengan")).to_be_visible()
    expect(page.get_by_role("heading", name="Telusuri menurut urusan")).to_be_visible()
    assert_accessible(page)

    # English speakers search in English.
    page.goto(live_server.url + "/en/cari/?q=birth+certificate")
    expect(
        page.get_by_role(
            "heading", level=2, name=re.compile(r"innovations? for “birth certificate”")
        )
    ).to_be_visible()
    first = page.locator(".search-results > li").first
    expect(first).to_contain_text(re.compile(r"akta kelahiran", re.I))
    assert_accessible(page)

    first.get_by_role("link").first.click()
    similar = page.get_by_role("region", name="Similar innovations")
    expect(similar.get_by_role("link").first).to_be_visible()
    assert similar.get_by_role("link").count() <= 5
    assert_accessible(page)
