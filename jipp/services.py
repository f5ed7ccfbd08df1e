"""Writes for the site structure: the home page as the default site's root."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


@transaction.atomic
def ensure_home_page(*, title: str, slug: str = "beranda", **fields) -> HomePage:
    """Make a HomePage the root of the default site, creating it once.

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
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
        return home
    previous = site.root_page
    site.root_page = home
    site.save()
    if type(previous.specific) is Page and previous.is_leaf():
        previous.delete()
    return home


@transaction.atomic
def ensure_child_page(*, parent: Page, page: Page) -> tuple[Page, bool]:
    """Add `page` under `parent` unless a child with its slug exists. Returns (page, created)."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific, False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True
