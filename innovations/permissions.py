"""Who may do what with the replication ledger, derived from the page-tree groups."""

from django.db.models import Q

from hubs.models import Regency

# Members of this group moderate the whole library and keep its ledger, like superusers.
NATIONAL_GROUP = "Admin Nasional"


def is_national_admin(user) -> bool:
    return user.is_superuser or user.groups.filter(name=NATIONAL_GROUP).exists()


def editor_regencies(user):
    """Regencies whose folder's editor group the user belongs to."""
    return Regency.objects.filter(folder_page__editor_group__user=user)


def facilitated_regencies(user):
    """Member regencies of the hubs whose facilitator group the user belongs to."""
    return Regency.objects.filter(hubs__facilitator_group__user=user)


def replications_visible_to(user, queryset):
    if is_national_admin(user):
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
    return is_national_admin(user) or editor_regencies(user).filter(pk=regency.pk).exists()


def can_confirm(user, replication) -> bool:
    """The source regency's editors or its hubs' facilitators confirm; never the adopter."""
    if is_national_admin(user):
        return True
    source = replication.innovation.regency_id
    return (
        editor_regencies(user).filter(pk=source).exists()
        or facilitated_regencies(user).filter(pk=source).exists()
    )
