"""Admin for the reference taxonomy (browsable, editable only by admins) and the replication
ledger (adopters record, source regencies and hubs confirm)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import ReplicationForm
from .models import SDG, EvaluationAspect, Replication, Sector
from .permissions import can_confirm, can_record_for, replications_visible_to
from .services import SetupError, confirm_replication, open_replication_for_plan


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


class ConfirmColumn(Column):
    """A Confirm button for the source regency or its hub; the state for everyone else."""

    cell_template_name = "innovations/admin/confirm_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["replication"] = instance
        context["may_confirm"] = can_confirm(parent_context["request"].user, instance)
        context["confirm_url"] = reverse("replikasi:confirm", args=[instance.pk])
        return context


class _OwnLedgerMixin:
    """Only the ledger entries the user is concerned with; changes only by the adopter."""

    def get_queryset(self):
        return replications_visible_to(self.request.user, super().get_queryset())


class ReplicationIndexView(_OwnLedgerMixin, generic.IndexView):
    pass


class ReplicationCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        return instance


class _AdopterOnlyMixin(_OwnLedgerMixin):
    def get_object(self, queryset=None):
        replication = super().get_object(queryset)
        if not can_record_for(self.request.user, replication.adopting_regency):
            raise PermissionDenied
        return replication


class ReplicationEditView(_AdopterOnlyMixin, generic.EditView):
    pass


class _ConcernedOnlyMixin:
    """Views about one entry (inspect, history, usage): only for those it concerns."""

    def get_object(self, *args, **kwargs):
        replication = super().get_object(*args, **kwargs)
        concerned = replications_visible_to(
            self.request.user, Replication.objects.filter(pk=replication.pk)
        )
        if not concerned.exists():
            raise PermissionDenied
        return replication


class ReplicationInspectView(_ConcernedOnlyMixin, generic.InspectView):
    pass


class ReplicationHistoryView(_ConcernedOnlyMixin, generic.HistoryView):
    pass


class ReplicationUsageView(_ConcernedOnlyMixin, generic.UsageView):
    pass


class ReplicationDeleteView(_AdopterOnlyMixin, generic.DeleteView):
    pass


class ReplicationViewSet(ModelViewSet):
    """The replication ledger: adopters record, source regencies and hubs confirm."""

    model = Replication
    icon = "repeat"
    menu_label = _("Replikasi")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "innovation",
        "adopting_regency",
        "status",
        "started_on",
        ConfirmColumn("confirmed", label=_("Konfirmasi")),
    ]
    list_filter = ["status", "confirmed"]
    search_fields = ["innovation__title", "adopting_regency__name"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    index_view_class = ReplicationIndexView
    add_view_class = ReplicationCreateView
    edit_view_class = ReplicationEditView
    delete_view_class = ReplicationDeleteView
    inspect_view_class = ReplicationInspectView
    history_view_class = ReplicationHistoryView
    usage_view_class = ReplicationUsageView

    def get_form_class(self, for_update=False):
        return ReplicationForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("confirm/<int:pk>/", self.confirm_view, name="confirm"),
        ]

    def confirm_view(self, request, pk):
        replication = get_object_or_404(
            replications_visible_to(request.user, Replication.objects.all()), pk=pk
        )
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            confirm_replication(replication=replication, user=request.user)
        except PermissionError:
            raise PermissionDenied from None
        messages.success(request, _("Replikasi dikonfirmasi."))
        return redirect(self.get_url_name("index"))


replication_viewset = ReplicationViewSet("replikasi")


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_of_others(pages, request):
    """Choosers list live pages and the pages the user may edit: never another regency's
    drafts (DESIGN section 3)."""
    user = request.user
    if user.is_superuser:
        return pages
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, ["change", "publish"]
    )
    return pages.filter(Q(live=True) | Q(pk__in=editable.values("pk")) | Q(owner=user))


@hooks.register("register_admin_viewset")
def register_replication_viewset():
    return replication_viewset


@hooks.register("register_admin_urls")
def action_plan_urls():
    return [
        path(
            "acara/<int:event_id>/rencana-aksi/<int:plan_id>/replikasi/",
            open_plan_replication,
            name="innovations_plan_replication",
        )
    ]


@require_POST
def open_plan_replication(request, event_id, plan_id):
    """An action plan opens its entry in the replication ledger (hub facilitators, admins)."""
    from hubs.attendees import can_see_attendees
    from hubs.models import ActionPlan

    plan = get_object_or_404(ActionPlan.objects.select_related("event", "case"), pk=plan_id)
    if plan.event_id != event_id or not can_see_attendees(request.user, plan.event):
        raise PermissionDenied
    try:
        open_replication_for_plan(plan=plan, user=request.user)
    except SetupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Replikasi dibuka di buku replikasi."))
    return redirect("hubs_attendees", event_id=event_id)
