"""Writes for the innovation taxonomy and reference data as a whole."""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from modelsearch.signal_handlers import post_save_signal_handler as search_signal_handler
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    ReferenceIndex,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from hubs.models import Hub, HubPage, Province, Regency
from hubs.services import GeographyLoad, LoadCounts, load_geography, upsert_rows
from jipp.csvdata import ReferenceDataError, read_csv
from jipp.services import add_child_page

from .interchange import CaseRecord, Problem, plain_to_rich
from .models import (
    SDG,
    EvaluationAspect,
    InnovationIndexPage,
    InnovationPage,
    RegencyFolderPage,
    Replication,
    Sector,
)
from .permissions import NATIONAL_GROUP
from .signals import cases_written

REFERENCE_FOLDER = Path(settings.BASE_DIR) / "fixtures" / "reference"
REFERENCE_MODELS = [Province, Regency, Hub, Sector, SDG, EvaluationAspect]
# Wagtail's stock groups: editors and moderators may browse reference data, not change it.
REFERENCE_READER_GROUPS = ["Editors", "Moderators"]

_SECTOR_CODE = re.compile(r"([123]\.[0-9]{2}|P\.[0-9]{2})")


@dataclass
class TaxonomyLoad:
    sectors: LoadCounts = field(default_factory=LoadCounts)
    sdgs: LoadCounts = field(default_factory=LoadCounts)
    aspects: LoadCounts = field(default_factory=LoadCounts)


@dataclass
class ReferenceLoad:
    geography: GeographyLoad
    taxonomy: TaxonomyLoad
    groups_granted: list[str]


def _sectors(folder: Path) -> dict[str, dict]:
    rows = {}
    header = ["code", "name_id", "name_en", "group"]
    for order, (line, row) in enumerate(read_csv(folder / "sectors.csv", header)):
        if not _SECTOR_CODE.fullmatch(row["code"]):
            raise ReferenceDataError(f"sectors.csv:{line}: bad sector code {row['code']!r}")
        if row["group"] not in Sector.Group.values:
            raise ReferenceDataError(f"sectors.csv:{line}: unknown group {row['group']!r}")
        rows[row["code"]] = {
            "name_id": row["name_id"],
            "name_en": row["name_en"],
            "group": row["group"],
            "sort_order": order,
        }
    return rows


def _sdgs(folder: Path) -> dict[int, dict]:
    rows = {}
    for line, row in read_csv(folder / "sdgs.csv", ["number", "name_id", "name_en"]):
        if not row["number"].isdigit() or not 1 <= int(row["number"]) <= 17:
            raise ReferenceDataError(f"sdgs.csv:{line}: SDG number must be 1-17")
        number = int(row["number"])
        rows[number] = {"name_id": row["name_id"], "name_en": row["name_en"], "sort_order": number}
    return rows


def _aspects(folder: Path) -> dict[str, dict]:
    rows = {}
    header = ["slug", "name_id", "name_en", "description"]
    for order, (_line, row) in enumerate(read_csv(folder / "evaluation_aspects.csv", header)):
        rows[row["slug"]] = {
            "name_id": row["name_id"],
            "name_en": row["name_en"],
            "description": row["description"],
            "sort_order": order,
        }
    return rows


@transaction.atomic
def load_taxonomy(*, folder: Path) -> TaxonomyLoad:
    """Load or update sectors, SDGs and evaluation aspects from `folder`. Idempotent."""
    sector_rows, sdg_rows, aspect_rows = _sectors(folder), _sdgs(folder), _aspects(folder)
    result = TaxonomyLoad()
    upsert_rows(Sector, "code", sector_rows, result.sectors)
    upsert_rows(SDG, "number", sdg_rows, result.sdgs)
    upsert_rows(EvaluationAspect, "slug", aspect_rows, result.aspects)
    return result


