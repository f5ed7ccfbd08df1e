"""Innovation taxonomy: sectors (urusan), SDGs and the public-service evaluation aspects.

Case pages, the replication ledger and import/export arrive with the innovation case library;
this module holds the reference taxonomy they classify against.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from jipp.i18n import TranslatedField


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
