from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from innovations.interchange import FORMATS, write_csv, write_jsonl
from innovations.selectors import FILTER_KEYS, FilterError, InnovationFilters, export_rows


class Command(BaseCommand):
    help = (
        "Export published innovation cases in the interchange format (JSON Lines or CSV), "
        "optionally filtered like the /inovasi/ listing. Repeat a filter to OR its values."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=FORMATS, default="jsonl", help="Output format (default: jsonl)."
        )
        parser.add_argument(
            "--output", "-o", type=Path, help="Write to this file instead of standard output."
        )
        for key in FILTER_KEYS:
            if key == "replicated":
                parser.add_argument(
                    "--replicated", action="store_true", help="Only cases with replications."
                )
            else:
                parser.add_argument(
                    f"--{key}",
                    action="append",
                    default=[],
                    help=f"Filter by {key} (code or name); may be repeated.",
                )

    def handle(self, *args, format, output, **options):
        query = QueryDict(mutable=True)
        for key in FILTER_KEYS:
            if key == "replicated":
                if options["replicated"]:
                    query["replicated"] = "1"
            else:
                query.setlist(key, [str(v) for v in options[key]])
        try:
            filters = InnovationFilters.from_query(query)
        except FilterError as error:
            raise CommandError(f"--{error.key}: {error}") from None
        rows = export_rows(filters)
        writer = write_csv if format == "csv" else write_jsonl
        if output:
            with output.open("w", encoding="utf-8", newline="") as handle:
                writer(rows, handle)
        else:
            writer(rows, self.stdout)
