"""Indonesia's three time zones and which provinces observe each.

The zone follows the province (Presidential Decree 41/1987): no regency observes a different
zone from its province, so a regency's zone is its province's.
"""

from django.utils.translation import gettext_lazy as _

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

CHOICES = [
    (WIB, _("WIB (Waktu Indonesia Barat, UTC+7)")),
    (WITA, _("WITA (Waktu Indonesia Tengah, UTC+8)")),
    (WIT, _("WIT (Waktu Indonesia Timur, UTC+9)")),
]
ABBREVIATIONS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}

# Kemendagri province codes of the provinces outside WIB. Every other province is WIB:
# Sumatera (11-21), Jawa (31-36), Kalimantan Barat (61) and Kalimantan Tengah (62).
_WITA_PROVINCES = {
    "51",  # Bali
    "52",  # Nusa Tenggara Barat
    "53",  # Nusa Tenggara Timur
    "63",  # Kalimantan Selatan
    "64",  # Kalimantan Timur
    "65",  # Kalimantan Utara
    "71",  # Sulawesi Utara
    "72",  # Sulawesi Tengah
    "73",  # Sulawesi Selatan
    "74",  # Sulawesi Tenggara
    "75",  # Gorontalo
    "76",  # Sulawesi Barat
}
_WIT_PROVINCES = {
    "81",  # Maluku
    "82",  # Maluku Utara
    "91",  # Papua
    "92",  # Papua Barat
    "93",  # Papua Selatan
    "94",  # Papua Tengah
    "95",  # Papua Pegunungan
    "96",  # Papua Barat Daya
}


def zone_for_province(code: str) -> str:
    """The IANA time zone observed in the province with this Kemendagri code."""
    if code in _WIT_PROVINCES:
        return WIT
    if code in _WITA_PROVINCES:
        return WITA
    return WIB