def reference_view_permissions() -> list[Permission]:
    """The `view_*` permissions of every reference model."""
    codenames = [f"view_{model._meta.model_name}" for model in REFERENCE_MODELS]
    labels = {model._meta.app_label for model in REFERENCE_MODELS}
    return list(
        Permission.objects.filter(codename__in=codenames, content_type__app_label__in=labels)
    )


def grant_reference_view_permissions(*, groups: list[Group]) -> None:
    """Let `groups` browse (not change) the reference data in the admin."""
    permissions = reference_view_permissions()
    for group in groups:
        group.permissions.add(*permissions)


@transaction.atomic
def load_reference_data(*, folder: Path = REFERENCE_FOLDER) -> ReferenceLoad:
    """Load all reference data and the read-only admin access to it, in one transaction."""
    geography = load_geography(folder=folder)
    taxonomy = load_taxonomy(folder=folder)
    groups = list(Group.objects.filter(name__in=REFERENCE_READER_GROUPS))
    grant_reference_view_permissions(groups=groups)
    counts = [geography.provinces, geography.regencies, geography.hubs]
    counts += [taxonomy.sectors, taxonomy.sdgs, taxonomy.aspects]
    if geography.memberships_added or any(count.updated for count in counts):
        # Renamed places and terms, new hub members: the cases' search entries copy them
        # (rows were written in bulk, without the per-row signals search listens to).
        cases_written.send(
            sender=InnovationPage,
            page_ids=list(InnovationPage.objects.values_list("pk", flat=True)),
        )
    return ReferenceLoad(geography, taxonomy, sorted(group.name for group in groups))


# --- Library structure, groups and moderation -------------------------------------------------

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
HUB_PAGE_PERMISSIONS = [*MODERATOR_PAGE_PERMISSIONS, "delete_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
REPLICATION_PERMISSIONS = ["add_replication", "change_replication", "view_replication"]


class SetupError(Exception):
    """The site is missing something a setup step needs."""


_batch_permissions: ContextVar[dict | None] = ContextVar("_batch_permissions", default=None)


@contextmanager
def _permission_batch():
    """Within the block, each set of permissions is looked up once (onboarding in bulk)."""
    token = _batch_permissions.set({}) if _batch_permissions.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _batch_permissions.reset(token)


def _permissions(app_label, codenames):
    batch = _batch_permissions.get()
    key = (app_label, tuple(codenames))
    if batch is not None and key in batch:
        return batch[key]
    found = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    if len(found) != len(codenames):
        raise SetupError(f"missing permissions {app_label}.{codenames}; run migrate first")
    if batch is not None:
        batch[key] = found
    return found


def _admin_group(name: str, *, extra: list[str] = ()) -> Group:
    """A group with admin access, read access to reference data and `extra` permissions
    of the innovations app."""
    group, _ = Group.objects.get_or_create(name=name)
    permissions = [*_permissions("wagtailadmin", ["access_admin"]), *_reference_permissions()]
    if extra:
        permissions += _permissions("innovations", list(extra))
    group.permissions.add(*permissions)
    return group


def _reference_permissions():
    batch = _batch_permissions.get()
    if batch is None:
        return reference_view_permissions()
    if "reference" not in batch:
        batch["reference"] = reference_view_permissions()
    return batch["reference"]


def _grant_pages(group, page, codenames):
    granted = set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission_id", flat=True
        )
    )
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page=page, permission=permission)
        for permission in _permissions("wagtailcore", codenames)
        if permission.pk not in granted
    )


def _grant_collection(group, collection):
    granted = set(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list(
            "permission_id", flat=True
        )
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=permission)
        for app_label, codenames in COLLECTION_PERMISSIONS.items()
        for permission in _permissions(app_label, codenames)
        if permission.pk not in granted
    )


def _approval_workflow(name: str, group: Group) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(name=name)
    task, _ = GroupApprovalTask.objects.get_or_create(name=f"Persetujuan {group.name}")
    task.groups.set([group])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def innovation_index() -> InnovationIndexPage:
    index_page = InnovationIndexPage.objects.first()
    if index_page is None:
        raise SetupError(
            "the site has no innovation library (InnovationIndexPage) yet; "
            "run `manage.py load_demo_data` or add one under the home page in the admin"
        )
    return index_page


