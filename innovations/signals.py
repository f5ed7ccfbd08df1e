"""Keep a case's stored regency in step with the folder it lives in."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import InnovationPage


@receiver(post_page_move)
def update_regency_after_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    if parent_page_before.pk == parent_page_after.pk:
        return
    page = instance.specific
    if isinstance(page, InnovationPage):
        InnovationPage.objects.filter(pk=page.pk).update(regency_id=page.folder_regency_id())
