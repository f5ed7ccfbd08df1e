"""Reference geography in the admin: browsable and choosable, editable only by admins."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import attendees
from .models import EventPage, Hub, Province, Regency


class ProvinceViewSet(SnippetViewSet):
    model = Province
    icon = "site"
    menu_label = _("Provinsi")
    list_display = ["code", "name", "time_zone"]
    list_filter = ["time_zone"]
    search_fields = ["name", "code"]
    ordering = ["code"]
    inspect_view_enabled = True
    # A few hundred rows at most: plain icontains over name and code beats an index.
    search_backend_name = None


class RegencyViewSet(SnippetViewSet):
    model = Regency
    icon = "home"
    menu_label = _("Kabupaten/kota")
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code"]
    ordering = ["code"]
    list_per_page = 50
    inspect_view_enabled = True
    # A few hundred rows at most: plain icontains over name and code beats an index.
    search_backend_name = None


class HubViewSet(SnippetViewSet):
    model = Hub
    icon = "group"
    menu_label = _("Hub")
    list_display = ["name", "slug", "province"]
    search_fields = ["name"]
    inspect_view_enabled = True
    # A few hundred rows at most: plain icontains over name and code beats an index.
    search_backend_name = None


class GeographyGroup(SnippetViewSetGroup):
    items = (ProvinceViewSet, RegencyViewSet, HubViewSet)
    menu_icon = "site"
    menu_label = _("Wilayah & hub")
    menu_name = "geography"


register_snippet(GeographyGroup)


@hooks.register("register_admin_urls")
def attendee_urls():
    return [
        path("acara/<int:event_id>/pendaftar/", attendees.attendee_list, name="hubs_attendees"),
        path(
            "acara/<int:event_id>/pendaftar.csv",
            attendees.attendee_csv,
            name="hubs_attendees_csv",
        ),
        path(
            "acara/<int:event_id>/pendaftar/<int:registration_id>/",
            attendees.attendee_action,
            name="hubs_attendee_action",
        ),
    ]


@hooks.register("register_page_listing_more_buttons")
def attendee_button(page, user, next_url=None, **kwargs):
    """ "Pendaftar" in an event's menu, for those who may see its attendees."""
    if isinstance(page.specific_deferred, EventPage) and attendees.can_see_attendees(
        user, page.specific
    ):
        yield Button(
            _("Pendaftar"),
            reverse("hubs_attendees", args=[page.pk]),
            icon_name="group",
            priority=25,
        )
