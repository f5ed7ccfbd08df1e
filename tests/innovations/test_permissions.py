"""Who may do what in the library's page tree: regency editors, hub facilitators, national admins.

DESIGN.md section 3: regency editors add and edit in their own folder and cannot publish;
submitting starts their hub's moderation workflow (or the national one); facilitators publish in
their member regencies' folders; regency A's editors never edit, publish or see B's drafts.
"""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Revision,
    TaskState,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from hubs.models import Hub, Regency
from innovations.models import InnovationIndexPage, InnovationPage, RegencyFolderPage, Sector
from innovations.services import NATIONAL_GROUP, create_hub, onboard_regency
from jipp.services import add_child_page
from tests.factories import InnovationIndexPageFactory, InnovationPageFactory, build_site_tree

pytestmark = pytest.mark.django_db

# Wagtail's admin answers a permission denial with a redirect to the dashboard (or a 403).
DENIED = (302, 403)


def _counts():
    return {
        "groups": Group.objects.count(),
        "page permissions": GroupPagePermission.objects.count(),
        "collection permissions": GroupCollectionPermission.objects.count(),
        "workflow pages": WorkflowPage.objects.count(),
        "collections": Collection.objects.count(),
        "folders": RegencyFolderPage.objects.count(),
        "users": get_user_model().objects.count(),
    }


def _run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# --- Management commands ------------------------------------------------------------------------


def test_onboard_regency_creates_folder_group_and_editor(library):
    output = _run("onboard_regency", "35.10", editor="a@example.go.id")

    folder = RegencyFolderPage.objects.get(regency__code="35.10")
    assert "inovasi/kabupaten-banyuwangi/ (created)" in output
    assert "group 'Editor Kabupaten Banyuwangi'" in output
    assert "created user a@example.go.id without a password" in output
    assert folder.get_parent().pk == library.pk
    assert folder.live
    assert folder.editor_group.name == "Editor Kabupaten Banyuwangi"
    editor = get_user_model().objects.get(email="a@example.go.id")
    assert not editor.has_usable_password()
    assert list(editor.groups.all()) == [folder.editor_group]
    # A Jawa Timur member: its folder is moderated by the hub's workflow.
    assert folder.get_workflow().name == "Moderasi Jawa Timur"


def test_onboard_regency_and_create_hub_are_idempotent(library):
    _run("onboard_regency", "35.10", editor="a@example.go.id")
    hub_output = _run("create_hub", "jawa-timur")
    assert (
        "Hub JIPP Jawa Timur: group 'Fasilitator Jawa Timur', workflow 'Moderasi Jawa Timur', "
        "1 member folder(s) moderated." in hub_output
    )
    before = _counts()

    again = _run("onboard_regency", "Kabupaten Banyuwangi", editor="A@Example.go.id")
    assert "(already there)" in again
    assert "added a@example.go.id to the editors" in again
    assert _run("create_hub", "jawa-timur") == hub_output

    assert _counts() == before
    assert RegencyFolderPage.objects.filter(regency__code="35.10").count() == 1
    assert WorkflowPage.objects.filter(workflow__name="Moderasi Jawa Timur").count() == 1


