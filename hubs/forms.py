"""The public registration form (Indonesian and English messages from the catalogue) and the
event's admin form, which edits times as wall-clock time at the venue.

Imported by hubs.models (EventPage.base_form_class): import models lazily here.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from . import timezones


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Nama lengkap"), max_length=255)
    email = forms.EmailField(
        label=_("Surel"),
        error_messages={
            "invalid": _("Masukkan alamat surel yang benar, mis. nama@instansi.go.id.")
        },
    )
    organisation = forms.CharField(label=_("Instansi / perangkat daerah"), max_length=255)
    regency = forms.ModelChoiceField(
        label=_("Kabupaten/kota"),
        queryset=None,  # set in __init__ (this module is imported by hubs.models)
        required=False,
        empty_label=_("— bukan pemerintah kabupaten/kota —"),
    )
    position = forms.CharField(label=_("Jabatan"), max_length=255, required=False)
    phone = forms.CharField(label=_("Nomor telepon/WhatsApp"), max_length=32, required=False)
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(label=_("Jangan isi kolom ini"), required=False)

    def __init__(self, *args, event, **kwargs):
        from .models import Regency

        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = Regency.objects.select_related("province").order_by(
            "name"
        )
        if not event.ask_position:
            del self.fields["position"]
        if not event.ask_phone:
            del self.fields["phone"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _(
                    "Pendaftaran ditolak: kolom yang seharusnya kosong terisi, seperti yang "
                    "dilakukan robot. Muat ulang halaman dan isi formulir lagi."
                )
            )
        return cleaned

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        digits = phone.replace("+", "").replace("-", "").replace(" ", "")
        if phone and not digits.isdigit():
            raise forms.ValidationError(_("Nomor telepon hanya berisi angka, spasi, + atau -."))
        return phone


class EventPageForm(WagtailAdminPageForm):
    """The event's admin form: start, end and the registration window are shown and read as
    wall-clock time in the venue's zone (its province's: WIB, WITA or WIT; an online event
    takes its hub's province's), the zone the public page shows, whatever zone the editor's
    admin runs in. A venue changed in the same submission is the one whose zone counts.

    Django's datetime fields render and parse in the active zone (the editor's); this form
    shifts the values between that zone and the venue's, keeping the wall-clock time.
    """

    LOCAL_FIELDS = ("start", "end", "registration_opens", "registration_closes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        venue = self.instance.venue_regency if self.instance.venue_regency_id else None
        zone = self.venue_zone(venue)
        active = timezone.get_current_timezone()
        help_text = _(
            "Jam setempat di tempat acara: zona waktu provinsi kabupaten/kota tempat (WIB, "
            "WITA atau WIT); acara daring memakai zona provinsi hub. Zona acara ini: %(zone)s."
        ) % {"zone": timezones.ABBREVIATIONS.get(zone, zone)}
        for name in self.LOCAL_FIELDS:
            if name not in self.fields:
                continue
            self.fields[name].help_text = help_text
            value = self.initial.get(name)
            if value is not None and timezone.is_aware(value):
                self.initial[name] = _same_wall_clock(value, ZoneInfo(zone), active)

    def hub(self):
        """The hub of the event's parent page (the page being created under, or the page's)."""
        from .models import HubPage

        parent = self.parent_page
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        parent = parent.specific if parent is not None else None
        return parent.hub if isinstance(parent, HubPage) else None

    def venue_zone(self, venue) -> str:
        if venue is not None:
            return venue.province.time_zone
        hub = self.hub()
        return hub.province.time_zone if hub else settings.TIME_ZONE

    def clean(self):
        cleaned_data = super().clean()
        if "venue_regency" in self.errors:
            return cleaned_data  # which zone is unknown; the form is refused anyway
        zone = ZoneInfo(self.venue_zone(cleaned_data.get("venue_regency")))
        active = timezone.get_current_timezone()
        for name in self.LOCAL_FIELDS:
            value = cleaned_data.get(name)
            if value is not None:
                cleaned_data[name] = _same_wall_clock(value, active, zone)
        return cleaned_data


def _same_wall_clock(value, source, target):
    """The moment that shows in `target` the wall-clock time `value` shows in `source`."""
    wall = timezone.make_naive(value, source)
    return timezone.make_aware(wall, target)
