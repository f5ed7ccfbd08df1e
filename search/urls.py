from django.urls import path

from . import views

api_urlpatterns = [
    path("api/v2/search/", views.api_search, name="search_api"),
    path("api/v2/search/suggest/", views.api_suggest, name="search_suggest_api"),
]
page_urlpatterns = [path("cari/", views.search_page, name="search")]
