"""Site-wide StreamField blocks, defined once and reused by every page type."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Editors get a small, safe rich text feature set everywhere: no raw HTML, no embeds.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Judul"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Tingkat"),
        choices=[("h2", _("Judul bagian (H2)")), ("h3", _("Subjudul (H3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Judul")
        preview_value = {"text": "Mengapa replikasi inovasi penting", "level": "h2"}


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Gambar"))
    alt_text = blocks.CharBlock(
        label=_("Teks alternatif"),
        max_length=200,
        help_text=_("Apa yang tampak pada gambar, untuk pembaca layar."),
    )
    caption = blocks.CharBlock(label=_("Keterangan"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        label = _("Gambar")
        preview_value = {"alt_text": "Petugas melayani warga", "caption": "Layanan jemput bola"}


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Judul"), max_length=120)
    text = blocks.RichTextBlock(label=_("Isi"), features=RICH_TEXT_FEATURES)
    link_page = blocks.PageChooserBlock(label=_("Tautan ke halaman"), required=False)
    link_text = blocks.CharBlock(label=_("Teks tautan"), required=False, max_length=80)

    class Meta:
        icon = "pick"
        template = "blocks/callout_block.html"
        label = _("Sorotan")
        preview_value = {
            "title": "Ikut lokakarya hub",
            "text": "<p>Pelajari inovasi daerah lain langsung dari pelaksananya.</p>",
            "link_text": "Lihat agenda",
        }


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraf"), features=RICH_TEXT_FEATURES, icon="pilcrow"
    )
    figure = FigureBlock()
    callout = CalloutBlock()

    class Meta:
        template = "blocks/body_block.html"
