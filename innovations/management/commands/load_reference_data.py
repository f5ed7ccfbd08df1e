from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from innovations.services import REFERENCE_FOLDER, load_reference_data
from jipp.csvdata import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Load or update the reference data (provinces, regencies/cities, hubs and their "
        "members, sectors, SDGs, evaluation aspects) from CSV files. Idempotent: running it "
        "again with the same files changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder",
            type=Path,
            default=REFERENCE_FOLDER,
            help=f"Folder holding the reference CSV files (default: {REFERENCE_FOLDER}).",
        )

    def handle(self, *args, folder, **options):
        try:
            result = load_reference_data(folder=folder)
        except ReferenceDataError as error:
            raise CommandError(
                f"Reference data not loaded, nothing was written: {error}"
            ) from None
        geography, taxonomy = result.geography, result.taxonomy
        for label, counts in [
            ("provinces", geography.provinces),
            ("regencies/cities", geography.regencies),
            ("hubs", geography.hubs),
            ("sectors", taxonomy.sectors),
            ("SDGs", taxonomy.sdgs),
            ("evaluation aspects", taxonomy.aspects),
        ]:
            self.stdout.write(f"{label}: {counts}")
        self.stdout.write(f"hub memberships added: {geography.memberships_added}")
        if result.groups_granted:
            self.stdout.write(f"read access granted to: {', '.join(result.groups_granted)}")
        self.stdout.write(self.style.SUCCESS("Reference data is up to date."))
