"""Changes that reach the search index: publish, unpublish, move, delete, privacy, and the
reference data an index entry copies (names, hub membership)."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from hubs.models import Hub, HubMembership, Province, Regency
from innovations.models import SDG, EvaluationAspect, InnovationPage, Sector
from innovations.signals import cases_written

from . import service
from .engines.labels import LABELLED, labels_cache_key


def _cases_at_or_below(page) -> list[int]:
    """The case itself, or the cases below a folder or the library."""
    if isinstance(page, InnovationPage):
        return [page.pk]
    return list(
        InnovationPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)
    )


@receiver(page_published)
@receiver(page_unpublished)
def case_published_or_unpublished(sender, instance, **kwargs):
    # Unpublishing a folder with its descendants sends this signal for each case below it.
    if isinstance(instance, InnovationPage):
        service.schedule([instance.pk])


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    service.schedule(_cases_at_or_below(instance))


@receiver(post_delete, sender=InnovationPage)
def case_deleted(sender, instance, **kwargs):
    service.schedule([instance.pk])


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def privacy_changed(sender, instance, **kwargs):
    service.schedule(_cases_at_or_below(instance.page))


@receiver(cases_written)
def cases_imported(sender, page_ids, **kwargs):
    service.schedule(page_ids)


# --- Reference data the index copies: names, and which regencies a hub has --------------------


def _cases_of(sender, instance) -> list[int]:
    """The cases whose index entry shows this reference row (its name, or membership)."""
    cases = InnovationPage.objects.all()
    if sender is Regency:
        cases = cases.filter(regency=instance)
    elif sender is Province:
        cases = cases.filter(regency__province=instance)
    elif sender is Hub:
        cases = cases.filter(regency__hubs=instance)
    elif sender is Sector:
        cases = cases.filter(sectors=instance)
    elif sender is SDG:
        cases = cases.filter(sdgs=instance)
    else:
        cases = cases.filter(aspects=instance)
    return list(cases.values_list("pk", flat=True))


REFERENCE_MODELS = (Regency, Province, Hub, Sector, SDG, EvaluationAspect)


@receiver(post_save)
@receiver(pre_delete)
def reference_row_changed(sender, instance, **kwargs):
    """A renamed (or removed) regency, province, hub, sector, SDG or aspect: the cases showing
    it are indexed again, and facets show its new name."""
    if sender not in REFERENCE_MODELS:
        return
    if not kwargs.get("created"):
        service.schedule(_cases_of(sender, instance))
    for key, model in LABELLED.items():
        if sender is model:
            cache.delete_many([labels_cache_key(key, code) for code, _name in settings.LANGUAGES])


@receiver(post_save, sender=HubMembership)
@receiver(post_delete, sender=HubMembership)
def hub_membership_changed(sender, instance, **kwargs):
    """A regency joining or leaving a hub moves its cases in the hub facet."""
    service.schedule(
        InnovationPage.objects.filter(regency_id=instance.regency_id).values_list("pk", flat=True)
    )


@receiver(m2m_changed, sender=Hub.members.through)
def hub_members_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A regency joining or leaving a hub moves its cases in the hub facet."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # regency.hubs.add(...): the regency's cases
        regencies = [instance.pk]
    elif action == "pre_clear":
        regencies = list(instance.members.values_list("pk", flat=True))
    else:
        regencies = list(pk_set or ())
    service.schedule(
        InnovationPage.objects.filter(regency__in=regencies).values_list("pk", flat=True)
    )
