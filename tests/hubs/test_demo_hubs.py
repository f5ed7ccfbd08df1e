"""`load_demo_data` gives the hubs their pages and events: past and upcoming, across WIB, WITA
and WIT, with registrations made in the past, outcomes, materials and action plans, one of
which opened a replication in the ledger."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from hubs.models import ActionPlan, EventPage, HubPage, Registration

pytestmark = pytest.mark.django_db


def test_load_demo_data_builds_hubs_and_their_events(client):
    call_command("load_demo_data", stdout=StringIO())
    now = timezone.now()

    hub_pages = list(HubPage.objects.live().select_related("hub"))
    assert len(hub_pages) == 3
    for page in hub_pages:
        assert page.facilitator_lines(), page
        assert page.contact_email
        assert page.hub.facilitator_group is not None  # the facilitators' admin group
        assert page.get_latest_revision_as_object().featured_cases.count() == 3

    events = list(EventPage.objects.live().select_related("venue_regency__province"))
    assert len(events) >= 8
    past = [event for event in events if event.end < now]
    upcoming = [event for event in events if event.start > now]
    assert past and upcoming
    assert {event.time_zone_abbreviation for event in events} >= {"WIB", "WITA", "WIT"}

    registrations = Registration.objects.filter(event__in=events)
    assert registrations.count() > 100
    assert {event.pk for event in events} == set(registrations.values_list("event", flat=True))
    assert not registrations.filter(Q(created_at__gte=now) | Q(created_at__gte=F("event__start")))
    assert not registrations.filter(status_changed_at__gte=now)
    assert not registrations.filter(event__in=upcoming, attended=True)

    for event in past:
        assert event.outcome, event
        assert registrations.filter(event=event, status="confirmed", attended=True).exists()
        assert ActionPlan.objects.filter(event=event).count() == 2
        # Materials: a real PDF document and a recording link, in the revision the admin edits.
        materials = list(event.get_latest_revision_as_object().materials.all())
        document = next(m.document for m in materials if m.document)
        recording = next(m.url for m in materials if m.url)
        assert recording.startswith("https://")
        with document.file.open("rb") as pdf:
            content = pdf.read()
        assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        assert b"/Type /Page " in content
        assert event.title.encode("cp1252") in content  # text, not a picture of it

    page = client.get(past[0].url).content.decode()
    assert "Ringkasan materi (PDF)" in page
    assert "Rekaman sesi" in page
    assert "Hasil acara" in page

    opened = ActionPlan.objects.filter(replication__isnull=False).select_related("replication")
    assert opened.exists()
    for plan in opened:
        assert plan.replication.innovation_id == plan.case_id
        assert plan.replication.adopting_regency_id == plan.regency_id
        assert plan.replication.status == "rencana"

    # A second run leaves every event, registration and plan as it was.
    counts = (EventPage.objects.count(), registrations.count(), ActionPlan.objects.count())
    call_command("load_demo_data", stdout=StringIO())
    assert counts == (
        EventPage.objects.count(),
        registrations.count(),
        ActionPlan.objects.count(),
    )
