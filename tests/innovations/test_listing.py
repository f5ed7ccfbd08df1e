"""The library listing at /inovasi/: filters, sorting, pagination, query budget, feeds,
exports, and what never shows there."""

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from innovations.models import SDG, EvaluationAspect, InnovationPage, Sector
from tests.factories import InnovationPageFactory, folder_for, replication

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


# --- helpers -----------------------------------------------------------------------------------


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def results(page_html):
    start = page_html.index('<section class="results"')
    return page_html[start : page_html.index("</section>", start)]


def titles(response):
    """Titles of the case cards, in the order shown."""
    assert response.status_code == 200
    return [
        text(title)
        for title in re.findall(
            r'<h3 class="case-card__title"><a href="[^"]+">(.*?)</a></h3>',
            results(response.content.decode()),
            re.S,
        )
    ]


def checked(page_html):
    """(name, value) of every checked checkbox of the filter form."""
    start = page_html.index('<form class="filters"')
    form = page_html[start : page_html.index("</form>", start)]
    return {
        (name, html.unescape(value))
        for name, value in re.findall(
            r'<input type="checkbox" name="([^"]+)" value="([^"]*)" checked>', form
        )
    }


def links(page_html, label):
    """The hrefs of the links labelled `label`, unescaped."""
    return [
        html.unescape(href)
        for href in re.findall(rf'<a [^>]*href="([^"]*)"[^>]*>{re.escape(label)}</a>', page_html)
    ]


def query_of(url):
    return parse_qs(urlsplit(url).query)


def parse_xml(response):
    """The feed as an element tree (our own server's output, hence no defusedxml)."""
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314


def make_case(code, title, sectors, **fields):
    return InnovationPageFactory(parent=folder_for(code), title=title, sectors=sectors, **fields)


def sdgs(*numbers):
    return list(SDG.objects.filter(number__in=numbers))


def aspects(*slugs):
    return list(EvaluationAspect.objects.filter(slug__in=slugs))


@pytest.fixture
def cases(library):
    """Five cases in five regencies, published in this order (so newest last)."""
    kios = make_case(
        "35.10",
        "Kios Adminduk",
        ["2.12"],
        sdgs=sdgs(16),
        aspects=aspects("sistem-informasi-pelayanan-publik"),
        stage="penerapan",
        year_started=2019,
        award="Top 99 KIPP 2021",
    )
    puskesmas = make_case(
        "35.78",
        "Puskesmas Keliling",
        ["1.02"],
        sdgs=sdgs(3),
        aspects=aspects("inovasi"),
        stage="dilembagakan",
        year_started=2020,
    )
    sekolah = make_case(
        "73.71", "Sekolah Daring", ["1.01"], sdgs=sdgs(4), stage="uji coba", year_started=2021
    )
    terpadu = make_case(
        "16.71",
        "Layanan Terpadu",
        ["P.02", "2.12"],
        sdgs=sdgs(10, 16),
        stage="inisiatif",
        year_started=2021,
        award="Top 45 KIPP 2022",
    )
    sehat = make_case("32.73", "Bandung Sehat", ["1.02"], stage="penerapan", year_started=2018)
    replication(kios, "73.71", status="berhasil")
    replication(kios, "16.71", status="berjalan")
    replication(puskesmas, "32.73", status="rencana")
    return {
        "kios": kios,
        "puskesmas": puskesmas,
        "sekolah": sekolah,
        "terpadu": terpadu,
        "sehat": sehat,
    }


# --- Filters -----------------------------------------------------------------------------------