def test_create_hub_before_onboarding_gives_the_same_rights(library):
    create_hub(slug="jawa-timur")
    folder = onboard_regency(regency=Regency.objects.get(code="35.78")).folder
    hub = Hub.objects.get(slug="jawa-timur")
    granted = set(
        GroupPagePermission.objects.filter(group=hub.facilitator_group, page=folder).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= granted
    assert folder.get_workflow().name == "Moderasi Jawa Timur"


def test_onboard_regency_unknown_regency_suggests_a_name(library):
    with pytest.raises(CommandError, match=r"did you mean Kota Surabaya \(35\.78\)"):
        _run("onboard_regency", "Kota Surabya")
    assert not RegencyFolderPage.objects.exists()


def test_create_hub_unknown_hub_lists_the_known_ones(library):
    with pytest.raises(CommandError, match=r"unknown hub 'jatim'.*jawa-timur"):
        _run("create_hub", "jatim")
    assert not Group.objects.filter(name__startswith="Fasilitator").exists()


def test_onboard_regency_bad_email_is_an_error_and_writes_nothing(library):
    before = _counts()
    with pytest.raises(CommandError, match="not an e-mail address"):
        _run("onboard_regency", "35.10", editor="bukan-surel")
    assert _counts() == before
    assert not RegencyFolderPage.objects.filter(regency__code="35.10").exists()


# --- A library with three onboarded regencies and two hubs ---------------------------------------


def _case_form(title, slug, **actions):
    """The add/edit form of an innovation case as the admin posts it."""
    return {
        "sectors": [Sector.objects.get(code="2.12").pk],
        **nested_form_data(
            {
                "title": title,
                "slug": slug,
                "summary": "Warga mengurus izin dari rumah.",
                "year_started": "2021",
                "metrics": inline_formset([]),
                "gallery_images": inline_formset([]),
                "documents": inline_formset([]),
                "comments": inline_formset([]),
            }
        ),
        **actions,
    }


def _draft(folder, title, slug):
    page = InnovationPage(title=title, slug=slug, summary="Belum terbit.")
    page.sectors = list(Sector.objects.filter(code="2.12"))
    return add_child_page(parent=folder, page=page, publish=False)


@pytest.fixture(scope="class")
def site(django_db_setup, django_db_blocker):
    """Built once per test class and rolled back after it (each test runs in a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        home = build_site_tree(title="Jaringan Inovasi Pelayanan Publik")
        library = InnovationIndexPageFactory(parent=home)
        users = get_user_model().objects
        a = onboard_regency(
            regency=Regency.objects.get(code="35.10"), editor_email="a@example.go.id"
        )
        b = onboard_regency(regency=Regency.objects.get(code="35.78"))
        bandung = onboard_regency(regency=Regency.objects.get(code="32.73"))
        jatim = create_hub(slug="jawa-timur")
        sulsel = create_hub(slug="sulawesi-selatan")
        world = SimpleNamespace(
            library=library,
            a=a.folder,
            b=b.folder,
            bandung=bandung.folder,
            jatim=jatim,
            editor_a=a.editor,
            editor_b=users.create_user(username="editor-b", email="b@example.go.id"),
            editor_bandung=users.create_user(username="editor-bdg", email="c@example.go.id"),
            facilitator_jatim=users.create_user(username="fas-jatim"),
            facilitator_sulsel=users.create_user(username="fas-sulsel"),
            national_admin=users.create_user(username="nasional"),
            a_draft=_draft(a.folder, "Rancangan Banyuwangi", "rancangan-banyuwangi"),
            b_draft=_draft(b.folder, "Rahasia Surabaya", "rahasia-surabaya"),
            b_live=InnovationPageFactory(parent=b.folder, title="Layanan Surabaya"),
        )
        world.editor_b.groups.add(b.group)
        world.editor_bandung.groups.add(bandung.group)
        world.facilitator_jatim.groups.add(jatim.group)
        world.facilitator_sulsel.groups.add(sulsel.group)
        world.national_admin.groups.add(Group.objects.get(name=NATIONAL_GROUP))
        yield world
        transaction.set_rollback(True)


def _page(page):
    return InnovationPage.objects.get(pk=page.pk)


def _submit_new_case(client, user, folder, title, slug):
    client.force_login(user)
    response = client.post(
        f"/admin/pages/add/innovations/innovationpage/{folder.pk}/",
        _case_form(title, slug, **{"action-submit": "1"}),
    )
    assert response.status_code == 302
    return InnovationPage.objects.get(slug=slug)


class TestRegencyEditor:
    def test_opens_the_add_form_in_own_folder(self, site, client):
        client.force_login(site.editor_a)
        response = client.get(f"/admin/pages/add/innovations/innovationpage/{site.a.pk}/")
        assert response.status_code == 200
        assert 'name="summary"' in response.content.decode()

    def test_creates_a_draft_case_in_own_folder(self, site, client):
        client.force_login(site.editor_a)
        response = client.post(
            f"/admin/pages/add/innovations/innovationpage/{site.a.pk}/",
            _case_form("Izin Online Banyuwangi", "izin-online-banyuwangi"),
        )
        assert response.status_code == 302
        case = InnovationPage.objects.get(slug="izin-online-banyuwangi")
        assert case.get_parent().pk == site.a.pk
        assert case.regency.code == "35.10"
        assert not case.live
        assert case.owner == site.editor_a
        assert case.latest_revision.user == site.editor_a

    def test_submitting_starts_the_hub_workflow(self, site, client):
        case = _submit_new_case(client, site.editor_a, site.a, "Klinik Desa", "klinik-desa")
        assert not case.live
        state = case.current_workflow_state
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.workflow.name == "Moderasi Jawa Timur"
        assert state.requested_by == site.editor_a
        approvers = set(case.current_workflow_task.specific.groups.all())
        hub = Hub.objects.get(slug="jawa-timur")
        assert approvers == {hub.facilitator_group}
        assert hub.facilitator_group.name == "Fasilitator Jawa Timur"

    def test_cannot_publish_a_new_case(self, site, client):
        client.force_login(site.editor_a)
        client.post(
            f"/admin/pages/add/innovations/innovationpage/{site.a.pk}/",
            _case_form("Pasar Digital", "pasar-digital", **{"action-publish": "1"}),
        )
        case = InnovationPage.objects.get(slug="pasar-digital")
        assert not case.live
        assert case.live_revision is None

    def test_cannot_publish_an_own_draft(self, site, client):
        client.force_login(site.editor_a)
        response = client.post(
            f"/admin/pages/{site.a_draft.pk}/edit/",
            _case_form("Rancangan Baru", "rancangan-banyuwangi", **{"action-publish": "1"}),
        )
        assert response.status_code == 302
        draft = _page(site.a_draft)
        # The change was kept as a draft revision, not published.
        assert draft.get_latest_revision_as_object().title == "Rancangan Baru"
        assert not draft.live
        assert draft.live_revision is None

    def test_cannot_approve_own_submission(self, site, client):
        case = _submit_new_case(client, site.editor_a, site.a, "Sampah Pintar", "sampah-pintar")
        task_state = case.current_workflow_task_state
        response = client.post(
            f"/admin/pages/workflow/action/{case.pk}/approve/{task_state.pk}/", {"comment": ""}
        )
        assert response.status_code in DENIED
        assert not _page(case).live
        assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS

    @pytest.mark.parametrize(
        "url",
        [
            "/admin/pages/{b_draft}/edit/",
            "/admin/pages/{b_draft}/edit/preview/",
            "/admin/pages/{b_draft}/view_draft/",
            "/admin/pages/{b_draft}/history/",
            "/admin/pages/{b_draft}/revisions/{revision}/view/",
            "/admin/pages/{b_draft}/workflow_history/",
            "/admin/pages/{b_live}/edit/",
            "/admin/pages/{b_folder}/edit/",
            "/admin/pages/add/innovations/innovationpage/{b_folder}/",
        ],
    )
    def test_has_no_access_to_another_regency(self, site, client, url):
        client.force_login(site.editor_a)
        response = client.get(
            url.format(
                b_draft=site.b_draft.pk,
                b_live=site.b_live.pk,
                b_folder=site.b.pk,
                revision=site.b_draft.latest_revision_id,
            )
        )
        assert response.status_code in DENIED
        assert "Rahasia Surabaya" not in response.content.decode()

    def test_explorer_of_another_regency_shows_nothing_of_it(self, site, client):
        client.force_login(site.editor_a)
        response = client.get(f"/admin/pages/{site.b.pk}/")
        assert response.status_code in DENIED
        if response.status_code == 302:
            assert response["Location"] != f"/admin/pages/{site.b.pk}/"
        followed = client.get(f"/admin/pages/{site.b.pk}/", follow=True).content.decode()
        assert "Rahasia Surabaya" not in followed
        # Their own folder is where they land and work.
        own = client.get(f"/admin/pages/{site.a.pk}/")
        assert own.status_code == 200
        assert "Rancangan Banyuwangi" in own.content.decode()

    def test_cannot_change_another_regencys_pages(self, site, client):
        client.force_login(site.editor_a)
        revisions = Revision.objects.count()
        publish = {"action-publish": "1"}
        edit = client.post(
            f"/admin/pages/{site.b_draft.pk}/edit/",
            _case_form("Diubah", "rahasia-surabaya", **publish),
        )
        preview = client.post(
            f"/admin/pages/{site.b_draft.pk}/edit/preview/",
            _case_form("Pratinjau", "rahasia-surabaya"),
        )
        add = client.post(
            f"/admin/pages/add/innovations/innovationpage/{site.b.pk}/",
            _case_form("Titipan", "titipan", **publish),
        )
        unpublish = client.post(f"/admin/pages/{site.b_live.pk}/unpublish/")
        for response in (edit, preview, add, unpublish):
            assert response.status_code in DENIED
        draft = _page(site.b_draft)
        assert (draft.title, draft.live) == ("Rahasia Surabaya", False)
        assert draft.get_latest_revision_as_object().title == "Rahasia Surabaya"
        assert _page(site.b_live).live
        assert not InnovationPage.objects.filter(slug="titipan").exists()
        assert Revision.objects.count() == revisions

    def test_another_regencys_draft_is_not_public(self, site, client):
        folder_url = "/inovasi/kota-surabaya/"
        assert client.get(f"{folder_url}rahasia-surabaya/").status_code == 404
        assert client.get(f"{folder_url}{site.b_live.slug}/").status_code == 200
        folder = client.get(folder_url).content.decode()
        assert "Layanan Surabaya" in folder
        assert "Rahasia Surabaya" not in folder
        assert "Rahasia Surabaya" not in client.get("/inovasi/").content.decode()
        client.force_login(site.editor_a)
        assert client.get(f"{folder_url}rahasia-surabaya/").status_code == 404

    def test_page_chooser_does_not_show_another_regencys_drafts(self, site, client):
        """DESIGN.md: A's editors never see B's drafts; the admin's page chooser lists them."""
        client.force_login(site.editor_a)
        browse = client.get(f"/admin/choose-page/{site.b.pk}/")
        search = client.get("/admin/choose-page/search/", {"q": "Rahasia"})
        assert browse.status_code == search.status_code == 200
        assert "Layanan Surabaya" in browse.content.decode()
        assert "Rahasia Surabaya" not in browse.content.decode()
        assert "Rahasia Surabaya" not in search.content.decode()

    def test_can_browse_but_not_change_reference_data(self, site, client):
        client.force_login(site.editor_a)
        sector = Sector.objects.get(code="2.12")
        url = f"/admin/snippets/innovations/sector/edit/{sector.pk}/"
        listing = client.get("/admin/snippets/innovations/sector/")
        assert listing.status_code == 200
        assert sector.name_id in listing.content.decode()
        assert client.get("/admin/snippets/hubs/regency/").status_code == 200
        assert client.get(url).status_code in DENIED
        response = client.post(
            url,
            {"code": "2.12", "name_id": "Diubah", "group": sector.group, "sort_order": "0"},
        )
        assert response.status_code in DENIED
        assert Sector.objects.get(pk=sector.pk).name_id == sector.name_id


class TestHubFacilitators:
    def test_publishes_a_member_regencys_case(self, site, client):
        client.force_login(site.facilitator_jatim)
        response = client.post(
            f"/admin/pages/{site.b_draft.pk}/edit/",
            _case_form("Rahasia Surabaya", "rahasia-surabaya", **{"action-publish": "1"}),
        )
        assert response.status_code == 302
        assert _page(site.b_draft).live
        assert client.get("/inovasi/kota-surabaya/rahasia-surabaya/").status_code == 200

    def test_facilitator_of_another_hub_cannot_publish(self, site, client):
        client.force_login(site.facilitator_sulsel)
        assert client.get(f"/admin/pages/{site.b_draft.pk}/edit/").status_code in DENIED
        response = client.post(
            f"/admin/pages/{site.b_draft.pk}/edit/",
            _case_form("Diterbitkan", "rahasia-surabaya", **{"action-publish": "1"}),
        )
        assert response.status_code in DENIED
        draft = _page(site.b_draft)
        assert (draft.title, draft.live) == ("Rahasia Surabaya", False)

    def test_facilitator_cannot_publish_outside_the_hub(self, site, client):
        draft = _draft(site.bandung, "Rancangan Bandung", "rancangan-bandung")
        client.force_login(site.facilitator_jatim)
        response = client.post(
            f"/admin/pages/{draft.pk}/edit/",
            _case_form("Rancangan Bandung", "rancangan-bandung", **{"action-publish": "1"}),
        )
        assert response.status_code in DENIED
        assert not _page(draft).live

    def test_approves_a_submitted_case(self, site, client):
        case = _submit_new_case(client, site.editor_a, site.a, "Klinik Apung", "klinik-apung")
        task_state = case.current_workflow_task_state
        client.force_login(site.facilitator_jatim)
        response = client.post(
            f"/admin/pages/workflow/action/{case.pk}/approve/{task_state.pk}/", {"comment": ""}
        )
        assert response.status_code == 302
        case = _page(case)
        assert case.live
        assert not case.workflow_in_progress
        assert TaskState.objects.get(pk=task_state.pk).finished_by == site.facilitator_jatim

    def test_facilitator_of_another_hub_cannot_approve(self, site, client):
        case = _submit_new_case(client, site.editor_a, site.a, "Kali Bersih", "kali-bersih")
        task_state = case.current_workflow_task_state
        client.force_login(site.facilitator_sulsel)
        response = client.post(
            f"/admin/pages/workflow/action/{case.pk}/approve/{task_state.pk}/", {"comment": ""}
        )
        assert response.status_code in DENIED
        assert not _page(case).live
        assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS


class TestNationalModeration:
    def test_regency_outside_hubs_inherits_the_national_workflow(self, site):
        workflow = site.bandung.get_workflow()
        assert workflow.name.startswith("Moderasi")
        assert not WorkflowPage.objects.filter(page=site.bandung).exists()
        assert WorkflowPage.objects.get(page=site.library).workflow == workflow
        assert InnovationIndexPage.objects.get().get_workflow() == workflow
        assert site.a.get_workflow().name == "Moderasi Jawa Timur"

    def test_submission_is_moderated_by_national_admins(self, site, client):
        case = _submit_new_case(
            client, site.editor_bandung, site.bandung, "Bandung Juara", "bandung-juara"
        )
        assert case.regency.code == "32.73"
        assert case.current_workflow_state.workflow == site.bandung.get_workflow()
        approvers = set(case.current_workflow_task.specific.groups.all())
        assert approvers == {Group.objects.get(name=NATIONAL_GROUP)}
        task_state = case.current_workflow_task_state
        approve = f"/admin/pages/workflow/action/{case.pk}/approve/{task_state.pk}/"

        client.force_login(site.facilitator_jatim)
        assert client.post(approve, {"comment": ""}).status_code in DENIED
        assert not _page(case).live

        client.force_login(site.national_admin)
        assert client.post(approve, {"comment": ""}).status_code == 302
        assert _page(case).live
