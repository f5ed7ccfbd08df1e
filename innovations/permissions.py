"""Who may do what with the replication ledger, derived from the page-tree groups."""

from django.db.models import Q

from hubs.models import Regency


def editor_regencies(user):
    """Regencies whose folder's editor group the user belongs to."""
    return Regency.objects.filter(folder_page__editor_group__user=user)


def facilitated_regencies(user):
    """Member regencies of the hubs whose facilitator group the user belongs to."""
    return Regency.objects.filter(hubs__facilitator_group__user=user)


def replications_visible_to(user, queryset):
    if user.is_superuser:
        return queryset
    mine = editor_regencies(user)
    hubs = facilitated_regencies(user)
    return queryset.filter(
        Q(adopting_regency__in=mine)
        | Q(innovation__regency__in=mine)
        | Q(adopting_regency__in=hubs)
        | Q(innovation__regency__in=hubs)
    ).distinct()


def can_record_for(user, regency) -> bool:
    """The adopter's editors record a replication (and national admins)."""
    return user.is_superuser or editor_regencies(user).filter(pk=regency.pk).exists()


def can_confirm(user, replication) -> bool:
    """The source regency's editors or its hubs' facilitators confirm; never the adopter."""
    if user.is_superuser:
        return True
    source = replication.innovation.regency_id
    return (
        editor_regencies(user).filter(pk=source).exists()
        or facilitated_regencies(user).filter(pk=source).exists()
    )