FILTERED = {
    "": {
        "Kios Adminduk",
        "Puskesmas Keliling",
        "Sekolah Daring",
        "Layanan Terpadu",
        "Bandung Sehat",
    },
    "hub=jawa-timur": {"Kios Adminduk", "Puskesmas Keliling"},
    "hub=sulawesi-selatan": {"Sekolah Daring"},
    "hub=jawa-timur&hub=sumatera-selatan": {
        "Kios Adminduk",
        "Puskesmas Keliling",
        "Layanan Terpadu",
    },
    "province=35": {"Kios Adminduk", "Puskesmas Keliling"},
    "province=Jatim": {"Kios Adminduk", "Puskesmas Keliling"},
    "province=jawa%20timur": {"Kios Adminduk", "Puskesmas Keliling"},
    "province=Sumsel": {"Layanan Terpadu"},
    "province=Jabar&province=Sulsel": {"Bandung Sehat", "Sekolah Daring"},
    "regency=Kab.%20Banyuwangi": {"Kios Adminduk"},
    "regency=Kabupaten%20Banyuwangi": {"Kios Adminduk"},
    "regency=35.78": {"Puskesmas Keliling"},
    "regency=kota%20bandung": {"Bandung Sehat"},
    "sector=1.02": {"Puskesmas Keliling", "Bandung Sehat"},
    "sector=1.02&sector=2.12": {
        "Kios Adminduk",
        "Puskesmas Keliling",
        "Layanan Terpadu",
        "Bandung Sehat",
    },
    "sdg=16": {"Kios Adminduk", "Layanan Terpadu"},
    "sdg=3&sdg=4": {"Puskesmas Keliling", "Sekolah Daring"},
    "aspect=inovasi": {"Puskesmas Keliling"},
    "stage=uji%20coba": {"Sekolah Daring"},
    "stage=penerapan": {"Kios Adminduk", "Bandung Sehat"},
    "year=2021": {"Sekolah Daring", "Layanan Terpadu"},
    "year=2018&year=2020": {"Bandung Sehat", "Puskesmas Keliling"},
    "award=Top%2099%20KIPP%202021": {"Kios Adminduk"},
    "replicated=1": {"Kios Adminduk", "Puskesmas Keliling"},
    # AND across facets
    "hub=jawa-timur&sector=1.02": {"Puskesmas Keliling"},
    "sector=2.12&year=2021": {"Layanan Terpadu"},
    "sector=1.02&replicated=1": {"Puskesmas Keliling"},
    "hub=sulawesi-selatan&sector=1.02": set(),
}


def test_filters_or_within_a_facet_and_across_facets(client, cases):
    shown = {}
    for query in FILTERED:
        listed = titles(client.get(f"/inovasi/?{query}"))
        assert len(listed) == len(set(listed)), f"{query}: a case is listed twice"
        shown[query] = set(listed)
    assert shown == FILTERED


def test_result_count_heading_follows_the_filters(client, cases):
    page_html = client.get("/inovasi/?hub=jawa-timur").content.decode()
    assert '<h2 id="results-heading">2 inovasi</h2>' in page_html
    empty = client.get("/inovasi/?hub=sulawesi-selatan&sector=1.02").content.decode()
    assert '<h2 id="results-heading">0 inovasi</h2>' in empty
    assert "Belum ada inovasi yang sesuai dengan filter ini." in empty


def test_active_filters_render_checked(client, cases):
    query = (
        "hub=jawa-timur&province=Jatim&sector=1.02&sector=2.12&sdg=16"
        "&aspect=sistem-informasi-pelayanan-publik"
        "&stage=penerapan&year=2019&award=Top%2099%20KIPP%202021&replicated=1"
        "&regency=Kab.%20Banyuwangi&sort=az"
    )
    page_html = client.get(f"/inovasi/?{query}").content.decode()
    assert checked(page_html) == {
        ("hub", "jawa-timur"),
        ("province", "35"),
        ("sector", "1.02"),
        ("sector", "2.12"),
        ("sdg", "16"),
        ("aspect", "sistem-informasi-pelayanan-publik"),
        ("stage", "penerapan"),
        ("year", "2019"),
        ("award", "Top 99 KIPP 2021"),
        ("replicated", "1"),
    }
    assert 'name="regency" value="Kab. Banyuwangi"' in page_html
    assert '<option value="az" selected>Judul A-Z</option>' in page_html
    assert titles(client.get(f"/inovasi/?{query}")) == ["Kios Adminduk"]
    assert checked(client.get("/inovasi/").content.decode()) == set()


