"""The hub dashboard's numbers match the database, on the page and in the CSV."""

import csv
import io
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
        [("confirmed", True), ("confirmed", True), ("confirmed", False), ("waitlisted", False)]
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
    assert html.count('<rect x="230"') == 24 + 3  # a bar per member and per sector
