"""Writes for the innovation taxonomy and reference data as a whole."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from hubs.models import Hub, Province, Regency
from hubs.services import GeographyLoad, LoadCounts, load_geography, upsert_rows
from jipp.csvdata import ReferenceDataError, read_csv

from .models import SDG, EvaluationAspect, Sector

REFERENCE_FOLDER = Path(settings.BASE_DIR) / "fixtures" / "reference"
REFERENCE_MODELS = [Province, Regency, Hub, Sector, SDG, EvaluationAspect]
# Wagtail's stock groups: editors and moderators may browse reference data, not change it.
REFERENCE_READER_GROUPS = ["Editors", "Moderators"]

_SECTOR_CODE = re.compile(r"([123]\.[0-9]{2}|P\.[0-9]{2})")


@dataclass
class TaxonomyLoad:
    sectors: LoadCounts = field(default_factory=LoadCounts)
    sdgs: LoadCounts = field(default_factory=LoadCounts)
    aspects: LoadCounts = field(default_factory=LoadCounts)


@dataclass
class ReferenceLoad:
    geography: GeographyLoad
    taxonomy: TaxonomyLoad
    groups_granted: list[str]


def _sectors(folder: Path) -> dict[str, dict]:
    rows = {}
    header = ["code", "name_id", "name_en", "group"]
    for order, (line, row) in enumerate(read_csv(folder / "sectors.csv", header)):
        if not _SECTOR_CODE.fullmatch(row["code"]):
            raise ReferenceDataError(f"sectors.csv:{line}: bad sector code {row['code']!r}")
        if row["group"] not in Sector.Group.values:
            raise ReferenceDataError(f"sectors.csv:{line}: unknown group {row['group']!r}")
        rows[row["code"]] = {
            "name_id": row["name_id"],
            "name_en": row["name_en"],
            "group": row["group"],
            "sort_order": order,
        }
    return rows


def _sdgs(folder: Path) -> dict[int, dict]:
    rows = {}
    for line, row in read_csv(folder / "sdgs.csv", ["number", "name_id", "name_en"]):
        if not row["number"].isdigit() or not 1 <= int(row["number"]) <= 17:
            raise ReferenceDataError(f"sdgs.csv:{line}: SDG number must be 1-17")
        number = int(row["number"])
        rows[number] = {"name_id": row["name_id"], "name_en": row["name_en"], "sort_order": number}
    return rows


def _aspects(folder: Path) -> dict[str, dict]:
    rows = {}
    header = ["slug", "name_id", "name_en", "description"]
    for order, (_line, row) in enumerate(read_csv(folder / "evaluation_aspects.csv", header)):
        rows[row["slug"]] = {
            "name_id": row["name_id"],
            "name_en": row["name_en"],
            "description": row["description"],
            "sort_order": order,
        }
    return rows


@transaction.atomic
def load_taxonomy(*, folder: Path) -> TaxonomyLoad:
    """Load or update sectors, SDGs and evaluation aspects from `folder`. Idempotent."""
    sector_rows, sdg_rows, aspect_rows = _sectors(folder), _sdgs(folder), _aspects(folder)
    result = TaxonomyLoad()
    upsert_rows(Sector, "code", sector_rows, result.sectors)
    upsert_rows(SDG, "number", sdg_rows, result.sdgs)
    upsert_rows(EvaluationAspect, "slug", aspect_rows, result.aspects)
    return result


def reference_view_permissions() -> list[Permission]:
    """The `view_*` permissions of every reference model."""
    codenames = [f"view_{model._meta.model_name}" for model in REFERENCE_MODELS]
    labels = {model._meta.app_label for model in REFERENCE_MODELS}
    return list(
        Permission.objects.filter(codename__in=codenames, content_type__app_label__in=labels)
    )


def grant_reference_view_permissions(*, groups: list[Group]) -> None:
    """Let `groups` browse (not change) the reference data in the admin."""
    permissions = reference_view_permissions()
    for group in groups:
        group.permissions.add(*permissions)


@transaction.atomic
def load_reference_data(*, folder: Path = REFERENCE_FOLDER) -> ReferenceLoad:
    """Load all reference data and the read-only admin access to it, in one transaction."""
    geography = load_geography(folder=folder)
    taxonomy = load_taxonomy(folder=folder)
    groups = list(Group.objects.filter(name__in=REFERENCE_READER_GROUPS))
    grant_reference_view_permissions(groups=groups)
    return ReferenceLoad(geography, taxonomy, sorted(group.name for group in groups))
