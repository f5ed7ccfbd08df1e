"""Reference geography in the admin: browsable and choosable, editable only by admins."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Hub, Province, Regency


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
