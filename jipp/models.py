"""The site's home page and standard content pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, BodyBlock
from .i18n import TranslatedField


class BilingualPage(Page):
    """A page whose title, introduction and body may also be written in English.

    Readers of the English site get the English text where it is filled, the Indonesian
    text otherwise.
    """

    title_en = models.CharField(
        _("judul (Inggris)"),
        max_length=255,
        blank=True,
        help_text=_("Opsional. Ditampilkan di situs berbahasa Inggris."),
    )
    intro = RichTextField(_("pengantar"), features=RICH_TEXT_FEATURES, blank=True)
    intro_en = RichTextField(_("pengantar (Inggris)"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("isi"), blank=True)
    body_en = StreamField(BodyBlock(), verbose_name=_("isi (Inggris)"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        MultiFieldPanel([FieldPanel("intro"), FieldPanel("intro_en")], heading=_("Pengantar")),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("title_en"),
        index.SearchField("intro"),
        index.SearchField("intro_en"),
        index.SearchField("body"),
    ]

    display_title = TranslatedField("title", "title_en")
    display_intro = TranslatedField("intro", "intro_en")
    display_body = TranslatedField("body", "body_en")

    class Meta:
        abstract = True


class HomePage(BilingualPage):
    """The site root: introduces the network and leads to its sections."""

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("beranda")
        verbose_name_plural = _("beranda")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().in_menu().specific()
        return context


class StandardPage(BilingualPage):
    """An editorial page: about the network, guides, service information."""

    parent_page_types = ["jipp.HomePage", "jipp.StandardPage"]
    subpage_types = ["jipp.StandardPage"]

    class Meta:
        verbose_name = _("halaman standar")
        verbose_name_plural = _("halaman standar")
