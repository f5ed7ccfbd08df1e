"""Writes for the site structure: the home page as the default site's root."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def ensure_home_page(*, title: str, slug: str = "beranda", **fields) -> HomePage:
    """Make a HomePage the root of the default site, creating it once.

    The site's host and port are taken from SITE_BASE_URL, so absolute URLs (feeds, the API,
    e-mails) point at the real site.
    Wagtail's migration leaves a plain "Welcome" page as the default site's root; it is
    replaced (and deleted when it is still a plain, childless page). An existing HomePage is
    returned unchanged, so editors' work is never overwritten.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        current = site.root_page.specific
        if isinstance(current, HomePage):
            return current
    home = HomePage.objects.first()
    if home is None:
        tree_root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = tree_root.add_child(instance=HomePage(title=title, slug=slug, **fields))
        home.save_revision().publish()
    base = urlsplit(settings.SITE_BASE_URL)
    address = {
        "hostname": base.hostname or "localhost",
        "port": base.port or (443 if base.scheme == "https" else 80),
    }
    if site is None:
        Site.objects.create(root_page=home, is_default_site=True, **address)
        return home
    previous = site.root_page
    site.root_page = home
    site.hostname, site.port = address["hostname"], address["port"]
    site.save()
    if type(previous.specific) is Page and previous.is_leaf():
        previous.delete()
    return home


@transaction.atomic
def add_child_page(*, parent: Page, page: Page, publish: bool = True) -> Page:
    """Add a new page under `parent` with its first revision, published unless told not to.

    For a brand-new page this leaves the same state as Wagtail's publish action (live, first
    revision as the live revision, publish dates, a log entry) without re-reading the
    revision it has just written, which matters when thousands of pages are imported.
    """
    page.live = publish
    page.has_unpublished_changes = not publish
    if publish:
        page.first_published_at = page.last_published_at = timezone.now()
    parent.add_child(instance=page)
    revision = page.save_revision(clean=False, log_action=False)
    if publish:
        type(page).objects.filter(pk=page.pk).update(
            live_revision=revision, has_unpublished_changes=False
        )
        page.live_revision, page.has_unpublished_changes = revision, False
    log(
        instance=page,
        action="wagtail.publish" if publish else "wagtail.create",
        revision=revision,
        content_changed=True,
    )
    return page


@transaction.atomic
def ensure_child_page(*, parent: Page, page: Page) -> tuple[Page, bool]:
    """Add `page` under `parent` unless a child with its slug exists. Returns (page, created)."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific, False
    return add_child_page(parent=parent, page=page), True
