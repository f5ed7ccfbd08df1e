"""The network's geography and hubs: provinces, regencies/cities and the JIPP hubs.

Codes are Kemendagri codes kept as strings ("35.10", never 35.1).
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from jipp.models import BilingualPage

from . import timezones
from .forms import EventPageForm


class Province(index.Indexed, models.Model):
    """One of Indonesia's 38 provinces."""

    code = models.CharField(_("kode Kemendagri"), max_length=2, unique=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("zona waktu"), max_length=32, choices=timezones.CHOICES, default=timezones.WIB
    )

    search_fields = [
        index.SearchField("name"),
        index.FilterField("code"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self):
        return self.name

    @property
    def time_zone_abbreviation(self) -> str:
        return timezones.ABBREVIATIONS[self.time_zone]


class Regency(index.Indexed, models.Model):
    """A kabupaten (regency) or kota (city): the level that publishes innovation cases."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    province = models.ForeignKey(
        Province,
        verbose_name=_("provinsi"),
        on_delete=models.PROTECT,
        related_name="regencies",
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("code"),
        index.FilterField("kind"),
        index.FilterField("province"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="unique_regency_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def time_zone(self) -> str:
        """The regency's IANA time zone, which is always its province's."""
        return self.province.time_zone


class Hub(index.Indexed, models.Model):
    """A JIPP provincial hub; its members are regencies/cities."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    province = models.ForeignKey(
        Province, verbose_name=_("provinsi"), on_delete=models.PROTECT, related_name="hubs"
    )
    facilitator_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("grup fasilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_hub",
        editable=False,
    )
    members = models.ManyToManyField(
        Regency,
        verbose_name=_("anggota"),
        through="HubMembership",
        related_name="hubs",
        blank=True,
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hub")

    def __str__(self):
        return str(_("Hub JIPP %(name)s") % {"name": self.name})


class HubMembership(models.Model):
    """A regency's membership of a hub."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships")
    regency = models.ForeignKey(Regency, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("bergabung sejak"), null=True, blank=True)

    class Meta:
        verbose_name = _("keanggotaan hub")
        verbose_name_plural = _("keanggotaan hub")
        constraints = [
            models.UniqueConstraint(fields=["hub", "regency"], name="unique_hub_membership"),
        ]

    def __str__(self):
        return f"{self.regency} — {self.hub}"


# --- Hub and event pages ----------------------------------------------------------------------
# (Pages live here with the network they describe; see DESIGN section 3 for the tree.)


class HubIndexPage(BilingualPage):
    """/hub/: the hubs of the network."""

    parent_page_types = ["jipp.HomePage"]
    subpage_types = ["hubs.HubPage"]
    max_count = 1

    class Meta:
        verbose_name = _("indeks hub")
        verbose_name_plural = _("indeks hub")

    def get_context(self, request, *args, **kwargs):
        from .selectors import hub_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(hub_index_context(self))
        return context


class HubPage(BilingualPage):
    """A hub's profile: facilitators, members, upcoming events, featured cases, dashboard."""

    hub = models.OneToOneField(
        Hub, verbose_name=_("hub"), on_delete=models.PROTECT, related_name="page"
    )
    contact_email = models.EmailField(_("surel fasilitator"), blank=True)
    contact_phone = models.CharField(_("telepon fasilitator"), max_length=32, blank=True)
    facilitators = models.TextField(
        _("fasilitator"),
        blank=True,
        help_text=_("Satu orang per baris: nama, jabatan, instansi."),
    )

    content_panels = [
        *BilingualPage.content_panels,
        FieldPanel("hub"),
        MultiFieldPanel(
            [FieldPanel("facilitators"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Fasilitator"),
        ),
        InlinePanel("featured_cases", label=_("Inovasi unggulan")),
    ]

    parent_page_types = ["hubs.HubIndexPage"]
    subpage_types = ["hubs.EventPage"]

    class Meta:
        verbose_name = _("halaman hub")
        verbose_name_plural = _("halaman hub")

    def get_context(self, request, *args, **kwargs):
        from .selectors import hub_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(hub_page_context(self))
        return context

    def facilitator_lines(self):
        return [line.strip() for line in self.facilitators.splitlines() if line.strip()]


class HubFeaturedCase(Orderable):
    page = ParentalKey(HubPage, on_delete=models.CASCADE, related_name="featured_cases")
    case = models.ForeignKey(
        "innovations.InnovationPage",
        verbose_name=_("inovasi"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("case")]


class EventIndexPage(RoutablePageMixin, BilingualPage):
    """/agenda/: every hub's events, upcoming and past, with filters, iCal and RSS."""

    parent_page_types = ["jipp.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("indeks agenda")
        verbose_name_plural = _("indeks agenda")

    def get_context(self, request, *args, **kwargs):
        from .views import event_listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_listing_context(request))
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        from django.template.response import TemplateResponse

        context = self.get_context(request)
        status = 400 if "filter_error" in context else 200
        return TemplateResponse(request, self.get_template(request), context, status=status)

    @path("feed/")
    def feed(self, request):
        from .feeds import UpcomingEventsFeed

        return UpcomingEventsFeed(self)(request)


class AgendaItemBlock(blocks.StructBlock):
    time = blocks.CharBlock(label=_("waktu"), max_length=32, help_text=_("Misalnya 09.00-10.30"))
    session = blocks.CharBlock(label=_("sesi"), max_length=255)
    speaker = blocks.CharBlock(label=_("pembicara"), max_length=255, required=False)

    class Meta:
        icon = "time"
        label = _("sesi agenda")
        template = "hubs/blocks/agenda_item.html"


class EventKind(models.TextChoices):
    LOKAKARYA = "lokakarya", _("Lokakarya")
    WEBINAR = "webinar", _("Webinar")
    STUDI_TIRU = "studi tiru", _("Studi tiru")
    BIMTEK = "bimtek", _("Bimbingan teknis")
    RAPAT_KOORDINASI = "rapat koordinasi", _("Rapat koordinasi")


class EventPage(RoutablePageMixin, BilingualPage):
    """A workshop, webinar, study visit, training or coordination meeting of a hub.

    Times are stored aware and shown in the venue's time zone (its province's: WIB, WITA or
    WIT); an online event takes the hub's province's zone.
    """

    kind = models.CharField(_("jenis"), max_length=20, choices=EventKind.choices)
    start = models.DateTimeField(_("mulai"))
    end = models.DateTimeField(_("selesai"))
    venue_regency = models.ForeignKey(
        Regency,
        verbose_name=_("kabupaten/kota tempat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Menentukan zona waktu acara. Kosongkan untuk acara daring."),
    )
    venue_name = models.CharField(_("nama tempat"), max_length=255, blank=True)
    venue_address = models.TextField(_("alamat tempat"), blank=True)
    online_url = models.URLField(
        _("tautan daring"),
        blank=True,
        help_text=_("Hanya ditampilkan kepada pendaftar yang terkonfirmasi."),
    )
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("agenda"), blank=True)
    speakers = models.TextField(
        _("narasumber"), blank=True, help_text=_("Satu orang per baris: nama, jabatan.")
    )
    capacity = models.PositiveIntegerField(_("kapasitas"), validators=[MinValueValidator(1)])
    registration_opens = models.DateTimeField(_("pendaftaran dibuka"), null=True, blank=True)
    registration_closes = models.DateTimeField(
        _("pendaftaran ditutup"),
        null=True,
        blank=True,
        help_text=_("Kosongkan: pendaftaran ditutup saat acara dimulai."),
    )
    ask_position = models.BooleanField(_("tanyakan jabatan"), default=True)
    ask_phone = models.BooleanField(_("tanyakan nomor telepon"), default=True)
    outcome = models.TextField(
        _("hasil acara"),
        blank=True,
        help_text=_("Diisi sesudah acara: kesimpulan dan tindak lanjut. Tampil di halaman acara."),
    )

    content_panels = [
        *BilingualPage.content_panels,
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Waktu")),
        MultiFieldPanel(
            [
                FieldPanel("venue_regency"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("online_url"),
            ],
            heading=_("Tempat"),
        ),
        FieldPanel("agenda"),
        FieldPanel("speakers"),
        InlinePanel("featured_cases", label=_("Inovasi yang dibahas")),
        InlinePanel("materials", label=_("Materi")),
        FieldPanel("outcome"),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel(
                    [FieldPanel("registration_opens"), FieldPanel("registration_closes")]
                ),
                FieldPanel("ask_position"),
                FieldPanel("ask_phone"),
            ],
            heading=_("Pendaftaran"),
        ),
    ]

    base_form_class = EventPageForm
    parent_page_types = ["hubs.HubPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("acara")
        verbose_name_plural = _("acara")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Waktu selesai harus sesudah waktu mulai.")})
        if not self.venue_regency_id and not self.online_url:
            raise ValidationError(
                {"venue_regency": _("Isi tempat acara, atau tautan daring untuk acara daring.")}
            )
        closes = self.registration_closes
        if closes and self.start and closes > self.start:
            raise ValidationError(
                {
                    "registration_closes": _(
                        "Pendaftaran harus ditutup paling lambat saat acara dimulai."
                    )
                }
            )

    # Time ----------------------------------------------------------------------------------

    @property
    def hub(self):
        parent = self.get_parent().specific
        return parent.hub if isinstance(parent, HubPage) else None

    @property
    def time_zone(self) -> str:
        if self.venue_regency_id:
            return self.venue_regency.province.time_zone
        hub = self.hub
        return hub.province.time_zone if hub else settings.TIME_ZONE

    @property
    def time_zone_abbreviation(self) -> str:
        return timezones.ABBREVIATIONS.get(self.time_zone, self.time_zone)

    @property
    def local_start(self):
        return self.start.astimezone(ZoneInfo(self.time_zone))

    @property
    def local_end(self):
        return self.end.astimezone(ZoneInfo(self.time_zone))

    @property
    def is_online(self) -> bool:
        return not self.venue_regency_id

    @property
    def closes_at(self):
        return min(filter(None, [self.registration_closes, self.start]))

    def registration_state(self, now=None) -> str:
        """ "open", "not_yet", "closed" (window over) or "past" (the event has started)."""
        now = now or timezone.now()
        if now >= self.start:
            return "past"
        if self.registration_opens and now < self.registration_opens:
            return "not_yet"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def speaker_lines(self):
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from .selectors import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(self))
        return context

    # Routes --------------------------------------------------------------------------------

    @path("")
    def event(self, request):
        from .views import event_page_view

        return event_page_view(request, self)

    @path("terdaftar/<str:token>/")
    def registered(self, request, token):
        from .views import registration_receipt_view

        return registration_receipt_view(request, self, token)

    @path("batal/<str:token>/")
    def cancel(self, request, token):
        from .views import cancel_registration_view

        return cancel_registration_view(request, self, token)


class EventFeaturedCase(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="featured_cases")
    case = models.ForeignKey(
        "innovations.InnovationPage",
        verbose_name=_("inovasi"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("case")]


class EventMaterial(Orderable):
    """A document, slides or a recording, often added after the event."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("judul"), max_length=255)
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("dokumen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("tautan (rekaman, salindia)"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("document"), FieldPanel("url")]

    def clean(self):
        if not self.document_id and not self.url:
            raise ValidationError(_("Pilih dokumen atau isi tautan."))


class Registration(models.Model):
    """A person's registration for an event: confirmed, waitlisted or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Terkonfirmasi")
        WAITLISTED = "waitlisted", _("Daftar tunggu")
        CANCELLED = "cancelled", _("Dibatalkan")

    event = models.ForeignKey(
        EventPage, verbose_name=_("acara"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("nama"), max_length=255)
    email = models.EmailField(_("surel"))
    email_key = models.CharField(max_length=254, editable=False)  # lowercased, for uniqueness
    regency = models.ForeignKey(
        Regency,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    organisation = models.CharField(_("instansi"), max_length=255)
    position = models.CharField(_("jabatan"), max_length=255, blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("mendaftar pada"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status berubah pada"), default=timezone.now)
    attended = models.BooleanField(_("hadir"), default=False)
    checked_in_at = models.DateTimeField(_("hadir pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~models.Q(status="cancelled"),
                name="one_active_registration_per_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"{self.name} — {self.event}"

    def save(self, *args, **kwargs):
        self.email_key = self.email.strip().lower()
        super().save(*args, **kwargs)


class ActionPlan(models.Model):
    """A regency's commitment after an event (rencana aksi), e.g. to replicate a case.

    `replication` is set once the plan has opened an entry in the replication ledger
    (innovations.services.open_replication_for_plan).
    """

    event = models.ForeignKey(
        EventPage, verbose_name=_("acara"), on_delete=models.CASCADE, related_name="action_plans"
    )
    regency = models.ForeignKey(
        Regency,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    case = models.ForeignKey(
        "innovations.InnovationPage",
        verbose_name=_("inovasi yang akan direplikasi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment = models.TextField(_("rencana aksi"))
    target_date = models.DateField(_("target"), null=True, blank=True)
    replication = models.ForeignKey(
        "innovations.Replication",
        verbose_name=_("replikasi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        ordering = ["regency__name", "pk"]

    def __str__(self):
        return f"{self.regency}: {self.commitment[:60]}"
