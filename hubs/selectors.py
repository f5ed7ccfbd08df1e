"""Reads for the network's geography and hubs."""

from django.db.models import Count, Q

from .models import Hub, Regency


def hubs_with_member_counts():
    """Every hub with its province and the number of member kabupaten and kota."""
    return (
        Hub.objects.select_related("province")
        .annotate(
            member_count=Count("members"),
            kabupaten_count=Count("members", filter=Q(members__kind=Regency.Kind.KABUPATEN)),
            kota_count=Count("members", filter=Q(members__kind=Regency.Kind.KOTA)),
        )
        .order_by("name")
    )
