"""Innovation taxonomy: sectors (urusan), SDGs and the public-service evaluation aspects.

Case pages, the replication ledger and import/export arrive with the innovation case library;
this module holds the reference taxonomy they classify against.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index

from jipp.blocks import RICH_TEXT_FEATURES
from jipp.i18n import TranslatedField
from jipp.models import BilingualPage

from .api_fields import CodedTermsField, HubsField, RegencyField, ReplicationsField, TagsField


class TaxonomyBase(index.Indexed, models.Model):
    """Shared shape of a reference term: a code, names in both languages, an order."""

    name_id = models.CharField(_("nama (Indonesia)"), max_length=255)
    name_en = models.CharField(_("nama (Inggris)"), max_length=255, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    name = TranslatedField("name_id", "name_en")

    search_fields = [
        index.SearchField("name_id"),
        index.SearchField("name_en"),
        index.AutocompleteField("name_id"),
    ]

    class Meta:
        abstract = True
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class Sector(TaxonomyBase):
    """A government affair (urusan pemerintahan) of UU 23/2014 Pasal 12, or a `penunjang` row."""

    class Group(models.TextChoices):
        WAJIB_PELAYANAN_DASAR = "wajib-pelayanan-dasar", _("Wajib, pelayanan dasar")
        WAJIB_NON_PELAYANAN_DASAR = "wajib-non-pelayanan-dasar", _("Wajib, non-pelayanan dasar")
        PILIHAN = "pilihan", _("Pilihan")
        PENUNJANG = "penunjang", _("Penunjang (lintas urusan)")

    code = models.CharField(_("kode"), max_length=5, unique=True)
    group = models.CharField(_("kelompok"), max_length=32, choices=Group.choices)

    search_fields = [*TaxonomyBase.search_fields, index.FilterField("group")]

    class Meta(TaxonomyBase.Meta):
        verbose_name = _("urusan")
        verbose_name_plural = _("urusan")

    def __str__(self):
        return f"{self.code} {self.name}"


class SDG(TaxonomyBase):
    """A Sustainable Development Goal (Tujuan Pembangunan Berkelanjutan, TPB)."""

    number = models.PositiveSmallIntegerField(_("nomor"), unique=True)

    class Meta(TaxonomyBase.Meta):
        verbose_name = _("TPB/SDG")
        verbose_name_plural = _("TPB/SDG")

    def __str__(self):
        return f"{self.number}. {self.name}"


class EvaluationAspect(TaxonomyBase):
    """One of the six aspects of the yearly public-service evaluation (KemenPANRB)."""

    slug = models.SlugField(_("slug"), max_length=64, unique=True)

    class Meta(TaxonomyBase.Meta):
        verbose_name = _("aspek evaluasi pelayanan publik")
        verbose_name_plural = _("aspek evaluasi pelayanan publik")


# --- Pages -----------------------------------------------------------------------------------


class Stage(models.TextChoices):
    """How far an innovation has come (KIPP stages)."""

    INISIATIF = "inisiatif", _("Inisiatif")
    UJI_COBA = "uji coba", _("Uji coba")
    PENERAPAN = "penerapan", _("Penerapan")
    DILEMBAGAKAN = "dilembagakan", _("Dilembagakan")
    BERHENTI = "berhenti", _("Berhenti")


class InnovationIndexPage(RoutablePageMixin, BilingualPage):
    """The case library: every published case, with filters, feeds and exports."""

    parent_page_types = ["jipp.HomePage"]
    subpage_types = ["innovations.RegencyFolderPage"]
    max_count = 1

    class Meta:
        verbose_name = _("indeks inovasi")
        verbose_name_plural = _("indeks inovasi")

    def get_context(self, request, *args, **kwargs):
        from .views import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(request))
        return context

    @path("feed/")
    def feed(self, request):
        from .feeds import InnovationFeed, feed_response

        return feed_response(InnovationFeed, request, index_page=self)

    @path("feed/atom/")
    def atom_feed(self, request):
        from .feeds import InnovationAtomFeed, feed_response

        return feed_response(InnovationAtomFeed, request, index_page=self)

    @path("")
    def index_route(self, request, *args, **kwargs):
        response = self.render(request)
        if response.context_data.get("filter_error"):
            response.status_code = 400  # the page explains which filter is wrong
        return response


class RegencyFolderPage(Page):
    """A regency's or city's own space in the library; its editors work only under it."""

    regency = models.OneToOneField(
        "hubs.Regency",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="folder_page",
    )
    editor_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("grup editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regency_folder",
        editable=False,
    )

    content_panels = [*Page.content_panels, FieldPanel("regency")]

    parent_page_types = ["innovations.InnovationIndexPage"]
    subpage_types = ["innovations.InnovationPage"]

    class Meta:
        verbose_name = _("folder kabupaten/kota")
        verbose_name_plural = _("folder kabupaten/kota")

    def get_context(self, request, *args, **kwargs):
        from .selectors import regency_folder_context

        context = super().get_context(request, *args, **kwargs)
        context.update(regency_folder_context(self))
        return context


class InnovationTag(TaggedItemBase):
    content_object = ParentalKey(
        "innovations.InnovationPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class InnovationPage(Page):
    """An innovation case, structured like the national KIPP proposal."""

    SUMMARY_MAX_WORDS = 200

    # The regency is the folder's; it is stored here so listings filter without joins up
    # the tree. It is set on every save from the parent folder (see `save`).
    regency = models.ForeignKey(
        "hubs.Regency",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="innovations",
        editable=False,
        null=True,
    )
    summary = models.TextField(
        _("ringkasan"),
        help_text=_("Paling banyak 200 kata. Tampil di daftar dan hasil pencarian."),
    )
    problem = RichTextField(
        _("latar belakang dan tujuan"), features=RICH_TEXT_FEATURES, blank=True
    )
    solution = RichTextField(_("inovasi yang diterapkan"), features=RICH_TEXT_FEATURES, blank=True)
    novelty = RichTextField(_("kebaruan"), features=RICH_TEXT_FEATURES, blank=True)
    implementation = RichTextField(_("implementasi"), features=RICH_TEXT_FEATURES, blank=True)
    impact = RichTextField(_("signifikansi (dampak)"), features=RICH_TEXT_FEATURES, blank=True)
    adaptability = RichTextField(_("adaptabilitas"), features=RICH_TEXT_FEATURES, blank=True)
    adapt_regulation = models.CharField(_("regulasi yang diperlukan"), max_length=255, blank=True)
    adapt_staff = models.CharField(_("SDM yang diperlukan"), max_length=255, blank=True)
    adapt_it = models.CharField(
        _("teknologi informasi yang diperlukan"), max_length=255, blank=True
    )
    adapt_budget = models.CharField(
        _("perkiraan anggaran"), max_length=255, blank=True, help_text=_("Misalnya Rp 150 juta.")
    )
    adapt_setup_months = models.PositiveSmallIntegerField(
        _("waktu persiapan (bulan)"), null=True, blank=True
    )
    resources = RichTextField(_("sumber daya"), features=RICH_TEXT_FEATURES, blank=True)
    sustainability = RichTextField(
        _("strategi keberlanjutan"), features=RICH_TEXT_FEATURES, blank=True
    )
    legal_instrument = models.CharField(
        _("dasar hukum"),
        max_length=255,
        blank=True,
        help_text=_("Perbup, Perwali, atau SK yang melembagakan inovasi."),
    )
    legal_instrument_document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("dokumen dasar hukum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    sectors = ParentalManyToManyField(Sector, verbose_name=_("urusan"), related_name="innovations")
    sdgs = ParentalManyToManyField(
        SDG, verbose_name=_("TPB/SDG"), blank=True, related_name="innovations"
    )
    aspects = ParentalManyToManyField(
        EvaluationAspect,
        verbose_name=_("aspek evaluasi yang ditingkatkan"),
        blank=True,
        related_name="innovations",
    )
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices, blank=True)
    year_started = models.PositiveSmallIntegerField(
        _("tahun mulai"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1945), MaxValueValidator(2100)],
    )
    award = models.CharField(
        _("penghargaan"), max_length=255, blank=True, help_text=_("Misalnya Top 99 KIPP 2021.")
    )
    keywords = ClusterTaggableManager(
        through=InnovationTag, verbose_name=_("kata kunci"), blank=True
    )
    video_url = models.URLField(_("tautan video"), blank=True)
    sipp_url = models.URLField(_("standar pelayanan di SIPP"), blank=True)
    lapor_url = models.URLField(_("tautan SP4N-LAPOR!"), blank=True)
    contact_name = models.CharField(_("nama kontak"), max_length=255, blank=True)
    contact_email = models.EmailField(_("surel kontak"), blank=True)
    contact_phone = models.CharField(_("telepon kontak"), max_length=32, blank=True)
    last_confirmed_running = models.DateField(
        _("terakhir dipastikan berjalan"), null=True, blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("problem"),
                FieldPanel("solution"),
                FieldPanel("novelty"),
                FieldPanel("implementation"),
            ],
            heading=_("Proposal"),
        ),
        MultiFieldPanel(
            [FieldPanel("impact"), InlinePanel("metrics", label=_("Indikator sebelum/sesudah"))],
            heading=_("Signifikansi"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("adaptability"),
                FieldPanel("adapt_regulation"),
                FieldPanel("adapt_staff"),
                FieldPanel("adapt_it"),
                FieldPanel("adapt_budget"),
                FieldPanel("adapt_setup_months"),
            ],
            heading=_("Adaptabilitas"),
        ),
        FieldPanel("resources"),
        MultiFieldPanel(
            [
                FieldPanel("sustainability"),
                FieldPanel("legal_instrument"),
                FieldPanel("legal_instrument_document"),
            ],
            heading=_("Keberlanjutan"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
                FieldPanel("sdgs", widget=forms.CheckboxSelectMultiple),
                FieldPanel("aspects", widget=forms.CheckboxSelectMultiple),
                FieldPanel("stage"),
                FieldPanel("year_started"),
                FieldPanel("award"),
                FieldPanel("keywords"),
            ],
            heading=_("Klasifikasi"),
        ),
        InlinePanel("gallery_images", label=_("Galeri")),
        InlinePanel("documents", label=_("Dokumen")),
        MultiFieldPanel(
            [
                FieldPanel("video_url"),
                FieldPanel("sipp_url"),
                FieldPanel("lapor_url"),
                FieldPanel("contact_name"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("last_confirmed_running"),
            ],
            heading=_("Tautan dan kontak"),
        ),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("problem"),
        index.SearchField("solution"),
        index.FilterField("regency"),
        index.FilterField("stage"),
        index.FilterField("year_started"),
    ]

    parent_page_types = ["innovations.RegencyFolderPage"]
    subpage_types = []

    api_fields = [
        APIField("summary"),
        APIField("regency", serializer=RegencyField()),
        APIField("hubs", serializer=HubsField(source="regency")),
        APIField("sectors", serializer=CodedTermsField(code_attr="code")),
        APIField("sdgs", serializer=CodedTermsField(code_attr="number")),
        APIField("aspects", serializer=CodedTermsField(code_attr="slug")),
        APIField("stage"),
        APIField("year_started"),
        APIField("award"),
        APIField("keywords", serializer=TagsField()),
        APIField("problem"),
        APIField("solution"),
        APIField("novelty"),
        APIField("implementation"),
        APIField("impact"),
        APIField("metrics"),
        APIField("adaptability"),
        APIField("resources"),
        APIField("sustainability"),
        APIField("legal_instrument"),
        APIField("video_url"),
        APIField("sipp_url"),
        APIField("lapor_url"),
        APIField("contact_name"),
        APIField("contact_email"),
        APIField("last_confirmed_running"),
        APIField("replications", serializer=ReplicationsField()),
    ]

    class Meta:
        verbose_name = _("inovasi")
        verbose_name_plural = _("inovasi")

    def clean(self):
        super().clean()
        if InnovationPage.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"slug": _("Slug ini sudah dipakai inovasi lain; slug inovasi harus unik.")}
            )
        words = len(self.summary.split())
        if words > self.SUMMARY_MAX_WORDS:
            raise ValidationError(
                {
                    "summary": _("Ringkasan paling banyak %(max)d kata; saat ini %(count)d kata.")
                    % {"max": self.SUMMARY_MAX_WORDS, "count": words}
                }
            )

    def save(self, *args, **kwargs):
        imported = getattr(self, "_validated_by_import", False)
        if self.path and not imported and (self.pk is None or self.regency_id is None):
            # New pages (created or copied in the admin) take their folder's regency.
            self.regency_id = self.folder_regency_id()
        if imported:
            # The importer has checked every field against the same rules (interchange.py)
            # and slug uniqueness across the file and the site; skip Wagtail's re-validation.
            kwargs["clean"] = False
        return super().save(*args, **kwargs)

    def folder_regency_id(self):
        """The regency of the folder this page lives in (moves update it, see signals)."""
        parent = self.get_parent()
        folder = RegencyFolderPage.objects.filter(pk=parent.pk).only("regency_id").first()
        return folder.regency_id if folder else None

    @property
    def hubs(self):
        return self.regency.hubs.all() if self.regency_id else []

    def get_context(self, request, *args, **kwargs):
        from .selectors import innovation_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(innovation_page_context(self))
        return context


class InnovationMetric(Orderable):
    """A before/after indicator of the case's impact (signifikansi)."""

    page = ParentalKey(InnovationPage, on_delete=models.CASCADE, related_name="metrics")
    indicator = models.CharField(_("indikator"), max_length=255)
    baseline = models.DecimalField(_("sebelum"), max_digits=16, decimal_places=2)
    current = models.DecimalField(_("sesudah"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("satuan"), max_length=64, blank=True)
    source = models.CharField(_("sumber data"), max_length=255, blank=True)
    measured_on = models.DateField(_("tanggal pengukuran"), null=True, blank=True)

    panels = [
        FieldPanel("indicator"),
        FieldPanel("baseline"),
        FieldPanel("current"),
        FieldPanel("unit"),
        FieldPanel("source"),
        FieldPanel("measured_on"),
    ]

    api_fields = [
        APIField("indicator"),
        APIField("baseline"),
        APIField("current"),
        APIField("unit"),
        APIField("source"),
        APIField("measured_on"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("indikator dampak")
        verbose_name_plural = _("indikator dampak")


class InnovationGalleryImage(Orderable):
    page = ParentalKey(InnovationPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("gambar"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    alt_text = models.CharField(
        _("teks alternatif"),
        max_length=255,
        help_text=_("Apa yang tampak pada gambar, untuk pembaca layar."),
    )
    caption = models.CharField(_("keterangan"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]


class InnovationDocument(Orderable):
    page = ParentalKey(InnovationPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("dokumen"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("judul"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]


# --- Replication ledger ------------------------------------------------------------------------


class Replication(models.Model):
    """A regency adopting another regency's innovation, and how it went."""

    class Status(models.TextChoices):
        RENCANA = "rencana", _("Rencana")
        BERJALAN = "berjalan", _("Berjalan")
        BERHASIL = "berhasil", _("Berhasil")
        DIHENTIKAN = "dihentikan", _("Dihentikan")

    innovation = models.ForeignKey(
        InnovationPage,
        verbose_name=_("inovasi asal"),
        on_delete=models.CASCADE,
        related_name="replications",
    )
    adopting_regency = models.ForeignKey(
        "hubs.Regency",
        verbose_name=_("daerah pereplikasi"),
        on_delete=models.PROTECT,
        related_name="replications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RENCANA
    )
    started_on = models.DateField(_("mulai"), null=True, blank=True)
    adapted = models.TextField(_("yang disesuaikan"), blank=True)
    outcome = models.TextField(_("hasil"), blank=True)
    outcome_metrics = models.TextField(
        _("indikator hasil"),
        blank=True,
        help_text=_("Satu indikator per baris, misalnya: Waktu layanan: 14 → 2 hari."),
    )
    evidence_url = models.URLField(_("tautan bukti"), blank=True)
    evidence_document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("dokumen bukti"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed = models.BooleanField(_("dikonfirmasi"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikonfirmasi oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    confirmed_at = models.DateTimeField(
        _("dikonfirmasi pada"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui pada"), auto_now=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name = _("replikasi")
        verbose_name_plural = _("replikasi")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "adopting_regency"], name="unique_replication_per_regency"
            ),
        ]

    def __str__(self):
        return f"{self.innovation.title} → {self.adopting_regency}"

    def clean(self):
        super().clean()
        if (
            self.innovation_id
            and self.adopting_regency_id
            and self.innovation.regency_id == self.adopting_regency_id
        ):
            raise ValidationError(
                {"adopting_regency": _("Daerah tidak dapat mereplikasi inovasinya sendiri.")}
            )
