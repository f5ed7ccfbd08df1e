"""Labels for facet values, looked up in the reference tables (shared by both engines)."""

from collections import Counter

from django.utils.translation import gettext as _

from hubs.models import Hub, Province
from innovations.models import SDG, EvaluationAspect, Sector, Stage

from ..query import COUNTED_FACETS, FacetValue


def _labels(key, values) -> dict:
    if key == "hub":
        return dict(Hub.objects.filter(slug__in=values).values_list("slug", "name"))
    if key == "province":
        return dict(Province.objects.filter(code__in=values).values_list("code", "name"))
    if key == "sector":
        return {s.code: s.name for s in Sector.objects.filter(code__in=values)}
    if key == "sdg":
        return {s.number: str(s) for s in SDG.objects.filter(number__in=values)}
    if key == "aspect":
        return {a.slug: a.name for a in EvaluationAspect.objects.filter(slug__in=values)}
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
