"""RSS of upcoming events."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from .templatetags.event_tags import event_when


class UpcomingEventsFeed(Feed):
    title = _("Agenda JIPP: acara mendatang")
    description = _("Lokakarya, webinar, studi tiru dan bimtek hub JIPP.")

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def link(self):
        return self.index_page.url

    def items(self):
        from .selectors import events_matching

        return events_matching(
            {"hub": [], "kind": [], "month": None, "mode": "", "when": "upcoming"}
        )[:50]

    def item_title(self, item):
        return f"{item.title} ({event_when(item)})"

    def item_description(self, item):
        return f"{item.get_kind_display()} · {item.hub}" if item.hub else item.get_kind_display()

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_guid(self, item):
        return f"{settings.SITE_BASE_URL}/event/{item.pk}"
