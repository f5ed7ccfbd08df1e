"""Event times in the venue's time zone, with its abbreviation: "Senin, 7 Desember 2026,
09.00 WITA s.d. 12.00 WITA". Never the `date` filter, which converts to the site zone (WIB)."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import formats
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

register = template.Library()


def _local(event, value):
    return value.astimezone(ZoneInfo(event.time_zone))


@register.filter
def event_time(event, value=None):
    """ "09.00 WITA" for the start (or the given datetime) of an event."""
    moment = _local(event, value or event.start)
    return f"{format_date(moment, 'H.i')} {event.time_zone_abbreviation}"


@register.filter
def event_moment(event, value=None):
    """ "Senin, 7 Desember 2026, 09.00 WITA": a day and time (the start, or the given
    datetime, such as the registration deadline) in the event's zone."""
    moment = _local(event, value or event.start)
    return f"{formats.date_format(moment, 'l, j F Y')}, {event_time(event, moment)}"


@register.filter
def event_iso(event, value=None):
    """The start (or the given datetime) as ISO 8601 with the venue's offset, for <time>."""
    return _local(event, value or event.start).isoformat()


@register.filter
def event_when(event):
    """The event's day(s) and hours in its own time zone."""
    start, end = _local(event, event.start), _local(event, event.end)
    day = formats.date_format(start, "l, j F Y")
    if start.date() == end.date():
        span = {"start": event_time(event, start), "end": event_time(event, end)}
        return f"{day}, " + _("%(start)s s.d. %(end)s") % span
    last = formats.date_format(end, "l, j F Y")
    span = {"start": event_time(event, start), "end": f"{last}, {event_time(event, end)}"}
    return f"{day}, " + _("%(start)s s.d. %(end)s") % span
