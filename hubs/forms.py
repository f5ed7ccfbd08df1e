"""The public registration form (Indonesian and English messages from the catalogue)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Regency


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
        queryset=Regency.objects.select_related("province").order_by("name"),
        required=False,
        empty_label=_("— bukan pemerintah kabupaten/kota —"),
    )
    position = forms.CharField(label=_("Jabatan"), max_length=255, required=False)
    phone = forms.CharField(label=_("Nomor telepon/WhatsApp"), max_length=32, required=False)
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(label=_("Jangan isi kolom ini"), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
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
