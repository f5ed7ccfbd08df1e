"""/cari/ as a visitor uses it: corrections keep the visitor's filters, hyphenated names."""

import html
import re

import pytest

from tests.factories import InnovationPageFactory, folder_for

pytestmark = pytest.mark.django_db


def test_did_you_mean_keeps_the_filters_and_sort(client, corpus):
    page = client.get("/cari/", {"q": "sampha", "hub": "jawa-timur", "sort": "newest"})
    assert page.status_code == 200
    body = page.content.decode()
    link = re.search(r'class="did-you-mean">[^<]*<a href="([^"]+)">([^<]+)</a>', body)
    assert link, body
    assert link.group(2) == "sampah"
    followed = client.get("/cari/" + html.unescape(link.group(1)))
    assert followed.status_code == 200
    assert followed.context["query"].text == "sampah"
    assert followed.context["query"].filters == {"hub": ["jawa-timur"]}
    assert followed.context["query"].sort == "newest"


def test_a_hyphenated_name_is_found_whole_split_and_by_its_part(
    client, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = InnovationPageFactory(
            parent=folder_for("35.78"),
            title="Aplikasi Si-Pintar Kelurahan",
            summary="Warga mengurus surat pengantar dari rumah.",
        )
        InnovationPageFactory(
            parent=folder_for("35.78"),
            title="Kartu Pintar Sekolah",
            summary="Beasiswa untuk siswa.",
        )
    for typed in ("si-pintar", "sipintar", "Si Pintar"):
        response = client.get("/api/v2/search/", {"q": typed})
        slugs = [hit["slug"] for hit in response.json()["results"]]
        assert slugs[:1] == [case.slug], typed
