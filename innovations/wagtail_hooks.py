"""Reference taxonomy in the admin: browsable and choosable, editable only by admins."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import SDG, EvaluationAspect, Sector


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "folder-open-inverse"
    menu_label = _("Urusan")
    list_display = ["code", "name_id", "name_en", "group"]
    list_filter = ["group"]
    search_fields = ["name_id", "name_en", "code"]
    ordering = ["sort_order"]
    inspect_view_enabled = True
    # A few hundred rows at most: plain icontains over name and code beats an index.
    search_backend_name = None


class SDGViewSet(SnippetViewSet):
    model = SDG
    icon = "globe"
    menu_label = _("TPB/SDG")
    list_display = ["number", "name_id", "name_en"]
    search_fields = ["name_id", "name_en"]
    ordering = ["number"]
    inspect_view_enabled = True
    # A few hundred rows at most: plain icontains over name and code beats an index.
    search_backend_name = None


class EvaluationAspectViewSet(SnippetViewSet):
    model = EvaluationAspect
    icon = "tasks"
    menu_label = _("Aspek evaluasi")
    list_display = ["name_id", "name_en"]
    search_fields = ["name_id", "name_en"]
    ordering = ["sort_order"]
    inspect_view_enabled = True
    # A few hundred rows at most: plain icontains over name and code beats an index.
    search_backend_name = None


class TaxonomyGroup(SnippetViewSetGroup):
    items = (SectorViewSet, SDGViewSet, EvaluationAspectViewSet)
    menu_icon = "tag"
    menu_label = _("Taksonomi")
    menu_name = "taxonomy"


register_snippet(TaxonomyGroup)
