import pytest
from django.conf import settings
from django.utils import translation

from innovations.services import load_reference_data


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Indonesian: a request to /en/ leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as a new site does: nothing cached in one test
    (facet labels of a renamed sector, rate-limit counters) leaks into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the test database (as `make run` does)."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def restored_tables(transactional_db):
    """For tests with real commits: what the migrations and the session set-up put in the
    database, restored if an earlier such test ended by emptying every table."""
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    load_reference_data()


@pytest.fixture
def home_page(db):
    from tests.factories import build_site_tree

    return build_site_tree(
        title="Jaringan Inovasi Pelayanan Publik", title_en="Public Service Innovation Network"
    )


@pytest.fixture
def library(home_page):
    """The innovation index page under the home page."""
    from tests.factories import InnovationIndexPageFactory

    return InnovationIndexPageFactory(parent=home_page)


def pytest_collection_modifyitems(session, config, items):
    """Browser tests last: Playwright keeps its event loop in the main thread for the rest of
    the session, and Django then refuses synchronous database work in later tests that set up
    their own database connections (threads, transactional tests)."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
