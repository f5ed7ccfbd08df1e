"""What staff see when they search: each kind of query finds its case, facets, highlights,
the API contract and its errors.

The tests that search the corpus (`engine_corpus`) run on the database engine (SQLite and
PostgreSQL) and, when ELASTICSEARCH_URL names a cluster, once more on Elasticsearch (see
tests/search/conftest.py and test_elasticsearch_live.py). `search` checks that the engine
under test answered: a fallback to the database engine would carry a notice.
"""

import re

import pytest

from tests.search.conftest import demo_records, publish_case

pytestmark = pytest.mark.django_db

QUERY_KINDS = [
    ("acronym", "e-KTP", "jempol-dukcapil"),  # the case writes KTP-el
    ("acronym", "disdukcapil", "jempol-dukcapil"),
    ("acronym", "MPP", "mpp-inklusif"),
    ("acronym", "ktp el", "jempol-dukcapil"),  # KTP-el typed split
    ("acronym", "ktpel", "jempol-dukcapil"),  # ... and joined
    ("morphology", "mengadu", "lapor-desa"),  # the case says "pengaduan"
    ("morphology", "layanan lansia terpadu", "mpp-inklusif"),
    ("typo", "kesehtan", "antre-sehat"),
    ("typo", "sampha", "sibaku"),
    ("typo", "stuntign", "pelita-balita"),
    ("place", "banyuwangi", "jempol-dukcapil"),
    # A word in the case's text and a place only in its place names.
    ("place", "sampah surabaya", "sibaku"),
    ("place", "mpp makassar", "mpp-inklusif"),
    ("place", "umkm sumsel", "gerai-nib-desa"),  # Ogan Ilir, Sumatera Selatan
    ("english", "birth certificate", "paket-lahir"),
    ("english", "waste bank", "sibaku"),
    ("english", "flood early warning", "siaga-banjir"),
    (
        "question",
        "bagaimana cara mempercepat pembuatan akta kelahiran untuk bayi baru lahir?",
        "paket-lahir",
    ),
    ("question", "apa inovasi untuk menurunkan stunting di desa?", "pelita-balita"),
]