@transaction.atomic
def ensure_national_moderation() -> InnovationIndexPage:
    """National admins moderate the whole library unless a hub's workflow applies.

    Returns the library index page the national workflow is assigned to."""
    index_page = innovation_index()
    group = _admin_group(NATIONAL_GROUP, extra=REPLICATION_PERMISSIONS)
    _grant_pages(group, index_page, MODERATOR_PAGE_PERMISSIONS)
    workflow = _approval_workflow(f"Moderasi {NATIONAL_GROUP}", group)
    WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": workflow})
    return index_page


@dataclass
class HubSetup:
    hub: Hub
    group: Group
    workflow: Workflow
    folders: list


def _hub_moderation(hub: Hub) -> tuple[Group, Workflow]:
    """The hub's facilitators' group and moderation workflow, created once."""
    group = _admin_group(f"Fasilitator {hub.name}", extra=REPLICATION_PERMISSIONS)
    if hub.facilitator_group_id != group.pk:
        hub.facilitator_group = group
        hub.save(update_fields=["facilitator_group"])
    return group, _approval_workflow(f"Moderasi {hub.name}", group)


@transaction.atomic
def create_hub(*, slug: str) -> HubSetup:
    """The facilitators' group and moderation workflow of a hub, over its members' folders.

    Idempotent. Facilitators may publish in the folders of the hub's member regencies only.
    """
    try:
        hub = Hub.objects.select_related("province").get(slug=slug)
    except Hub.DoesNotExist:
        known = ", ".join(Hub.objects.values_list("slug", flat=True)) or "none"
        raise SetupError(f"unknown hub {slug!r} (known hubs: {known})") from None
    ensure_national_moderation()
    group, workflow = _hub_moderation(hub)
    folders = list(RegencyFolderPage.objects.filter(regency__hubs=hub).select_related("regency"))
    for folder in folders:
        _attach_folder_to_hub(folder, regency_collection(folder.regency), group, workflow)
    # Full rights on the hub's own pages: its profile and its events (DESIGN section 3).
    for hub_page in HubPage.objects.filter(hub=hub):
        _grant_pages(group, hub_page, HUB_PAGE_PERMISSIONS)
    return HubSetup(hub, group, workflow, folders)


def _attach_folder_to_hub(folder, collection, group, workflow):
    _grant_pages(group, folder, MODERATOR_PAGE_PERMISSIONS)
    _grant_collection(group, collection)
    WorkflowPage.objects.update_or_create(page=folder, defaults={"workflow": workflow})


def regency_collection(regency) -> Collection:
    """The regency's image and document collection, inside its province's collection.

    Wagtail keeps sibling collections sorted by name and renumbers the siblings after each
    insert; grouping by province keeps that to at most a few dozen siblings.
    """
    province = _child_collection(Collection.get_first_root_node(), regency.province.name)
    return _child_collection(province, regency.name)


def _child_collection(parent: Collection, name: str) -> Collection:
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(name=name)


@dataclass
class RegencySetup:
    folder: RegencyFolderPage
    group: Group
    folder_created: bool
    editor: object = None
    editor_created: bool = False


class _ModerationCache:
    """Moderation set-up done once per batch of onboardings (an import)."""

    def __init__(self):
        self.index_page = None
        self.hubs = {}

    def library(self) -> InnovationIndexPage:
        """The library index, with national moderation ensured on first use."""
        if self.index_page is None:
            self.index_page = ensure_national_moderation()
        return self.index_page

    def hub(self, hub):
        if hub.pk not in self.hubs:
            self.hubs[hub.pk] = _hub_moderation(hub)
        return self.hubs[hub.pk]


