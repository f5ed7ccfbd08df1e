"""Keep a case's stored regency in step with the folder it lives in; announce bulk writes."""

from django.dispatch import Signal, receiver
from wagtail.signals import post_page_move

from .models import InnovationPage

# Sent after an import wrote cases without Wagtail's per-page publish signals, with
# `page_ids`: the search index (search/signals.py) schedules their sync.
cases_written = Signal()


@receiver(post_page_move)
def update_regency_after_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    if parent_page_before.pk == parent_page_after.pk:
        return
    page = instance.specific
    if isinstance(page, InnovationPage):
        InnovationPage.objects.filter(pk=page.pk).update(regency_id=page.folder_regency_id())
