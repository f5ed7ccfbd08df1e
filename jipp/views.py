"""View helpers shared by the apps."""

from django.http import Http404
from wagtail.models import Site


def public_page_at(request, page_path: str):
    """The live page without view restrictions at `page_path` (e.g. "hub/jawa-timur/") of
    the request's site, as its specific class; Http404 otherwise.

    For files served next to a page (`<page URL>agenda.ics`): Wagtail's page routes only match
    slash-terminated paths, so those have URL patterns of their own that find the page here.
    """
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    page, _args, _kwargs = site.root_page.specific.route(
        request, [part for part in page_path.split("/") if part]
    )
    page = page.specific
    if not page.live or page.get_view_restrictions().exists():
        raise Http404
    return page