@transaction.atomic
def onboard_regency(
    *, regency, editor_email: str | None = None, cache: _ModerationCache | None = None
) -> RegencySetup:
    """A regency's folder, editors' group, image collection and moderation. Idempotent.

    Editors may add and edit cases in their own folder only and cannot publish: submitting
    starts the moderation workflow of the regency's hub, or the national one.
    """
    with _permission_batch():
        return _onboard(regency, editor_email, cache or _ModerationCache())


def _onboard(regency, editor_email, cache) -> RegencySetup:
    index_page = cache.library()
    group = _admin_group(f"Editor {regency.name}", extra=REPLICATION_PERMISSIONS)
    folder = RegencyFolderPage.objects.filter(regency=regency).first()
    created = folder is None
    if created:
        folder = RegencyFolderPage(
            title=regency.name, slug=slugify(regency.name), regency=regency, editor_group=group
        )
        add_child_page(parent=index_page, page=folder)
    elif folder.editor_group_id != group.pk:
        RegencyFolderPage.objects.filter(pk=folder.pk).update(editor_group=group)
        folder.editor_group = group
    collection = regency_collection(regency)
    _grant_pages(group, folder, EDITOR_PAGE_PERMISSIONS)
    _grant_collection(group, collection)
    for hub in regency.hubs.all():
        _attach_folder_to_hub(folder, collection, *cache.hub(hub))
    setup = RegencySetup(folder, group, created)
    if editor_email:
        setup.editor, setup.editor_created = _editor_account(editor_email, group)
    return setup


def _editor_account(email, group):
    validate_email(email)
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = user_model(username=email.lower(), email=email.lower(), is_active=True)
        user.set_unusable_password()
        user.save()
    user.groups.add(group)
    return user, created


# --- Import of the interchange format -----------------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    moved: int = 0
    folders_created: int = 0
    replications_created: int = 0
    draft: bool = False


def _apply_record(page: InnovationPage, record: CaseRecord) -> None:
    page.title = record.title
    page.slug = record.slug
    page.summary = record.summary
    for key, text in record.texts.items():
        if key in record.present or not getattr(page, key):
            setattr(page, key, plain_to_rich(text))
    page.year_started = record.year
    page.award = record.award
    page.stage = record.stage
    page.video_url = record.video_url
    page.contact_name = record.contact_name
    page.contact_email = record.contact_email
    page.sectors = record.sectors
    page.sdgs = record.sdgs
    page.keywords.set(record.keywords)
    page.regency = record.regency


@transaction.atomic
def import_innovations(*, records, draft: bool = False, progress=None) -> ImportSummary:
    """Upsert validated interchange records by slug, in one transaction.

    New cases go into their regency's folder (onboarded on the way); a case whose regency
    changed moves folders. Cases are published unless `draft`, in which case new cases stay
    unpublished and changes to published cases wait in a draft revision. Replications named in
    `replicated_by` are added (existing ledger entries are never removed by an import).
    """
    summary = ImportSummary(draft=draft)
    regencies = {record.regency for record in records}
    folders = {
        folder.regency_id: folder
        for folder in RegencyFolderPage.objects.filter(regency__in=regencies)
    }
    cache = _ModerationCache()
    with deferred_search_indexing(InnovationPage, RegencyFolderPage) as written:
        with _permission_batch():
            for regency in sorted(regencies, key=lambda r: r.code):
                if regency.pk not in folders:
                    folder = onboard_regency(regency=regency, cache=cache).folder
                    folders[regency.pk] = folder
                    written.append(folder)
                    summary.folders_created += 1
        _upsert_records(records, folders, draft, summary, written, progress)
    return summary


