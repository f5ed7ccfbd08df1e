"""The hub dashboard's numbers match the database, on the page and in the CSV."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from hubs.models import Registration
from tests.factories import InnovationPageFactory, folder_for, replication
from tests.factories.hubs import EventPageFactory, hub_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(library):
    home = library.get_parent()
    page = hub_page("sulawesi-selatan", home)
    makassar, gowa, surabaya = folder_for("73.71"), folder_for("73.06"), folder_for("35.78")
    mpp = InnovationPageFactory(parent=makassar, sectors=["P.02"])
    InnovationPageFactory(parent=makassar, sectors=["1.02"])
    InnovationPageFactory(parent=gowa, sectors=["1.02", "2.12"])
    sampah = InnovationPageFactory(parent=surabaya, sectors=["2.11"])
    draft = InnovationPageFactory(parent=gowa, sectors=["1.02"])
    draft.unpublish()
    replication(mpp, "35.78", started_on=date(2024, 3, 1))  # out of the hub
    replication(sampah, "73.06", started_on=date(2025, 5, 1))  # into the hub
    replication(sampah, "73.71", started_on=date(2025, 8, 1))  # into the hub
    start = timezone.now() - timedelta(days=3)
    event = EventPageFactory(parent=page, title="Lokakarya Selesai", start=start,
                             end=start + timedelta(hours=3))  # fmt: skip
    for n, (status, attended) in enumerate(
        [
            ("confirmed", True),
            ("confirmed", True),
            ("confirmed", False),
            ("waitlisted", False),
            ("cancelled", True),  # checked in, then cancelled: not an attendee
        ]
    ):
        Registration.objects.create(
            event=event, name=f"P{n}", email=f"p{n}@x.go.id", organisation="X",
            status=status, attended=attended,
        )  # fmt: skip
    return page


def test_dashboard_numbers_on_the_page_and_in_the_csv(client, known):
    html = client.get(known.url).content.decode()
    assert "22 anggota belum menerbitkan inovasi:" in html  # 24 members, 2 with cases
    rows = list(csv.reader(io.StringIO(client.get(known.url + "dasbor.csv").content.decode())))
    assert rows[0] == ["section", "label", "value", "value_2"]
    members = {
        label: int(value) for section, label, value, _ in rows if section == "cases_per_member"
    }
    assert len(members) == 24
    assert members["73.71 Kota Makassar"] == 2
    assert members["73.06 Kabupaten Gowa"] == 1  # the draft does not count
    assert sum(members.values()) == 3
    sectors = {label.split()[0]: int(v) for s, label, v, _ in rows if s == "cases_per_sector"}
    assert sectors == {"1.02": 2, "P.02": 1, "2.12": 1}
    years = [(label, v, w) for s, label, v, w in rows if s == "replications_into_out_of_hub"]
    assert years == [("2024", "0", "1"), ("2025", "2", "0")]
    events = [(label, v, w) for s, label, v, w in rows if s == "event_confirmed_attended"]
    assert events == [("Lokakarya Selesai", "3", "2")]
    assert '<th scope="row">Kota Makassar</th><td>2</td>' in html
    members_chart = {title: width for title, width, _ in chart_bars(html, "members-chart-heading")}
    assert len(members_chart) == 24  # a bar per member
    assert members_chart["Kota Makassar: 2"] == 2 * members_chart["Kabupaten Gowa: 1"] > 0
    assert len(chart_bars(html, "sectors-chart-heading")) == 3  # and per sector


BAR = re.compile(
    r"<title>([^<]*)</title>\s*"  # the bar's tooltip
    r"(?:<text[^>]*>[^<]*</text>\s*)?"  # its label, in the one-series charts
    r'<rect [^>]*width="([\d.]+)"[^>]*></rect>\s*'  # SVG numbers: 92.5, never 92,5
    r"<text[^>]*>(\d+)</text>"  # the value shown
)


def chart_bars(html, labelled_by):
    """(tooltip, bar width, value shown) for each bar of the SVG chart labelled `labelled_by`."""
    match = re.search(
        rf'<svg role="img" aria-labelledby="{labelled_by}[^"]*"(.*?)</svg>', html, re.S
    )
    assert match, labelled_by
    return [(title, float(width), int(value)) for title, width, value in BAR.findall(match[1])]


def test_replications_and_events_are_charts_with_the_known_numbers(client, known):
    html = client.get(known.url).content.decode()
    replications = chart_bars(html, "replications-chart-title")
    assert [(title, value) for title, _width, value in replications] == [
        ("2024 · Masuk: 0", 0),
        ("2024 · Keluar: 1", 1),
        ("2025 · Masuk: 2", 2),
        ("2025 · Keluar: 0", 0),
    ]
    widths = [width for _title, width, _value in replications]
    assert widths[2] > 0 and widths[0] == widths[3] == 0
    assert widths[1] == pytest.approx(widths[2] / 2, abs=0.1)  # one scale: 1 is half of 2
    events = chart_bars(html, "events-chart-title")
    assert [(title, value) for title, _width, value in events] == [
        ("Lokakarya Selesai · Terkonfirmasi: 3", 3),
        ("Lokakarya Selesai · Hadir: 2", 2),
    ]
    assert events[1][1] == pytest.approx(events[0][1] * 2 / 3, abs=0.1)
    for chart in ("replications-chart", "events-chart"):
        # Accessible: an image with a name and a description; the numbers stay in a table.
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html
        assert f'<desc id="{chart}-desc">' in html
    assert '<th scope="row">2025</th><td>2</td><td>0</td>' in html
    assert "<script" not in html.split('id="dashboard-heading"')[1].split("</section>")[0]
