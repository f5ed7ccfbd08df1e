"""A hub's dashboard on its page: bar charts drawn as SVG on the server, and the numbers as
tables (and CSV, see innovations.views.hub_dashboard_csv)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from innovations.selectors import hub_dashboard as build_dashboard

register = template.Library()

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 230
CHART_WIDTH = 640


def _svg_number(value: float) -> str:
    """A coordinate for an SVG attribute: "92.5", never the locale's "92,5" (which SVG reads as
    an invalid length, drawing no bar)."""
    return format(round(value, 1), "g")


def bars(items, max_value=None):
    """(label, value) pairs laid out as horizontal bars: y, width, label, value."""
    top = max_value or max((value for _label, value in items), default=0) or 1
    usable = CHART_WIDTH - LABEL_WIDTH - 40
    laid = []
    for index, (label, value) in enumerate(items):
        laid.append(
            {
                "y": index * (BAR_HEIGHT + GAP),
                "text_y": index * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 5,
                "width": _svg_number(usable * value / top),
                "label": _short(label),
                "full_label": label,
                "value": value,
                "value_x": _svg_number(LABEL_WIDTH + usable * value / top + 4),
            }
        )
    return {
        "items": laid,
        "height": max(1, len(laid)) * (BAR_HEIGHT + GAP),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
    }


SERIES_GAP = 2  # between the bars of one group
GROUP_GAP = 12  # between groups


def _short(label: str) -> str:
    return label if len(label) <= 30 else label[:29] + "…"


def grouped_bars(groups, series):
    """(label, [value per series]) groups laid out as horizontal bars, one per series in each
    group, all on one scale: the label's y, and each bar's y, width, value and series."""
    top = max((value for _label, values in groups for value in values), default=0) or 1
    usable = CHART_WIDTH - LABEL_WIDTH - 40
    group_height = len(series) * BAR_HEIGHT + (len(series) - 1) * SERIES_GAP
    laid = []
    for index, (label, values) in enumerate(groups):
        y = index * (group_height + GROUP_GAP)
        group_bars = []
        for number, (name, value) in enumerate(zip(series, values, strict=True)):
            bar_y = y + number * (BAR_HEIGHT + SERIES_GAP)
            width = usable * value / top
            group_bars.append(
                {
                    "y": bar_y,
                    "text_y": bar_y + BAR_HEIGHT - 5,
                    "width": _svg_number(width),
                    "value": value,
                    "value_x": _svg_number(LABEL_WIDTH + width + 4),
                    "series": name,
                    "series_index": number,
                }
            )
        laid.append(
            {
                "label": _short(str(label)),
                "full_label": str(label),
                "label_y": y + group_height // 2 + 4,
                "bars": group_bars,
            }
        )
    return {
        "groups": laid,
        "series": [{"name": name, "index": number} for number, name in enumerate(series)],
        "height": max(1, len(laid)) * (group_height + GROUP_GAP) - GROUP_GAP,
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


@register.inclusion_tag("innovations/includes/hub_dashboard.html", takes_context=True)
def hub_dashboard(context, hub_page):
    dashboard = build_dashboard(hub_page.hub)
    return {
        "page": hub_page,
        "dashboard": dashboard,
        "members_chart": bars([(r.name, n) for r, n in dashboard.cases_per_member]),
        "sectors_chart": bars([(s.name, n) for s, n in dashboard.cases_per_sector]),
        "replications_chart": grouped_bars(
            [(year, [into, out]) for year, into, out in dashboard.replications_by_year],
            [
                pgettext("replications into/out of a hub", "Masuk"),
                pgettext("replications into/out of a hub", "Keluar"),
            ],
        ),
        "events_chart": grouped_bars(
            [
                (event.title, [confirmed, attended])
                for event, confirmed, attended in dashboard.events
            ],
            [_("Terkonfirmasi"), _("Hadir")],
        ),
        "request": context.get("request"),
    }
