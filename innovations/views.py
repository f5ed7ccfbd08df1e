"""Thin request handling for the library listing and its exports."""

import csv
import io
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from jipp.views import public_page_at

from .interchange import csv_row, csv_writer
from .models import InnovationIndexPage
from .selectors import (
    FILTER_LABELS,
    SORT_LABELS,
    FilterError,
    InnovationFilters,
    export_rows,
    facet_options,
    filtered_innovations,
)

PAGE_SIZE = 12


def bad_filter_response(error: FilterError) -> HttpResponse:
    """400 naming the filter that cannot be used (exports, feeds)."""
    return HttpResponse(
        f"{error.key}: {error}\n", status=400, content_type="text/plain; charset=utf-8"
    )


def listing_context(request) -> dict:
    try:
        filters = InnovationFilters.from_query(request.GET)
    except FilterError as error:
        return {
            "filter_error": error,
            "filter_label": FILTER_LABELS.get(error.key, error.key),
            "filters": InnovationFilters(),
            "options": facet_options(),
            "sort_labels": SORT_LABELS,
        }
    paginator = Paginator(filtered_innovations(filters), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "options": facet_options(),
        "sort_labels": SORT_LABELS,
        "page_obj": page_obj,
        "innovations": page_obj.object_list,
        "querystring": query.urlencode(),
    }


def export_view(request, library, file_format):
    """`<library URL>export.csv` and `.jsonl`: the listing's cases for the same filters.

    Wagtail's page routes only match slash-terminated paths, so the exports have a URL
    pattern of their own; it answers only under the library's own URL.
    """
    index_page = InnovationIndexPage.objects.live().first()
    library_url = request.path.removesuffix(f"export.{file_format}")
    if index_page is None or index_page.get_url(request) != library_url:
        raise Http404
    try:
        filters = InnovationFilters.from_query(request.GET)
    except FilterError as error:
        return bad_filter_response(error)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if file_format == "csv":
        response = StreamingHttpResponse(
            _csv_chunks(filters), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            (json.dumps(row, ensure_ascii=False) + "\n" for row in export_rows(filters)),
            content_type="application/x-ndjson; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="inovasi-jipp-{stamp}.{file_format}"'
    return response


def _csv_chunks(filters):
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in export_rows(filters):
        writer.writerow(csv_row(row))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def hub_dashboard_csv(request, page_path):
    """`<hub URL>dasbor.csv`: the numbers of the hub's dashboard."""
    from hubs.models import HubPage

    from .selectors import hub_dashboard

    page = public_page_at(request, page_path)
    if not isinstance(page, HubPage):
        raise Http404
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "label", "value", "value_2"])
    for row in hub_dashboard(page.hub).rows():
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dasbor-{page.hub.slug}.csv"'
    return response
