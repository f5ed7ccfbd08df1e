"""A hub's dashboard on its page: bar charts drawn as SVG on the server, and the numbers as
tables (and CSV, see innovations.views.hub_dashboard_csv)."""

from django import template

from innovations.selectors import hub_dashboard as build_dashboard

register = template.Library()

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 230
CHART_WIDTH = 640


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
                "width": round(usable * value / top, 1),
                "label": label if len(label) <= 34 else label[:33] + "…",
                "full_label": label,
                "value": value,
                "value_x": LABEL_WIDTH + round(usable * value / top, 1) + 4,
            }
        )
    return {
        "items": laid,
        "height": max(1, len(laid)) * (BAR_HEIGHT + GAP),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
    }


@register.inclusion_tag("innovations/includes/hub_dashboard.html", takes_context=True)
def hub_dashboard(context, hub_page):
    dashboard = build_dashboard(hub_page.hub)
    return {
        "page": hub_page,
        "dashboard": dashboard,
        "members_chart": bars([(r.name, n) for r, n in dashboard.cases_per_member]),
        "sectors_chart": bars([(s.name, n) for s, n in dashboard.cases_per_sector]),
        "request": context.get("request"),
    }