def test_feed_and_export_links_keep_the_filters(client, cases):
    query = "hub=jawa-timur&sector=1.02&sector=2.12&sort=az"
    page_html = client.get(f"/inovasi/?{query}").content.decode()
    expected = {"hub": ["jawa-timur"], "sector": ["1.02", "2.12"], "sort": ["az"]}
    for label, path in [
        ("RSS", "/inovasi/feed/"),
        ("Atom", "/inovasi/feed/atom/"),
        ("Unduh CSV", "/inovasi/export.csv"),
        ("Unduh JSONL", "/inovasi/export.jsonl"),
    ]:
        [href] = links(page_html, label)
        assert urlsplit(href).path == path, label
        assert query_of(href) == expected, label
    alternates = re.findall(
        r'<link rel="alternate" type="[^"]+" title="[^"]+" href="([^"]+)">', page_html
    )
    assert [query_of(html.unescape(href)) for href in alternates] == [expected, expected]

    # Following the CSV link downloads exactly the cases listed.
    [csv_href] = links(page_html, "Unduh CSV")
    response = client.get(csv_href)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    listed = {"Kios Adminduk", "Puskesmas Keliling"}
    assert sorted(row["title"] for row in rows) == sorted(listed)
    [jsonl_href] = links(page_html, "Unduh JSONL")
    lines = b"".join(client.get(jsonl_href).streaming_content).decode().splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == sorted(listed)


def test_pagination_keeps_the_filters(client, library):
    folder = folder_for("35.10")
    for n in range(14):
        InnovationPageFactory(parent=folder, title=f"Kasus {n:02d}", sectors=["2.12"])
    InnovationPageFactory(parent=folder, title="Kasus kesehatan", sectors=["1.02"])

    first = client.get("/inovasi/?sector=2.12&sort=az")
    assert titles(first) == [f"Kasus {n:02d}" for n in range(12)]
    first_html = first.content.decode()
    assert "Halaman 1 dari 2" in first_html
    [next_href] = links(first_html, "Berikutnya")
    assert query_of(next_href) == {"sector": ["2.12"], "sort": ["az"], "page": ["2"]}
    assert links(first_html, "Sebelumnya") == []

    second = client.get(f"/inovasi/{next_href}")
    assert titles(second) == ["Kasus 12", "Kasus 13"]
    second_html = second.content.decode()
    assert "Halaman 2 dari 2" in second_html
    [previous_href] = links(second_html, "Sebelumnya")
    assert query_of(previous_href) == {"sector": ["2.12"], "sort": ["az"], "page": ["1"]}
    # The feed and export links of page 2 carry the filters, not the page.
    [csv_href] = links(second_html, "Unduh CSV")
    assert query_of(csv_href) == {"sector": ["2.12"], "sort": ["az"]}


@pytest.mark.parametrize(
    ("query", "value", "label"),
    [
        ("sdg=abc", "abc", "TPB/SDG"),
        ("year=20x1", "20x1", "tahun"),
        ("stage=xyz", "xyz", "tahap"),
        ("regency=Atlantis", "Atlantis", "kabupaten/kota"),
        ("province=Atlantis", "Atlantis", "provinsi"),
        ("hub=atlantis", "atlantis", "hub"),
        ("sector=9.99", "9.99", "urusan"),
        ("aspect=kecepatan", "kecepatan", "aspek evaluasi"),
        ("sort=random", "random", "urutan"),
    ],
)
def test_unknown_filter_values_are_explained(client, cases, query, value, label):
    response = client.get(f"/inovasi/?sector=1.02&{query}")
    assert response.status_code == 400
    section = results(response.content.decode())
    assert '<div class="alert" role="alert">' in section
    assert "Filter tidak dapat digunakan" in section
    assert f"Nilai “{value}” tidak dikenal untuk filter {label}." in text(section)
    assert "case-card" not in section
    assert "inovasi</h2>" not in section
    assert "Unduh CSV" not in section


def test_misspelt_place_suggests_the_closest(client, cases):
    response = client.get("/inovasi/?regency=Kab.%20Banyuwang")
    assert response.status_code == 400
    section = results(response.content.decode())
    assert "Mungkin maksud Anda:" in section
    [href] = links(section, "Kabupaten Banyuwangi")
    assert titles(client.get(f"/inovasi/{href}")) == ["Kios Adminduk"]


