"""iCalendar (RFC 5545) files of events, with VTIMEZONE and TZID in the venue's zone."""

from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags


def event_calendar(events) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//JIPP//Agenda Jaringan Inovasi Pelayanan Publik//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Agenda JIPP")
    for event in events:
        zone = ZoneInfo(event.time_zone)
        item = icalendar.Event()
        item.add("uid", f"event-{event.pk}@{_host()}")
        item.add("dtstamp", timezone.now())
        item.add("dtstart", event.start.astimezone(zone))
        item.add("dtend", event.end.astimezone(zone))
        item.add("summary", event.title)
        item.add("url", settings.SITE_BASE_URL + event.url)
        item.add("categories", [event.get_kind_display()])
        location = ", ".join(
            part
            for part in [
                event.venue_name,
                event.venue_address.replace("\n", ", "),
                event.venue_regency.name if event.venue_regency_id else "",
            ]
            if part
        )
        item.add("location", location or "Daring")
        description = strip_tags(event.intro or "").strip()
        item.add("description", f"{description}\n\n{settings.SITE_BASE_URL + event.url}".strip())
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar


def _host() -> str:
    return settings.SITE_BASE_URL.split("://", 1)[-1].split("/", 1)[0]
