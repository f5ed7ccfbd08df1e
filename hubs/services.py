"""Writes for the network's geography and hubs."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from wagtail.search.backends import get_search_backends
from wagtail.search.index import class_is_indexed

from jipp.csvdata import ReferenceDataError, read_csv

from . import timezones
from .models import Hub, HubMembership, Province, Regency

_PROVINCE_CODE = re.compile(r"[1-9][0-9]")
_REGENCY_CODE = re.compile(r"([1-9][0-9])\.([0-9]{2})")


@dataclass
class LoadCounts:
    """How many rows a reference load created, updated and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class GeographyLoad:
    provinces: LoadCounts = field(default_factory=LoadCounts)
    regencies: LoadCounts = field(default_factory=LoadCounts)
    hubs: LoadCounts = field(default_factory=LoadCounts)
    memberships_added: int = 0


def upsert_rows(model, key: str, rows: dict[str, dict], counts: LoadCounts) -> dict:
    """Create or update `model` rows keyed by `key`; only rows that differ are written.

    `rows` maps each key value to the field values it should have. Written rows are added to
    the search index. Returns every object by key.
    """
    existing = model.objects.in_bulk(list(rows), field_name=key)
    to_create, to_update, changed_fields = [], [], set()
    for key_value, values in rows.items():
        obj = existing.get(key_value)
        if obj is None:
            to_create.append(model(**{key: key_value}, **values))
            continue
        diff = {name for name, value in values.items() if getattr(obj, name) != value}
        if diff:
            for name in diff:
                setattr(obj, name, values[name])
            to_update.append(obj)
            changed_fields |= diff
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields))
    counts.created += len(to_create)
    counts.updated += len(to_update)
    objects = model.objects.in_bulk(list(rows), field_name=key)
    written = [getattr(obj, key) for obj in [*to_create, *to_update]]
    if written and class_is_indexed(model):
        # Bulk writes skip the signals that keep the admin's choosers searchable.
        for backend in get_search_backends():
            backend.add_bulk(model, [objects[key_value] for key_value in written])
    return objects


def _provinces(folder: Path) -> dict[str, dict]:
    rows = {}
    for line, row in read_csv(folder / "provinces.csv", ["code", "name"]):
        if not _PROVINCE_CODE.fullmatch(row["code"]):
            raise ReferenceDataError(f"provinces.csv:{line}: bad province code {row['code']!r}")
        rows[row["code"]] = {
            "name": row["name"],
            "time_zone": timezones.zone_for_province(row["code"]),
        }
    return rows


def _regencies(folder: Path, province_codes: set[str]) -> dict[str, dict]:
    rows = {}
    header = ["code", "name", "province_code", "kind"]
    for line, row in read_csv(folder / "regencies.csv", header):
        match = _REGENCY_CODE.fullmatch(row["code"])
        if not match:
            raise ReferenceDataError(f"regencies.csv:{line}: bad regency code {row['code']!r}")
        if row["province_code"] not in province_codes:
            raise ReferenceDataError(
                f"regencies.csv:{line}: unknown province_code {row['province_code']!r}"
            )
        if match.group(1) != row["province_code"]:
            raise ReferenceDataError(
                f"regencies.csv:{line}: code {row['code']} is not in province "
                f"{row['province_code']}"
            )
        if row["kind"] not in Regency.Kind.values:
            raise ReferenceDataError(f"regencies.csv:{line}: unknown kind {row['kind']!r}")
        rows[row["code"]] = {
            "name": row["name"],
            "province_code": row["province_code"],
            "kind": row["kind"],
        }
    return rows


def _hubs(folder: Path, province_codes: set[str]) -> dict[str, dict]:
    rows = {}
    for line, row in read_csv(folder / "hubs.csv", ["slug", "name", "province_code"]):
        if row["province_code"] not in province_codes:
            raise ReferenceDataError(
                f"hubs.csv:{line}: unknown province_code {row['province_code']!r}"
            )
        rows[row["slug"]] = {"name": row["name"], "province_code": row["province_code"]}
    return rows


@transaction.atomic
def load_geography(*, folder: Path) -> GeographyLoad:
    """Load or update provinces, regencies, hubs and hub memberships from `folder`.

    Every file is read and checked before anything is written. Idempotent: a second run with
    the same files writes nothing. Rows missing from the files are kept (they may be
    referenced); hub members are added, never removed.
    """
    province_rows = _provinces(folder)
    regency_rows = _regencies(folder, set(province_rows))
    hub_rows = _hubs(folder, set(province_rows))

    result = GeographyLoad()
    provinces = upsert_rows(Province, "code", province_rows, result.provinces)
    for values in regency_rows.values():
        values["province_id"] = provinces[values.pop("province_code")].pk
    regencies = upsert_rows(Regency, "code", regency_rows, result.regencies)
    for values in hub_rows.values():
        values["province_id"] = provinces[values.pop("province_code")].pk
    hubs = upsert_rows(Hub, "slug", hub_rows, result.hubs)

    existing = set(HubMembership.objects.values_list("hub_id", "regency_id"))
    new_memberships = [
        HubMembership(hub=hub, regency=regency)
        for hub in hubs.values()
        for regency in regencies.values()
        if regency.province_id == hub.province_id and (hub.pk, regency.pk) not in existing
    ]
    HubMembership.objects.bulk_create(new_memberships)
    result.memberships_added = len(new_memberships)
    return result
