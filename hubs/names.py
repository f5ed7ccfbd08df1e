"""Forgiving lookup of province and regency names, strict about the result.

Names match regardless of case, accents, spacing, hyphens and dots, and common forms:
"Kab. Banyuwangi" and "Kabupaten Banyuwangi", "Kota Lubuklinggau" for "Kota Lubuk Linggau",
"DKI Jakarta", "DI Yogyakarta", "Jatim". A name that matches nothing, or more than one place,
is an error that names the closest candidates.
"""

import difflib
import re
import unicodedata

from .models import Province, Regency

_PREFIXES = [
    (r"\bkab\b", "kabupaten"),
    (r"\bkabupaten adm\b", "kabupaten administrasi"),
    (r"\bkota adm\b", "kota administrasi"),
    (r"\bprov\b", ""),
    (r"\bprovinsi\b", ""),
    (r"\bdki\b", "daerah khusus ibukota"),
    (r"\bdkj\b", "daerah khusus ibukota"),
    (r"\bdaerah khusus\b(?! ibukota)", "daerah khusus ibukota"),
    (r"\bdi\b", "daerah istimewa"),
    (r"\bdiy\b", "daerah istimewa yogyakarta"),
]
# Everyday short names of provinces, as officials write them.
_PROVINCE_ALIASES = {
    "sumut": "12", "sumbar": "13", "sumsel": "16", "babel": "19", "kepri": "21",
    "jabar": "32", "jateng": "33", "jatim": "35", "ntb": "52", "ntt": "53",
    "kalbar": "61", "kalteng": "62", "kalsel": "63", "kaltim": "64", "kaltara": "65",
    "sulut": "71", "sulteng": "72", "sulsel": "73", "sultra": "74", "sulbar": "76",
    "malut": "82", "jakarta": "31", "yogyakarta": "34", "jogja": "34",
}  # fmt: skip


class NameNotFound(LookupError):
    """No place, or more than one, matches a name; the message suggests candidates.

    `kind` ("province" or "regency"), `value`, `candidates` (the closest or the matching
    places) and `ambiguous` let a page word the error in its reader's language.
    """

    def __init__(self, message, *, kind, value, candidates=(), ambiguous=False):
        super().__init__(message)
        self.kind, self.value = kind, value
        self.candidates, self.ambiguous = list(candidates), ambiguous


def normalize(name: str) -> str:
    """A comparison key: lowercase ASCII words with common abbreviations expanded."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # Dotted initials are one word: "D.I." -> "di", "D.K.I." -> "dki".
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", "") + " ", text)
    text = re.sub(r"[-.,'\u2019/()]+", " ", text)
    text = " ".join(text.split())
    for pattern, replacement in _PREFIXES:
        text = re.sub(pattern, replacement, text)
    return " ".join(text.split())


def _key(name: str) -> str:
    return normalize(name).replace(" ", "")


_KIND_PREFIXES = ("kabupatenadministrasi", "kotaadministrasi", "kabupaten", "kota")


def _without_kind(key: str) -> str:
    for prefix in _KIND_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def _stated_kind(value: str) -> str | None:
    """ "kabupaten" or "kota" when a name starts with that word (not Kotabaru, Kotamobagu)."""
    words = normalize(value).split()
    return words[0] if words and words[0] in Regency.Kind.values else None


class NameResolver:
    """Resolves codes and names to provinces and regencies; loads them once."""

    def __init__(self):
        self.provinces = {p.code: p for p in Province.objects.all()}
        self.regencies = {r.code: r for r in Regency.objects.all()}
        self._province_keys = {_key(p.name): p for p in self.provinces.values()}
        self._regency_keys: dict[str, list[Regency]] = {}
        self._regency_short: dict[str, list[Regency]] = {}
        for regency in self.regencies.values():
            key = _key(regency.name)
            self._regency_keys.setdefault(key, []).append(regency)
            self._regency_short.setdefault(_without_kind(key), []).append(regency)

    def province(self, value: str) -> Province:
        value = str(value).strip()
        if value in self.provinces:
            return self.provinces[value]
        key = _key(value)
        found = self._province_keys.get(key)
        if found is None and key in _PROVINCE_ALIASES:
            found = self.provinces[_PROVINCE_ALIASES[key]]
        if found is None:
            raise self._not_found("province", value, self._province_keys, plural_ok=False)
        return found

    def regency(self, value: str) -> Regency:
        value = str(value).strip()
        if value in self.regencies:
            return self.regencies[value]
        key = _key(value)
        # "Surabaya" may stand for "Kota Surabaya" and "Kota Jakarta Pusat" for "Kota
        # Administrasi Jakarta Pusat"; "Kota Banyuwangi" may not stand for "Kabupaten
        # Banyuwangi": a name that states its kind must match it.
        candidates = self._regency_keys.get(key)
        kind = _stated_kind(value)
        if not candidates and kind is None:
            candidates = self._regency_short.get(key)
        elif not candidates:
            short = self._regency_short.get(_without_kind(key), [])
            candidates = [regency for regency in short if regency.kind == kind]
        if not candidates:
            raise self._not_found("regency", value, self._regency_keys, plural_ok=True)
        if len(candidates) > 1:
            names = ", ".join(f"{r.name} ({r.code})" for r in candidates)
            raise NameNotFound(
                f"regency {value!r} is ambiguous: it matches {names}",
                kind="regency",
                value=value,
                candidates=candidates,
                ambiguous=True,
            )
        return candidates[0]

    @staticmethod
    def _not_found(kind, value, keyed, plural_ok):
        close = difflib.get_close_matches(_key(value), list(keyed), n=3, cutoff=0.6)
        places = []
        for key in close:
            places.extend(keyed[key] if plural_ok else [keyed[key]])
        names = ", ".join(f"{place.name} ({place.code})" for place in places)
        hint = f"; did you mean {names}?" if places else ""
        return NameNotFound(
            f"unknown {kind} {value!r}{hint}", kind=kind, value=value, candidates=places
        )
