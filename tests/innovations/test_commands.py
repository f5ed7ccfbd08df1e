from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from wagtail.models import Page, Site

from jipp.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_load_demo_data_builds_the_site_once(client):
    out = StringIO()
    call_command("load_demo_data", admin_password="rahasia-demo", stdout=out)
    assert "created superuser: admin" in out.getvalue()

    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.live
    # Wagtail's placeholder "Welcome" page is gone, the tree has one home page.
    assert Page.objects.filter(depth=2).count() == 1
    slugs = set(home.get_children().live().values_list("slug", flat=True))
    assert {"tentang", "panduan-replikasi"} <= slugs
    assert authenticate(username="admin", password="rahasia-demo").is_superuser

    pages_before = list(Page.objects.order_by("pk").values_list("pk", "path", "title"))
    out = StringIO()
    call_command("load_demo_data", admin_password="another", stdout=out)
    assert list(Page.objects.order_by("pk").values_list("pk", "path", "title")) == pages_before
    assert "superuser admin exists, left unchanged" in out.getvalue()
    assert authenticate(username="admin", password="rahasia-demo") is not None

    response = client.get("/")
    assert response.status_code == 200
    assert "Jaringan Inovasi Pelayanan Publik" in response.content.decode()
    assert client.get("/en/tentang/").status_code == 200


def test_load_demo_data_keeps_editors_changes():
    call_command("load_demo_data", stdout=StringIO())
    about = StandardPage.objects.get(slug="tentang")
    about.title = "Tentang Jaringan"
    about.save_revision().publish()
    call_command("load_demo_data", stdout=StringIO())
    assert StandardPage.objects.get(slug="tentang").title == "Tentang Jaringan"
    assert HomePage.objects.count() == 1


def test_load_demo_data_without_password_creates_no_user(django_user_model):
    call_command("load_demo_data", stdout=StringIO())
    assert not django_user_model.objects.exists()
