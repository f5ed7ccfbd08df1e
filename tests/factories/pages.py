import factory
import wagtail_factories
from wagtail.models import Locale, Page, Site

from jipp.models import HomePage, StandardPage


class HomePageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=4, locale="id_ID")
    title_en = factory.Faker("sentence", nb_words=4)
    intro = factory.LazyFunction(lambda: "<p>Jaringan inovasi pelayanan publik.</p>")
    intro_en = factory.LazyFunction(lambda: "<p>A network of public-service innovation.</p>")

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=3, locale="id_ID")
    title_en = factory.Faker("sentence", nb_words=3)
    show_in_menus = True

    class Meta:
        model = StandardPage


def build_site_tree(**home_fields) -> HomePage:
    """A HomePage under the tree root as the default site's root page.

    Works on a freshly flushed database too (transactional and live-server tests), where
    Wagtail's migrated root page, locale and site are gone.
    """
    Locale.objects.get_or_create(language_code="id")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePageFactory(parent=root, **home_fields)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "JIPP"},
    )
    return home