def test_ambiguous_place_lists_the_matches(client, cases):
    response = client.get("/inovasi/?regency=Bandung")
    assert response.status_code == 400
    section = results(response.content.decode())
    assert "“Bandung” cocok dengan lebih dari satu kabupaten/kota:" in text(section)
    [city] = links(section, "Kota Bandung")
    assert len(links(section, "Kabupaten Bandung")) == 1
    assert titles(client.get(f"/inovasi/{city}")) == ["Bandung Sehat"]


def test_unknown_filter_values_in_feeds_and_exports(client, cases):
    # The feeds answer 404 and the exports 400; neither lists anything.
    for url in ("/inovasi/feed/?stage=xyz", "/inovasi/feed/atom/?sdg=abc"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert b"Kios Adminduk" not in response.content
    for url in ("/inovasi/export.csv?regency=Atlantis", "/inovasi/export.jsonl?sdg=abc"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert b"Kios Adminduk" not in response.content


# --- Sorting -----------------------------------------------------------------------------------


def test_sort_newest_first_by_default(client, cases):
    newest = ["Bandung Sehat", "Layanan Terpadu", "Sekolah Daring", "Puskesmas Keliling"]
    assert titles(client.get("/inovasi/")) == [*newest, "Kios Adminduk"]
    assert titles(client.get("/inovasi/?sort=newest")) == [*newest, "Kios Adminduk"]


def test_sort_most_replicated_first(client, cases):
    replication(cases["sekolah"], "35.10", status="berjalan")
    replication(cases["sekolah"], "35.78", status="berjalan")
    replication(cases["sekolah"], "16.71", status="berjalan")
    response = client.get("/inovasi/?sort=replicated")
    assert titles(response) == [
        "Sekolah Daring",  # 3
        "Kios Adminduk",  # 2
        "Puskesmas Keliling",  # 1
        "Bandung Sehat",  # 0, newest first among equals
        "Layanan Terpadu",
    ]
    page_html = response.content.decode()
    assert "Direplikasi oleh 3 daerah" in page_html
    assert "Direplikasi oleh 2 daerah" in page_html
    # Filters and the replication count do not multiply each other.
    assert titles(client.get("/inovasi/?sort=replicated&sdg=3&sdg=4&sector=1.01&sector=1.02")) == [
        "Sekolah Daring",
        "Puskesmas Keliling",
    ]


def test_sort_title_a_to_z(client, cases):
    assert titles(client.get("/inovasi/?sort=az")) == [
        "Bandung Sehat",
        "Kios Adminduk",
        "Layanan Terpadu",
        "Puskesmas Keliling",
        "Sekolah Daring",
    ]


def test_sort_a_to_z_ignores_letter_case(client, library):
    # Indonesian case titles often start in lower case: e-KTP, eHealth, iKlinik.
    for title in ["Zona Integritas", "e-KTP Keliling", "Antrean Daring"]:
        make_case("35.10", title, ["2.12"])
    assert titles(client.get("/inovasi/?sort=az")) == [
        "Antrean Daring",
        "e-KTP Keliling",
        "Zona Integritas",
    ]


# --- Query budget ------------------------------------------------------------------------------

REGENCIES = ["35.10", "35.78", "73.71", "16.71", "32.73"]


def add_cases(count, start):
    folders = [folder_for(code) for code in REGENCIES]
    all_sdgs = list(SDG.objects.order_by("number"))
    all_aspects = list(EvaluationAspect.objects.all())
    for n in range(start, start + count):
        case = InnovationPageFactory(
            parent=folders[n % 5],
            title=f"Kasus {n:03d}",
            sectors=["1.02", "2.12"] if n % 2 else ["P.02"],
            sdgs=all_sdgs[n % 17 : n % 17 + 2],
            aspects=all_aspects[n % 6 : n % 6 + 1],
            award=f"Top {n % 3} KIPP",
            year_started=2015 + n % 6,
        )
        for code in REGENCIES[: n % 3]:
            if code != REGENCIES[n % 5]:
                replication(case, code)


def count_queries(client, url):
    client.get(url)  # warm the per-site caches (site root paths) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


FILTERED_URL = "/inovasi/?hub=jawa-timur&sector=1.02&sector=P.02&sort=replicated"


def test_listing_query_count_does_not_grow_with_cases(client, library):
    add_cases(10, start=0)
    ten, response = count_queries(client, "/inovasi/")
    assert len(titles(response)) == 10

    add_cases(5, start=10)
    full_page, response = count_queries(client, "/inovasi/")
    assert len(titles(response)) == 12
    last_page, response = count_queries(client, "/inovasi/?page=2")
    assert len(titles(response)) == 3
    filtered_few, response = count_queries(client, FILTERED_URL)
    assert len(titles(response)) == 6

    add_cases(35, start=15)
    fifty, response = count_queries(client, "/inovasi/")
    assert len(titles(response)) == 12
    assert "Halaman 1 dari 5" in response.content.decode()
    filtered_many, response = count_queries(client, FILTERED_URL)
    assert len(titles(response)) == 12

    assert ten == full_page == last_page == fifty
    assert filtered_few == filtered_many


def test_feed_query_count_does_not_grow_with_cases(client, library):
    add_cases(3, start=0)
    few, _ = count_queries(client, "/inovasi/feed/")
    add_cases(20, start=3)
    many, response = count_queries(client, "/inovasi/feed/")
    assert len(parse_xml(response).findall("channel/item")) == 23
    assert few == many


# --- Feeds -------------------------------------------------------------------------------------


def test_rss_feed_follows_the_filters(client, cases):
    response = client.get("/inovasi/feed/?sector=1.02")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response).find("channel")
    assert channel.findtext("title") == "Inovasi pelayanan publik — JIPP"
    assert channel.findtext("link") == "http://testserver/inovasi/?sector=1.02"
    assert channel.findtext("description") == "Inovasi terbaru yang sesuai dengan filter Anda."
    items = channel.findall("item")
    expected = [cases["sehat"], cases["puskesmas"]]
    assert [item.findtext("title") for item in items] == [case.title for case in expected]
    for item, case in zip(items, expected, strict=True):
        assert item.findtext("link") == f"http://testserver{case.url}"
        assert item.findtext("description") == case.summary
        assert [c.text for c in item.findall("category")] == ["Kesehatan"]
    assert client.get(items[0].findtext("link").removeprefix("http://testserver")).status_code == (
        200
    )


def test_atom_feed_follows_the_filters(client, cases):
    response = client.get("/inovasi/feed/atom/?hub=jawa-timur&replicated=1&sort=az")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response)
    entries = feed.findall(f"{ATOM}entry")
    # Feeds are always newest first, whatever the listing's sort.
    expected = [cases["puskesmas"], cases["kios"]]
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [c.title for c in expected]
    for entry, case in zip(entries, expected, strict=True):
        assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{case.url}"
        assert entry.findtext(f"{ATOM}summary") == case.summary
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == case.regency.name
    assert feed.findtext(f"{ATOM}subtitle") == "Inovasi terbaru yang sesuai dengan filter Anda."


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/inovasi/feed/", "province=Sulsel"),
        ("/inovasi/feed/atom/", "province=Sulsel"),
        ("/inovasi/feed/", "year=2021&stage=inisiatif"),
    ],
)
def test_feeds_list_only_matching_cases(client, cases, url, query):
    root = parse_xml(client.get(f"{url}?{query}"))
    found = [e.text for e in root.iter() if e.tag in ("title", f"{ATOM}title")][1:]
    listing = titles(client.get(f"/inovasi/?{query}"))
    assert found == listing
    assert len(found) == 1


