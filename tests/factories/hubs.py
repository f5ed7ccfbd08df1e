import shutil
from datetime import timedelta

import factory
import wagtail_factories
from django.utils import timezone

from hubs.models import EventIndexPage, EventPage, Hub, HubIndexPage, HubPage, Regency


class HubIndexPageFactory(wagtail_factories.PageFactory):
    title = "Hub"
    slug = "hub"
    title_en = "Hubs"

    class Meta:
        model = HubIndexPage


class HubPageFactory(wagtail_factories.PageFactory):
    hub = factory.LazyFunction(lambda: Hub.objects.get(slug="jawa-timur"))
    title = factory.LazyAttribute(lambda o: str(o.hub))
    slug = factory.LazyAttribute(lambda o: o.hub.slug)

    class Meta:
        model = HubPage


class EventIndexPageFactory(wagtail_factories.PageFactory):
    title = "Agenda"
    slug = "agenda"
    title_en = "Events"

    class Meta:
        model = EventIndexPage


class EventPageFactory(wagtail_factories.PageFactory):
    """A workshop in Kota Makassar a week from now, 09:00-12:00 WITA, open for registration."""

    title = factory.Sequence(lambda n: f"Lokakarya Replikasi Inovasi {n}")
    slug = factory.Sequence(lambda n: f"lokakarya-{n}")
    kind = "lokakarya"
    start = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(
            hour=1, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=3))
    venue_regency = factory.LazyFunction(lambda: Regency.objects.get(code="73.71"))
    venue_name = "Ruang Rapat Bappeda"
    capacity = 10

    class Meta:
        model = EventPage


def hub_page(slug, home_page) -> HubPage:
    """The HubPage of hub `slug` under /hub/ (created on first use)."""
    index = HubIndexPage.objects.first() or HubIndexPageFactory(parent=home_page)
    existing = HubPage.objects.filter(hub__slug=slug).first()
    return existing or HubPageFactory(parent=index, hub=Hub.objects.get(slug=slug))


def edited_reference_folder(tmp_path, filename: str, old: str, new: str):
    """A copy of fixtures/reference/ in which `filename` has `old` replaced by `new`."""
    from innovations.services import REFERENCE_FOLDER

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_FOLDER, folder)
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def event_document(title="Salindia lokakarya", name="salindia.pdf", content=None):
    """A Wagtail document (a small PDF unless `content` is given), e.g. an event's material."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    body = content if content is not None else b"%PDF-1.4\n% JIPP materi\n%%EOF\n"
    return get_document_model().objects.create(title=title, file=ContentFile(body, name=name))


def facilitator(slug, username, password=None):
    """A user in the "Fasilitator <hub>" group of hub `slug` (the group made by create_hub).

    Create the hub's page first: create_hub grants the group its rights on that page.
    """
    from django.contrib.auth import get_user_model

    from innovations.services import create_hub

    user = get_user_model().objects.create_user(username, password=password)
    user.groups.add(create_hub(slug=slug).group)
    return user
