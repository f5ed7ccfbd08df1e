"""The Wagtail admin works in Indonesian and English."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user_with_language():
    def make(language):
        user = get_user_model().objects.create_superuser(
            username=f"admin-{language or 'default'}", email="a@example.go.id", password="pw"
        )
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        return user

    return make


def test_admin_login_page_is_indonesian_by_default(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="id"' in html
    assert "Masuk" in html


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("", "Dasbor", "Dashboard"), ("id", "Dasbor", "Dashboard"), ("en", "Dashboard", "Dasbor")],
)
def test_admin_dashboard_in_the_users_language(
    client, admin_user_with_language, home_page, language, expected, absent
):
    client.force_login(admin_user_with_language(language))
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{expected}" in html
    assert absent not in html.split("<body", 1)[0]


@pytest.mark.parametrize(
    ("language", "menu_labels"),
    [
        ("id", ['"label": "Taksonomi"', '"label": "Urusan"', '"label": "Kabupaten/kota"']),
        ("en", ['"label": "Taxonomy"', '"label": "Sectors"', '"label": "Regencies/cities"']),
    ],
)
def test_reference_menu_follows_the_language(
    client, admin_user_with_language, home_page, language, menu_labels
):
    client.force_login(admin_user_with_language(language))
    html = client.get("/admin/").content.decode()
    for label in menu_labels:
        assert label in html


def test_admin_offers_both_languages_in_account_settings(client, admin_user_with_language):
    client.force_login(admin_user_with_language("id"))
    html = client.get("/admin/account/").content.decode()
    assert 'value="en"' in html
    assert 'value="id"' in html
