from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from hubs import views as hubs_views
from innovations import views as innovation_views
from search import urls as search_urls

from .api import api_router

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    *search_urls.api_urlpatterns,
    path("api/v2/", api_router.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages: Indonesian at "/", English under "/en/". Wagtail's catch-all comes last.
urlpatterns += i18n_patterns(
    re_path(
        r"^(?P<library>(?:[\w-]+/)+)export\.(?P<file_format>csv|jsonl)$",
        innovation_views.export_view,
        name="innovation_export",
    ),
    re_path(
        r"^(?P<page_path>(?:[\w-]+/)*)(?P<name>agenda|kalender)\.ics$",
        hubs_views.calendar_view,
        name="calendar",
    ),
    re_path(
        r"^(?P<page_path>(?:[\w-]+/)*)dasbor\.csv$",
        innovation_views.hub_dashboard_csv,
        name="hub_dashboard_csv",
    ),
    *search_urls.page_urlpatterns,
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
