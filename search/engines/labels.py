"""Labels for facet values, looked up in the reference tables (shared by both engines)."""

from collections import Counter

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hubs.models import Hub, Province
from innovations.models import SDG, EvaluationAspect, Sector, Stage

from ..query import COUNTED_FACETS, FacetValue

LABELLED = {
    "hub": Hub,
    "province": Province,
    "sector": Sector,
    "sdg": SDG,
    "aspect": EvaluationAspect,
}
LABELS_TIMEOUT = 3600  # seconds; search/signals.py forgets them when a reference row changes


def labels_cache_key(key: str, language: str) -> str:
    return f"search:facet-labels:{key}:{language}"


def _all_labels(key) -> dict:
    if key == "hub":
        return dict(Hub.objects.values_list("slug", "name"))
    if key == "province":
        return dict(Province.objects.values_list("code", "name"))
    if key == "sector":
        return {s.code: s.name for s in Sector.objects.all()}
    if key == "sdg":
        return {s.number: str(s) for s in SDG.objects.all()}
    return {a.slug: a.name for a in EvaluationAspect.objects.all()}


def _labels(key, values) -> dict:
    if key in LABELLED:
        # A few dozen rows per facet, the same for every search: cached per language.
        return cache.get_or_set(
            labels_cache_key(key, get_language()), lambda: _all_labels(key), LABELS_TIMEOUT
        )
    if key == "stage":
        return {value: str(label) for value, label in Stage.choices}
    return {value: str(value) for value in values}


def _order(key, item: FacetValue):
    if key == "year":
        return (-int(item.value),)
    if key == "stage":
        return (Stage.values.index(item.value) if item.value in Stage.values else 99,)
    if key == "sdg":
        return (int(item.value),)
    return (-item.count, item.label)


def facet_values(counts: dict[str, Counter], filters: dict) -> dict[str, list[FacetValue]]:
    """Counted facet values with labels, plus selected values that have no match now."""
    out = {}
    for key in COUNTED_FACETS:
        counter = Counter(counts.get(key, {}))
        selected = set(filters.get(key, []))
        for value in selected:
            counter.setdefault(value, 0)
        labels = _labels(key, list(counter)) if counter else {}
        items = [
            FacetValue(
                value, labels.get(value) or _("(tidak diketahui)"), count, value in selected
            )
            for value, count in counter.items()
        ]
        out[key] = sorted(items, key=lambda item, key=key: _order(key, item))
    return out
