"""RSS and Atom feeds of the library that follow the listing's filters."""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .selectors import FilterError, InnovationFilters, filtered_innovations
from .views import bad_filter_response

FEED_SIZE = 50


def feed_response(feed_class, request, *, index_page):
    """The feed for the request's filters, or 400 naming the filter it cannot use."""
    try:
        filters = InnovationFilters.from_query(request.GET)
    except FilterError as error:
        return bad_filter_response(error)
    return feed_class(index_page=index_page, filters=filters)(request)


class InnovationFeed(Feed):
    def __init__(self, *, index_page, filters):
        super().__init__()
        self.index_page = index_page
        self.filters = filters

    def get_object(self, request, *args, **kwargs):
        self.query = request.GET.urlencode()
        self.request = request
        return self.index_page

    def title(self, obj):
        return _("Inovasi pelayanan publik — JIPP")

    def link(self, obj):
        return obj.url + (f"?{self.query}" if self.query else "")

    def description(self, obj):
        if self.filters.is_active():
            return _("Inovasi terbaru yang sesuai dengan filter Anda.")
        return _("Inovasi pelayanan publik terbaru dari kabupaten dan kota.")

    def items(self, obj):
        self.filters.sort = "newest"
        return filtered_innovations(self.filters)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers treat descriptions as HTML; the summary is plain text.
        return linebreaksbr(escape(item.summary))

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [sector.name for sector in item.sectors.all()]

    def item_author_name(self, item):
        return item.regency.name if item.regency else None


class InnovationAtomFeed(InnovationFeed):
    feed_type = Atom1Feed
    subtitle = InnovationFeed.description
