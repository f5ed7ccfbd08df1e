"""/cari/ (HTML) and the search API (JSON): thin wrappers around `search.service`."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from innovations.selectors import FILTER_LABELS

from . import service
from .query import (
    COUNTED_FACETS,
    MAX_QUERY_LENGTH,
    SORT_LABELS,
    SearchParameterError,
    SearchQuery,
)

SUGGEST_LIMIT = 8


def _error(message, detail, status=400):
    return JsonResponse({"error": message, "detail": detail}, status=status)


@require_GET
def api_search(request):
    try:
        query = SearchQuery.from_params(request.GET)
    except SearchParameterError as error:
        return _error(str(error), error.detail)
    return JsonResponse(service.search(query).as_json())


@require_GET
def api_suggest(request):
    text = " ".join(request.GET.get("q", "").split())
    if len(text) > MAX_QUERY_LENGTH:
        return _error("bad search parameters", {"q": f"at most {MAX_QUERY_LENGTH} characters"})
    suggestions = service.suggest(text, SUGGEST_LIMIT) if text else []
    return JsonResponse({"query": text, "suggestions": suggestions})


@require_GET
def search_page(request):
    try:
        query = SearchQuery.from_params(request.GET)
    except SearchParameterError as error:
        problems = [
            {"label": FILTER_LABELS.get(key, key), "key": key, "message": message}
            for key, message in error.detail.items()
        ]
        context = {"problems": problems, "query": SearchQuery(), "text": request.GET.get("q")}
        return render(request, "search/search_page.html", context, status=400)
    results = service.search(query)
    return render(request, "search/search_page.html", _page_context(query, results))


def _link(query: SearchQuery, **changes) -> str:
    return "?" + urlencode(query.to_params(**changes))


def _page_context(query: SearchQuery, results) -> dict:
    facet_groups = []
    labels = {**FILTER_LABELS, "sdg": _("TPB/SDG")}
    for key in COUNTED_FACETS:
        values = results.facets.get(key, [])
        if values:
            facet_groups.append({"key": key, "label": labels[key], "values": values})
    pages = []
    if results.page_count > 1:
        current, last = query.page, min(results.page_count, 10_000 // query.page_size)
        numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        pages = [
            {"number": n, "url": _link(query, page=n), "current": n == current} for n in numbers
        ]
    regency_filter = query.filters.get("regency", [])
    return {
        "query": query,
        "text": query.text,
        "results": results,
        "facet_groups": facet_groups,
        "regency_filter": regency_filter,
        "sort_labels": SORT_LABELS,
        "pages": pages,
        "previous_url": _link(query, page=query.page - 1) if query.page > 1 else "",
        "next_url": _link(query, page=query.page + 1)
        if query.page < min(results.page_count, 10_000 // query.page_size)
        else "",
        # The corrected words with the same filters and sort: the person's narrowing stays.
        "suggestion_url": _link(query, text=results.suggestion, page=1)
        if results.suggestion
        else "",
        "clear_filters_url": _link(query, filters={}, page=1),
        "has_filters": bool(query.filters),
        "sort_options": [
            {"label": label, "url": _link(query, sort=key, page=1), "current": key == query.sort}
            for key, label in SORT_LABELS.items()
        ],
        "api_url": "/api/v2/search/" + _link(query),
        # Nothing found: offer the library's sectors to browse instead.
        "browse": service.search(SearchQuery()).facets.get("sector", [])[:12]
        if not results.total
        else [],
    }