@contextmanager
def deferred_search_indexing(*models):
    """Index the pages written inside the block in bulk at its end, one call per model.

    Wagtail queues a search-index and a reference-index update on every save, and its
    database search backend renormalises the whole index on each; an imported page is saved
    two or three times. The per-save handlers of `models` are paused for the block; the caller
    appends the pages it wrote to the yielded list.
    """
    written = []
    for model in models:
        post_save.disconnect(search_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield written
    finally:
        for model in models:
            post_save.connect(search_signal_handler, sender=model)
    for model in models:
        # Read back what is live: a draft change must not reach the public index.
        ids = [obj.pk for obj in written if isinstance(obj, model)]
        live = list(model.objects.live().filter(pk__in=ids))
        for backend in get_search_backends():
            backend.add_bulk(model, live)
    for obj in written:
        ReferenceIndex.create_or_update_for_object(obj)
    cases_written.send(
        sender=InnovationPage, page_ids=[o.pk for o in written if isinstance(o, InnovationPage)]
    )


def import_conflicts(records, *, draft: bool) -> list[Problem]:
    """Lines that are valid on their own but cannot be applied to this site as asked."""
    if not draft:
        return []
    published = {
        page.slug: page
        for page in InnovationPage.objects.live().filter(slug__in=[r.slug for r in records])
    }
    return [
        Problem(
            record.line,
            "regency",
            f"{record.slug!r} is published under {published[record.slug].regency}; a draft "
            "import cannot move it to another regency (import without --draft, or move it "
            "in the admin)",
        )
        for record in records
        if record.slug in published and published[record.slug].regency_id != record.regency.pk
    ]


def _create_page(record, folder, draft) -> InnovationPage:
    page = InnovationPage()
    page._validated_by_import = True
    _apply_record(page, record)
    return add_child_page(parent=folder, page=page, publish=not draft)


def _upsert_records(records, folders, draft, summary, written, progress):
    existing = {
        page.slug: page
        for page in InnovationPage.objects.filter(slug__in=[r.slug for r in records])
    }
    known_replications = set(
        Replication.objects.filter(innovation__in=existing.values()).values_list(
            "innovation_id", "adopting_regency_id"
        )
    )
    new_replications = []
    for record in records:
        folder = folders[record.regency.pk]
        page = existing.get(record.slug)
        if page is None:
            page = _create_page(record, folder, draft)
            summary.created += 1
        else:
            if page.regency_id != record.regency.pk:
                page.move(folder, pos="last-child")
                page = InnovationPage.objects.get(pk=page.pk)
                summary.moved += 1
            _apply_record(page, record)
            revision = page.save_revision(clean=False)
            if not draft:
                revision.publish()
            summary.updated += 1
        written.append(page)
        for adopter in record.replicated_by:
            if (page.pk, adopter.pk) not in known_replications:
                known_replications.add((page.pk, adopter.pk))
                new_replications.append(
                    Replication(
                        innovation=page,
                        adopting_regency=adopter,
                        status=Replication.Status.BERJALAN,
                    )
                )
        if progress is not None:
            progress(1)
    Replication.objects.bulk_create(new_replications)
    summary.replications_created = len(new_replications)


# --- Replication ledger -------------------------------------------------------------------------


@transaction.atomic
def confirm_replication(*, replication: Replication, user) -> Replication:
    """Mark a replication confirmed by the source regency or its hub."""
    from .permissions import can_confirm

    if not can_confirm(user, replication):
        raise PermissionError("only the source regency or its hub may confirm a replication")
    replication.confirmed = True
    replication.confirmed_by = user
    replication.confirmed_at = timezone.now()
    replication.save(update_fields=["confirmed", "confirmed_by", "confirmed_at", "updated_at"])
    return replication


@transaction.atomic
def open_replication_for_plan(*, plan, user) -> Replication:
    """Open (or find) the ledger entry for an action plan's case and regency, planned."""
    if plan.case_id is None:
        raise SetupError("the action plan names no innovation case to replicate")
    if plan.case.regency_id == plan.regency_id:
        raise SetupError("a regency cannot replicate its own innovation")
    replication, _created = Replication.objects.get_or_create(
        innovation_id=plan.case_id,
        adopting_regency_id=plan.regency_id,
        defaults={"status": Replication.Status.RENCANA, "created_by": user},
    )
    plan.replication = replication
    plan.save(update_fields=["replication"])
    return replication
