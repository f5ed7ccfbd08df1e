"""Thin request handling for hub and event pages: registration, cancellation, calendars."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jipp.views import public_page_at

from .calendars import event_calendar
from .forms import RegistrationForm
from .models import EventKind, EventPage, Hub, Registration
from .registrations import (
    RegistrationData,
    RegistrationRefused,
    cancel,
    closed_message,
    receipt_token,
    register,
    registration_for_receipt,
    registration_for_token,
)

RATE_LIMIT = 10  # registration attempts per IP address in any 60 seconds
RATE_WINDOW = 60  # seconds


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the header CLIENT_IP_HEADER names.

    A list such as X-Forwarded-For ("client, proxy 1, ...") is read from the right: each proxy
    appends the address it received the request from, so the right-most entry is the one our
    trusted proxy wrote, while everything to its left came from the client, who can forge it.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def count_in_window(key: str, *, now: float, window: int = RATE_WINDOW) -> int:
    """Count a hit on `key` at `now` (seconds since the epoch) and return the hits in the
    `window` seconds up to and including now: a sliding window, not a calendar minute.

    Hits are kept in per-second counters (`cache.incr`, atomic on LocMem and Redis) that
    expire after the window, and summed with one `get_many`.
    """
    second = int(now)
    bucket = f"{key}:{second}"
    cache.add(bucket, 0, timeout=window + 5)
    try:
        cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=window + 5)
    buckets = [f"{key}:{s}" for s in range(second - window + 1, second + 1)]
    return sum(cache.get_many(buckets).values())


def rate_limited(request, scope: str) -> bool:
    """Count this request; True once its IP address made more than RATE_LIMIT in the last
    RATE_WINDOW seconds (refused requests count too, so a robot stays refused)."""
    key = f"rate:{scope}:{client_ip(request)}"
    return count_in_window(key, now=timezone.now().timestamp()) > RATE_LIMIT


# --- Event pages -------------------------------------------------------------------------------


def event_page_view(request, event: EventPage):
    registration = None
    form = None
    status = 200
    state = event.registration_state()
    if request.method == "POST":
        if rate_limited(request, "registration"):
            response = render(
                request,
                "hubs/too_many_requests.html",
                {"page": event, "self": event},
                status=429,
            )
            response["Retry-After"] = "60"
            return response
        form = RegistrationForm(request.POST, event=event)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = register(
                    event=event,
                    data=RegistrationData(
                        name=data["name"],
                        email=data["email"],
                        organisation=data["organisation"],
                        regency_id=data["regency"].pk if data["regency"] else None,
                        position=data.get("position", ""),
                        phone=data.get("phone", ""),
                    ),
                )
            except RegistrationRefused as error:
                form.add_error(error.field, str(error))
            else:
                # Post/redirect/get: the receipt page, which a reload does not send again.
                receipt = event.reverse_subpage("registered", args=[receipt_token(registration)])
                return redirect(event.get_url(request=request) + receipt)
        status = 400
    elif state == "open":
        form = RegistrationForm(event=event)
    context = event.get_context(request)
    context.update(
        {
            "form": form if state == "open" else None,
            "refusal": None if state == "open" else closed_message(state),
        }
    )
    return TemplateResponse(request, event.get_template(request), context, status=status)


def registration_receipt_view(request, event: EventPage, token: str):
    """What the registrant sees after registering: confirmed (with the online link) or on
    the waitlist, as it stands now (a promotion or a cancellation shows)."""
    registration = registration_for_receipt(token)
    if registration is None or registration.event_id != event.pk:
        raise Http404("not a receipt of this event")
    context = event.get_context(request)
    context.update({"form": None, "refusal": None, "registration": registration})
    response = TemplateResponse(request, event.get_template(request), context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the online link must not leak the token
    return response


def cancel_registration_view(request, event: EventPage, token: str):
    registration = registration_for_token(token)
    if registration is None or registration.event_id != event.pk:
        return render(
            request,
            "hubs/cancel_registration.html",
            {"page": event, "self": event, "invalid": True},
            status=404,
        )
    cancelled = False
    if request.method == "POST" and registration.status != Registration.Status.CANCELLED:
        cancel(registration=registration)
        registration.refresh_from_db()
        cancelled = True
    return render(
        request,
        "hubs/cancel_registration.html",
        {"page": event, "self": event, "registration": registration, "cancelled": cancelled},
    )


def calendar_view(request, page_path, name):
    """`<event URL>kalender.ics`, `<hub URL>agenda.ics` and `/agenda/agenda.ics`.

    Wagtail's page routes only match slash-terminated paths, so calendars have a URL pattern
    of their own that finds the live, public page at `page_path`.
    """
    from .models import EventIndexPage, HubPage

    page = public_page_at(request, page_path)
    if name == "kalender" and isinstance(page, EventPage):
        return _ics(event_calendar([page]), f"{page.slug}.ics")
    if name == "agenda" and isinstance(page, HubPage):
        return calendar_response(request, hub=page.hub, filename=f"agenda-{page.hub.slug}.ics")
    if name == "agenda" and isinstance(page, EventIndexPage):
        return calendar_response(request, filename="agenda-jipp.ics")
    raise Http404


# --- Listings and calendars --------------------------------------------------------------------


class EventFilterError(ValueError):
    def __init__(self, key, message):
        super().__init__(message)
        self.key = key


def parse_event_filters(query) -> dict:
    """hub (slug), kind, month (YYYY-MM), mode (online/offline), when (upcoming/past/all)."""
    filters = {"hub": [], "kind": [], "month": None, "mode": "", "when": "upcoming"}
    hubs = set(Hub.objects.values_list("slug", flat=True))
    for value in query.getlist("hub"):
        if value and value not in hubs:
            raise EventFilterError("hub", _("Hub %(value)s tidak dikenal.") % {"value": value})
        if value:
            filters["hub"].append(value)
    for value in query.getlist("kind"):
        if value and value not in EventKind.values:
            raise EventFilterError(
                "kind", _("Jenis acara %(value)s tidak dikenal.") % {"value": value}
            )
        if value:
            filters["kind"].append(value)
    month = query.get("month", "")
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            filters["month"] = date(year, number, 1)
        except ValueError:
            raise EventFilterError(
                "month", _("Bulan harus ditulis TTTT-BB, mis. 2026-11.")
            ) from None
    mode = query.get("mode", "")
    if mode not in ("", "online", "offline"):
        raise EventFilterError("mode", _("Mode harus online atau offline."))
    filters["mode"] = mode
    when = query.get("when", "") or ("all" if month else "upcoming")
    if when not in ("upcoming", "past", "all"):
        raise EventFilterError("when", _("Pilih upcoming, past atau all."))
    filters["when"] = when
    return filters


def filtered_events(filters: dict):
    from .selectors import events_matching

    return events_matching(filters)


def event_listing_context(request) -> dict:
    from .selectors import event_filter_options

    try:
        filters = parse_event_filters(request.GET)
    except EventFilterError as error:
        return {"filter_error": error, "events": [], "options": event_filter_options()}
    query = request.GET.urlencode()
    return {
        "filters": filters,
        "events": filtered_events(filters),
        "options": event_filter_options(),
        "querystring": query,
    }


def calendar_response(request, *, hub: Hub | None = None, filename: str) -> HttpResponse:
    try:
        filters = parse_event_filters(request.GET)
    except EventFilterError as error:
        return HttpResponse(
            f"{error.key}: {error}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    if hub is not None:
        filters["hub"] = [hub.slug]
    if "when" not in request.GET and not filters["month"]:
        filters["when"] = "all"  # a subscribed calendar keeps past events
    return _ics(event_calendar(filtered_events(filters)), filename)


def _ics(calendar, filename) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
