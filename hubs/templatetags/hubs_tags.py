from django import template

from hubs.selectors import hubs_with_member_counts

register = template.Library()


@register.inclusion_tag("hubs/includes/network_summary.html")
def network_summary():
    """The hubs of the network with their member counts, for the home page."""
    return {"hubs": hubs_with_member_counts()}
