import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_find_a_case_to_replicate(page: Page, live_server, demo_library, assert_accessible):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Inovasi", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/inovasi/$"))
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^34 inovasi$"))).to_be_visible()
    assert_accessible(page)

    filters = page.get_by_role("form", name="Saring inovasi")
    hub_group = filters.get_by_role("group", name="Hub")
    hub_group.get_by_role("checkbox", name="Jawa Timur").check()
    filters.get_by_role("group", name="Urusan").get_by_role(
        "checkbox", name="Administrasi Kependudukan dan Pencatatan Sipil"
    ).check()
    filters.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"hub=jawa-timur"))
    expect(page).to_have_url(re.compile(r"sector=2\.12"))
    results = page.locator(".case-list > li")
    count = results.count()
    assert 1 <= count < 34
    for item in results.all():
        expect(item).to_contain_text("Jawa Timur")
        expect(item).to_contain_text("Administrasi Kependudukan dan Pencatatan Sipil")
    # The filter state survives in the checkboxes and in the export and feed links.
    expect(hub_group.get_by_role("checkbox", name="Jawa Timur")).to_be_checked()
    expect(page.get_by_role("link", name="Unduh CSV")).to_have_attribute(
        "href", re.compile(r"export\.csv\?.*hub=jawa-timur")
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh CSV").click()
    exported = list(csv.DictReader(io.StringIO(download_info.value.path().read_text("utf-8"))))
    assert len(exported) == count
    assert {row["province"] for row in exported} == {"35"}
    assert all("2.12" in row["sector"].split(";") for row in exported)

    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=2, name="Latar belakang dan tujuan")).to_be_visible()
    facts = page.get_by_role("complementary", name="Ringkasan data")
    expect(facts).to_contain_text("Hub JIPP Jawa Timur")
    expect(page.get_by_role("heading", level=2, name="Replikasi", exact=True)).to_be_visible()
    expect(page.locator("picture source[type='image/webp']").first).to_be_attached()
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/inovasi/"))
    expect(page.get_by_role("heading", level=2, name="Background and objectives")).to_be_visible()
    expect(page.get_by_role("complementary", name="Key facts")).to_contain_text(
        "JIPP Hub Jawa Timur"
    )
    assert_accessible(page)