def search(client, **params):
    response = client.get("/api/v2/search/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert "notice" not in body, body["notice"]  # no fallback: the engine under test answered
    return body


@pytest.mark.parametrize(("kind", "query", "target"), QUERY_KINDS)
def test_each_kind_of_query_finds_its_case_in_the_top_three(
    client, engine_corpus, kind, query, target
):
    top = [hit["slug"] for hit in search(client, q=query)["results"][:3]]
    assert target in top, f"{kind}: {query!r} gave {top}"


def test_a_typo_gets_a_suggestion(client, engine_corpus):
    assert search(client, q="kesehtan")["suggestion"] == "kesehatan"
    assert search(client, q="kesehatan")["suggestion"] is None


def test_facets_or_within_and_across(client, engine_corpus):
    everything = search(client, page_size=100)
    by_hub = {}
    for hit in everything["results"]:
        for hub in hit["hubs"]:
            by_hub.setdefault(hub, set()).add(hit["slug"])
    jatim = {h["slug"] for h in search(client, hub="jawa-timur", page_size=100)["results"]}
    both = search(client, hub=["jawa-timur", "sulawesi-selatan"], page_size=100)
    assert jatim == by_hub["jawa-timur"]
    assert {h["slug"] for h in both["results"]} == by_hub["jawa-timur"] | by_hub[
        "sulawesi-selatan"
    ]
    narrowed = search(client, hub=["jawa-timur", "sulawesi-selatan"], sector="2.12", page_size=100)
    assert {h["slug"] for h in narrowed["results"]} == {
        hit["slug"]
        for hit in both["results"]
        if any(sector["code"] == "2.12" for sector in hit["sectors"])
    }
    # A facet's own selection does not narrow its own counts; the other facets' do.
    hubs = {f["value"]: f["count"] for f in narrowed["facets"]["hub"]}
    assert hubs["jawa-timur"] == len(
        list(search(client, hub="jawa-timur", sector="2.12")["results"])
    )
    assert (
        hubs["sulawesi-selatan"] == search(client, hub="sulawesi-selatan", sector="2.12")["total"]
    )
    sectors = {f["value"]: f["count"] for f in narrowed["facets"]["sector"]}
    assert sectors["2.12"] == narrowed["total"]


def test_highlights_are_escaped_html_with_mark_only(client, engine_corpus):
    record = {**demo_records()["sibaku"], "slug": "skrip", "title": "Skrip <b>tebal</b>"}
    publish_case(record, summary="Bank sampah <script>alert(1)</script> kelurahan.")
    from search import service

    service.process_outbox()
    hit = next(h for h in search(client, q="sampah kelurahan")["results"] if h["slug"] == "skrip")
    fragments = [f for values in hit["highlights"].values() for f in values]
    assert any("&lt;script&gt;" in f for f in fragments)
    for fragment in fragments:
        assert set(re.findall(r"</?([a-z]+)", fragment)) <= {"mark"}


def test_a_match_deep_in_a_long_body_is_highlighted(client, engine_corpus):
    filler = "\n\n".join(
        f"Paragraf {n} tentang tata kelola, anggaran dan koordinasi perangkat daerah." * 4
        for n in range(40)
    )
    record = {**demo_records()["sibaku"], "slug": "panjang", "title": "Inovasi Panjang"}
    from search import service

    publish_case(
        record,
        summary="Ringkasan singkat.",
        implementation=f"<p>{filler}</p><p>Warga memakai aplikasi Zebrakopi di kelurahan.</p>",
    )
    service.process_outbox()
    hit = next(h for h in search(client, q="zebrakopi")["results"] if h["slug"] == "panjang")
    assert len(hit["highlights"]["body"]) == 1
    assert "<mark>Zebrakopi</mark> di kelurahan" in hit["highlights"]["body"][0]


def test_a_renamed_sector_shows_its_new_name_in_the_facets(client, engine_corpus):
    from innovations.models import Sector

    def labels():
        return {f["value"]: f["label"] for f in search(client)["facets"]["sector"]}

    sector = Sector.objects.get(code="2.12")
    assert labels()["2.12"] == sector.name
    sector.name_id = "Urusan Lingkungan Hidup (nama baru)"
    sector.save()
    assert labels()["2.12"] == "Urusan Lingkungan Hidup (nama baru)"


def test_the_contract_shape(client, engine_corpus, search_engine):
    body = search(client, q="ktp keliling")
    assert set(body) == {"query", "engine", "total", "page", "page_size", "results", "facets",
                         "suggestion"}  # fmt: skip
    assert body["engine"] == search_engine
    hit = body["results"][0]
    assert set(hit) == {"id", "slug", "title", "url", "summary", "regency", "province", "hubs",
                        "sectors", "year", "score", "highlights"}  # fmt: skip
    assert set(hit["regency"]) == {"code", "name"}
    assert client.get(hit["url"]).status_code == 200
    assert set(body["facets"]) >= {"hub", "province", "sector", "sdg", "aspect", "stage", "year"}


def test_empty_query_lists_everything_newest_first(client, engine_corpus):
    body = search(client, page_size=100)
    assert body["total"] == len(engine_corpus)
    pages = {page.slug: page for page in engine_corpus.values()}
    dates = [pages[h["slug"]].first_published_at for h in body["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "params", [{}, {"q": "layanan"}, {"q": "layanan", "sort": "newest"}, {"hub": "jawa-timur"}]
)
def test_pages_follow_one_another_without_gaps_or_repeats(client, engine_corpus, params):
    whole = search(client, page_size=100, **params)
    assert whole["total"] >= 4
    slugs = []
    for page in range(1, (whole["total"] + 2) // 3 + 1):
        body = search(client, page=page, page_size=3, **params)
        assert body["total"] == whole["total"]
        slugs += [hit["slug"] for hit in body["results"]]
    assert slugs == [hit["slug"] for hit in whole["results"]]
    if params.get("q") and "sort" not in params:
        scores = [hit["score"] for hit in whole["results"]]
        assert scores == sorted(scores, reverse=True)


def test_facet_counts_equal_the_totals_they_lead_to(client, engine_corpus):
    body = search(client, q="layanan")
    for key in ("hub", "province", "sector", "stage"):
        for facet in body["facets"][key]:
            narrowed = search(client, q="layanan", **{key: facet["value"]})
            assert narrowed["total"] == facet["count"], (key, facet)


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"sort": "abc"}, "sort"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "1001", "page_size": "10"}, "page"),
        ({"year": "abc"}, "year"),
        ({"sector": "99.99"}, "sector"),
        ({"province": "Atlantis"}, "province"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_parameters_answer_400_with_a_json_error(client, db, params, key):
    response = client.get("/api/v2/search/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]
    assert key in body["detail"]


def test_suggest_offers_titles(client, engine_corpus):
    body = client.get("/api/v2/search/suggest/", {"q": "bank"}).json()
    sibaku = engine_corpus["sibaku"]
    assert [s["title"] for s in body["suggestions"]] == [sibaku.title]
    assert body["suggestions"][0]["url"] == sibaku.url
    assert client.get("/api/v2/search/suggest/", {"q": ""}).json()["suggestions"] == []


def test_the_search_page(client, engine_corpus):
    html = client.get("/cari/", {"q": "kesehtan", "hub": "jawa-timur"}).content.decode()
    assert 'class="notice"' not in html  # the engine under test answered
    assert '<a href="?q=kesehatan&amp;hub=jawa-timur">kesehatan</a>' in html  # keeps the filter
    assert 'name="hub" value="jawa-timur" checked' in html
    assert "<mark>" in html
    empty = client.get("/cari/", {"q": "zzqxv"}).content.decode()
    assert "Tidak ada inovasi yang cocok dengan" in empty
    assert "Telusuri menurut urusan" in empty
    bad = client.get("/cari/", {"sort": "abc"})
    assert bad.status_code == 400
    assert "urutan" in bad.content.decode()
    assert 'action="/cari/"' in client.get("/").content.decode()
