"""Reads for the network's geography and hubs."""

from datetime import UTC

from django.db.models import Count, Q

from .models import Hub, Regency


def hubs_with_member_counts():
    """Every hub with its province and the number of member kabupaten and kota."""
    return (
        Hub.objects.select_related("province")
        .annotate(
            member_count=Count("members"),
            kabupaten_count=Count("members", filter=Q(members__kind=Regency.Kind.KABUPATEN)),
            kota_count=Count("members", filter=Q(members__kind=Regency.Kind.KOTA)),
        )
        .order_by("name")
    )


def events_matching(filters: dict):
    """Live, public events for listing filters (see hubs.views.parse_event_filters)."""
    from calendar import monthrange
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from .models import EventPage, HubPage

    events = EventPage.objects.live().public().select_related("venue_regency__province")
    if filters["hub"]:
        pages = HubPage.objects.filter(hub__slug__in=filters["hub"])
        ids = []
        for page in pages:
            ids += list(EventPage.objects.child_of(page).values_list("pk", flat=True))
        events = events.filter(pk__in=ids)
    if filters["kind"]:
        events = events.filter(kind__in=filters["kind"])
    if filters["mode"] == "online":
        events = events.filter(venue_regency__isnull=True)
    elif filters["mode"] == "offline":
        events = events.filter(venue_regency__isnull=False)
    month = None
    if filters["month"]:
        # The month in each event's own zone: a 00.30 WITA event on the 1st is in that month
        # (though it is still the previous month in WIB). The database narrows to the month
        # give or take a day, which covers every zone; each event's days decide.
        first = filters["month"]
        last = first.replace(day=monthrange(first.year, first.month)[1])
        month = (first, last)
        start = datetime.combine(first - timedelta(days=1), time.min, UTC)
        end = datetime.combine(last + timedelta(days=1), time.max, UTC)
        events = events.filter(start__lte=end, end__gte=start)
    now = timezone.now()
    if filters["when"] == "upcoming":
        events = events.filter(end__gte=now).order_by("start", "pk")
    elif filters["when"] == "past":
        events = events.filter(end__lt=now).order_by("-start", "pk")
    else:
        events = events.order_by("start", "pk")
    if month:
        first, last = month
        return [e for e in events if e.local_start.date() <= last and e.local_end.date() >= first]
    return list(events)


def event_filter_options() -> dict:
    from .models import EventKind

    return {"hub": list(Hub.objects.order_by("name")), "kind": EventKind.choices}


def hub_index_context(page) -> dict:
    from .models import HubPage

    hubs = {hub.pk: hub for hub in hubs_with_member_counts()}
    pages = HubPage.objects.child_of(page).live().public().select_related("hub")
    return {"hub_pages": [(p, hubs.get(p.hub_id)) for p in pages]}


def hub_page_context(page) -> dict:
    from django.utils import timezone

    from .models import EventPage

    hub = page.hub
    members = list(hub.members.select_related("province").order_by("name"))
    events = (
        EventPage.objects.child_of(page)
        .live()
        .public()
        .select_related("venue_regency__province")
        .order_by("start")
    )
    now = timezone.now()
    return {
        "members": members,
        "upcoming_events": [e for e in events if e.end >= now],
        "past_events": [e for e in events if e.end < now][::-1][:5],
        "featured": [
            item.case
            for item in page.featured_cases.select_related("case__regency")
            if item.case.live
        ],
    }


def event_page_context(event) -> dict:
    from urllib.parse import urlencode

    from django.conf import settings

    from .models import Registration

    confirmed = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED
    ).count()
    utc = "%Y%m%dT%H%M%SZ"
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{event.start.astimezone(UTC):{utc}}/{event.end.astimezone(UTC):{utc}}",
            "details": settings.SITE_BASE_URL + event.url,
            "location": event.venue_name or "Daring",
            "ctz": event.time_zone,
        }
    )
    return {
        "hub": event.hub,
        "seats_left": max(0, event.capacity - confirmed)
        if event.registration_state() == "open"
        else None,
        "featured": [
            item.case
            for item in event.featured_cases.select_related("case__regency")
            if item.case.live
        ],
        "materials": list(event.materials.select_related("document")),
        "google_calendar_url": google,
    }
