"""Facilitator tools in the admin: an event's registrations, CSV export, check-in, promotion.

Attendees' personal data is shown only to the facilitators of the event's hub and to admins.
"""

import csv
import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from .models import ActionPlan, EventPage, Regency, Registration
from .registrations import RegistrationRefused, cancel, promote, toggle_attendance


def can_see_attendees(user, event: EventPage) -> bool:
    """The event's hub's facilitators, and admins: superusers and national admins."""
    from innovations.permissions import is_national_admin

    if not user.is_active:
        return False
    if is_national_admin(user):
        return True
    hub = event.hub
    return bool(
        hub
        and hub.facilitator_group_id
        and user.groups.filter(pk=hub.facilitator_group_id).exists()
    )


def _event_for(request, event_id) -> EventPage:
    event = get_object_or_404(
        EventPage.objects.select_related("venue_regency__province"), pk=event_id
    )
    if not can_see_attendees(request.user, event):
        raise PermissionDenied
    return event


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["regency", "case", "commitment", "target_date"]
        widgets = {
            "commitment": forms.Textarea(attrs={"rows": 2}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        members = event.hub.members.all() if event.hub else Regency.objects.none()
        self.fields["regency"].queryset = members.order_by("name")
        cases = ActionPlan._meta.get_field("case").remote_field.model.objects.live()
        self.fields["case"].queryset = cases.select_related("regency").order_by("title")


def attendee_list(request, event_id):
    event = _event_for(request, event_id)
    plan_form = ActionPlanForm(event=event)
    if request.method == "POST":
        plan_form = ActionPlanForm(request.POST, event=event)
        if plan_form.is_valid():
            plan = plan_form.save(commit=False)
            plan.event = event
            plan.save()
            messages.success(request, _("Rencana aksi dicatat."))
            return redirect("hubs_attendees", event_id=event.pk)
    registrations = list(
        Registration.objects.filter(event=event)
        .select_related("regency")
        .order_by("created_at", "pk")
    )
    counts = dict.fromkeys(Registration.Status.values, 0)
    for registration in registrations:
        counts[registration.status] += 1
    confirmed = Registration.Status.CONFIRMED
    present = [r for r in registrations if r.attended and r.status == confirmed]
    return TemplateResponse(
        request,
        "hubs/admin/attendees.html",
        {
            "event": event,
            "registrations": registrations,
            "counts": counts,
            "attended": len(present),
            "organisations": sorted({r.organisation for r in present}),
            "plans": event.action_plans.select_related("regency", "case", "replication"),
            "plan_form": plan_form,
            "header_title": _("Pendaftar: %(title)s") % {"title": event.title},
        },
    )


CSV_COLUMNS = [
    "name", "email", "organisation", "regency_code", "regency", "position", "phone", "status",
    "registered_at", "attended", "checked_in_at",
]  # fmt: skip


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE_NUMBER = re.compile(r"[+-]?[\d\s-]+")  # "+62 811-4100-200" runs as no formula


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as typed: text that would start a formula (= + - @, or a
    tab or carriage return before one) gets a leading apostrophe; a phone number is left
    as it is."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PHONE_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def attendee_csv(request, event_id):
    event = _event_for(request, event_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pendaftar-{event.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    rows = (
        Registration.objects.filter(event=event)
        .select_related("regency")
        .order_by("created_at", "pk")
    )
    for r in rows:
        writer.writerow(
            spreadsheet_safe(value)
            for value in [
                r.name, r.email, r.organisation, r.regency.code if r.regency else "",
                r.regency.name if r.regency else "", r.position, r.phone, r.status,
                r.created_at.isoformat(), "1" if r.attended else "0",
                r.checked_in_at.isoformat() if r.checked_in_at else "",
            ]
        )  # fmt: skip
    return response


@require_POST
def attendee_action(request, event_id, registration_id):
    event = _event_for(request, event_id)
    registration = get_object_or_404(Registration, pk=registration_id, event=event)
    action = request.POST.get("action")
    try:
        if action == "check_in":
            toggle_attendance(registration=registration)
        elif action == "promote":
            promote(registration=registration)
        elif action == "cancel":
            cancel(registration=registration)
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
            return redirect("hubs_attendees", event_id=event.pk)
    except RegistrationRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s: tersimpan.") % {"name": registration.name})
    return redirect("hubs_attendees", event_id=event.pk)
