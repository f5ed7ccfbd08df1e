from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from innovations.interchange import FORMATS, Validator, detect_format, read_lines
from innovations.services import SetupError, import_conflicts, import_innovations


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import innovation cases from a JSON Lines or CSV file (the interchange format). "
        "The whole file is checked first: if any line is invalid, every error is printed with "
        "its line and key, nothing is written, and the command exits 1. Otherwise cases are "
        "upserted by slug in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The .jsonl or .csv file to import.")
        parser.add_argument(
            "--format", choices=FORMATS, help="File format (default: from the extension)."
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Keep new cases unpublished and changes to published cases as drafts.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and run the import, then roll everything back.",
        )

    def handle(self, *args, path, format, draft, dry_run, **options):
        try:
            file_format = detect_format(path, format)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        rows, problems = read_lines(path, file_format)
        parsed = Validator().parse(rows, problems)
        for warning in parsed.warnings:
            self.stderr.write(self.style.WARNING(f"{path.name}: {warning}"))
        if not parsed.errors:
            parsed.errors = import_conflicts(parsed.records, draft=draft)
        if parsed.errors:
            for error in sorted(parsed.errors, key=lambda e: e.line):
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(
                f"{len(parsed.errors)} error(s) in {path.name}; nothing was imported.",
                returncode=1,
            )
        if not parsed.records:
            raise CommandError(f"{path.name} holds no cases; nothing was imported.", returncode=1)
        bar = tqdm(
            total=len(parsed.records),
            desc="Importing",
            unit="case",
            file=self.stderr,
            disable=options["verbosity"] == 0,
        )
        try:
            with transaction.atomic():
                summary = import_innovations(
                    records=parsed.records, draft=draft, progress=bar.update
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except SetupError as error:
            raise CommandError(str(error), returncode=1) from None
        finally:
            bar.close()
        state = "as drafts" if draft else "published"
        prefix = "Dry run, rolled back: would have " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{summary.created} created, {summary.updated} updated "
                f"({summary.moved} moved), {state}; {summary.folders_created} regency folders "
                f"and {summary.replications_created} replications created."
            )
        )
