"""Page changes that reach the search index: publish, unpublish, move, delete, privacy."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from innovations.models import InnovationPage
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


@receiver(post_save)
@receiver(post_delete)
def reference_row_changed(sender, **kwargs):
    """A renamed hub, province, sector, SDG or aspect shows under its new name in facets."""
    for key, model in LABELLED.items():
        if sender is model:
            cache.delete_many([labels_cache_key(key, code) for code, _name in settings.LANGUAGES])