@pytest.mark.parametrize("url", ["/inovasi/feed/", "/inovasi/feed/atom/"])
def test_feed_summaries_are_escaped_for_feed_readers(client, library, url):
    """Readers treat RSS descriptions and Atom `type="html"` summaries as HTML; a plain-text
    summary must arrive as text, not as markup."""
    make_case(
        "35.10", "Antrean Daring", ["2.12"], summary="Tunggu < 3 hari & <script>alert(1)</script>"
    )
    root = parse_xml(client.get(url))
    summary = root.find("channel/item/description")
    if summary is None:
        summary = root.find(f"{ATOM}entry/{ATOM}summary")
        assert summary.get("type") == "html"
    assert summary.text == "Tunggu &lt; 3 hari &amp; &lt;script&gt;alert(1)&lt;/script&gt;"


# --- What never shows --------------------------------------------------------------------------


@pytest.fixture
def hidden_cases(cases):
    """A never-published draft, an unpublished case and a live case with a pending draft
    title; all in sector 1.02 and replicated by Kota Surabaya."""
    banyuwangi = folder_for("35.10")
    draft = banyuwangi.add_child(
        instance=InnovationPage(
            title="Draf Rahasia", slug="draf-rahasia", summary="Belum terbit.", live=False
        )
    )
    draft.sectors = list(Sector.objects.filter(code="1.02"))
    draft.save_revision()
    unpublished = make_case("35.10", "Ditarik Kembali", ["1.02"])
    unpublished.unpublish()
    revised = make_case("35.10", "Judul Terbit", ["1.02"])
    revised.title = "Judul Draf Baru"
    revised.save_revision()
    for case in (draft, unpublished, revised):
        replication(case, "35.78", status="berjalan")
    return ["Draf Rahasia", "Ditarik Kembali", "Judul Draf Baru"]


