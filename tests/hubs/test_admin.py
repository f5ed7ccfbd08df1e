"""Reference data in the admin: searchable, filterable, choosable; read-only for non-admins."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from hubs.models import Regency
from innovations.models import Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(
        get_user_model().objects.create_superuser(username="root", email="r@x.go.id", password="p")
    )
    return client


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_user(username="editor", password="p")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_regency_listing_searches_by_name(superuser_client):
    response = superuser_client.get("/admin/snippets/hubs/regency/", {"q": "surabaya"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kota Surabaya" in html
    assert "Kabupaten Banyuwangi" not in html


def test_regency_listing_filters_by_province_and_kind(superuser_client):
    sulsel = Regency.objects.get(name="Kota Makassar").province
    response = superuser_client.get(
        "/admin/snippets/hubs/regency/", {"province": sulsel.pk, "kind": "kota"}
    )
    html = response.content.decode()
    assert "Kota Makassar" in html
    assert "Kota Parepare" in html
    assert "Kabupaten Gowa" not in html
    assert "Kota Surabaya" not in html


def test_sector_listing_filters_by_group(superuser_client):
    html = superuser_client.get(
        "/admin/snippets/innovations/sector/", {"group": "pilihan"}
    ).content.decode()
    assert "Pariwisata" in html
    assert "Kesehatan" not in html


def test_editor_can_browse_and_choose_reference_data(editor_client):
    for url in [
        "/admin/snippets/hubs/regency/",
        "/admin/snippets/hubs/province/",
        "/admin/snippets/innovations/sector/",
        "/admin/snippets/innovations/sdg/",
        "/admin/snippets/innovations/evaluationaspect/",
        "/admin/snippets/hubs/hub/",
    ]:
        assert editor_client.get(url).status_code == 200, url
    chooser = editor_client.get("/admin/snippets/choose/hubs/regency/", {"q": "makassar"})
    assert chooser.status_code == 200
    assert "Kota Makassar" in chooser.json()["html"]
    surabaya = Regency.objects.get(code="35.78")
    inspect = editor_client.get(f"/admin/snippets/hubs/regency/inspect/{surabaya.pk}/")
    assert inspect.status_code == 200
    assert "Kota Surabaya" in inspect.content.decode()


def test_editor_cannot_change_reference_data(editor_client):
    surabaya = Regency.objects.get(code="35.78")
    sector = Sector.objects.get(code="1.02")
    assert editor_client.get(f"/admin/snippets/hubs/regency/edit/{surabaya.pk}/").status_code in (
        302,
        403,
    )
    editor_client.post(
        f"/admin/snippets/hubs/regency/edit/{surabaya.pk}/",
        {
            "code": "35.78",
            "name": "Kota Pahlawan",
            "province": surabaya.province_id,
            "kind": "kota",
        },
    )
    editor_client.post(f"/admin/snippets/innovations/sector/delete/{sector.pk}/")
    editor_client.post(
        "/admin/snippets/hubs/regency/add/",
        {"code": "35.99", "name": "Kota Baru", "province": surabaya.province_id, "kind": "kota"},
    )
    surabaya.refresh_from_db()
    assert surabaya.name == "Kota Surabaya"
    assert Sector.objects.filter(pk=sector.pk).exists()
    assert not Regency.objects.filter(code="35.99").exists()
    listing = editor_client.get("/admin/snippets/hubs/regency/").content.decode()
    assert f"/admin/snippets/hubs/regency/edit/{surabaya.pk}/" not in listing
    assert "/admin/snippets/hubs/regency/add/" not in listing


def test_superuser_can_correct_a_regency_name(superuser_client):
    regency = Regency.objects.get(code="35.78")
    response = superuser_client.post(
        f"/admin/snippets/hubs/regency/edit/{regency.pk}/",
        {
            "code": "35.78",
            "name": "Kota Surabaya",
            "province": regency.province_id,
            "kind": "kota",
        },
    )
    assert response.status_code == 302
