"""The network's geography and hubs: provinces, regencies/cities and the JIPP hubs.

Codes are Kemendagri codes kept as strings ("35.10", never 35.1).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from . import timezones


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