def test_hidden_cases_never_in_the_listing(client, hidden_cases):
    for query in ("", "?sector=1.02", "?replicated=1", "?sort=replicated", "?sort=az"):
        listed = titles(client.get(f"/inovasi/{query}"))
        assert not set(hidden_cases) & set(listed), query
    assert "Judul Terbit" in titles(client.get("/inovasi/?sector=1.02"))
    page_html = client.get("/inovasi/").content.decode()
    for title in hidden_cases:
        assert title not in page_html


def test_hidden_cases_never_in_the_feeds(client, hidden_cases):
    for url in ("/inovasi/feed/", "/inovasi/feed/atom/", "/inovasi/feed/?sector=1.02"):
        feed = client.get(url).content.decode()
        for title in hidden_cases:
            assert title not in feed, (url, title)
        assert "Judul Terbit" in feed


def test_hidden_cases_never_in_the_exports(client, hidden_cases):
    exported = b"".join(client.get("/inovasi/export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 6
    assert "Judul Terbit" in {row["title"] for row in rows}
    jsonl = b"".join(client.get("/inovasi/export.jsonl?sector=1.02").streaming_content).decode()
    assert len(jsonl.splitlines()) == 3
    for title in hidden_cases:
        assert title not in exported
        assert title not in jsonl


def test_hidden_cases_never_on_folder_pages(client, hidden_cases):
    own = client.get("/inovasi/kabupaten-banyuwangi/").content.decode()
    assert "Judul Terbit" in own
    adopter = client.get("/inovasi/kota-surabaya/").content.decode()
    assert "Judul Terbit" in adopter  # the adopted-from-others table
    for title in hidden_cases:
        assert title not in own, title
        assert title not in adopter, title


def test_case_restricted_to_logged_in_users_stays_hidden(client, cases):
    """The listing, feeds and exports leave out cases with a view restriction; so must the
    adopting regency's folder page."""
    restricted = make_case("35.10", "Khusus Pegawai", ["1.02"])
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    replication(restricted, "35.78", status="berjalan")
    assert client.get(restricted.url).status_code == 302  # to the login page
    for url in ("/inovasi/", "/inovasi/feed/", "/inovasi/feed/atom/", "/inovasi/export.csv"):
        response = client.get(url)
        content = b"".join(response) if response.streaming else response.content
        assert b"Khusus Pegawai" not in content, url
    assert "Khusus Pegawai" not in client.get("/inovasi/kabupaten-banyuwangi/").content.decode()
    adopter = client.get("/inovasi/kota-surabaya/").content.decode()
    assert "Khusus Pegawai" not in adopter
