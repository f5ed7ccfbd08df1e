import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import service
from search.models import OutboxEntry


class Command(BaseCommand):
    help = (
        "Maintain the public search index. --rebuild rebuilds it from the database (all "
        "engines, or those named with --engine); --process-queue retries the index updates "
        "waiting in the outbox; --status shows what is waiting."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="Rebuild the index.")
        action.add_argument(
            "--process-queue", action="store_true", help="Apply the waiting index updates."
        )
        action.add_argument("--status", action="store_true", help="Show the waiting updates.")
        parser.add_argument(
            "--engine",
            action="append",
            choices=["database", "elasticsearch"],
            help="With --rebuild: only this engine (repeatable). Default: every configured one.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw a progress bar."
        )

    def handle(self, *args, rebuild, process_queue, status, engine, no_progress, **options):
        configured = service.engines()
        unknown = [name for name in engine or [] if name not in configured]
        if unknown:
            raise CommandError(
                f"engine {unknown[0]!r} is not configured (set ELASTICSEARCH_URL to use it)"
            )
        if rebuild:
            self._rebuild(engine, no_progress)
        elif process_queue:
            report = service.process_outbox()
            self.stdout.write(f"synced: {report.synced}, failed: {report.failed}")
            for name in report.rebuilding:
                self.stdout.write(f"{name}: being rebuilt; its changes are applied when it ends")
            if report.failed:
                raise CommandError("; ".join(report.errors))
        else:
            for name, configured_engine in configured.items():
                waiting = OutboxEntry.objects.filter(engine=name)
                failed = waiting.filter(attempts__gt=0)
                self.stdout.write(f"{name}: {waiting.count()} waiting, {failed.count()} failed")
                for entry in failed.order_by("pk")[:10]:
                    self.stdout.write(
                        f"  page {entry.page_id}: {entry.attempts} attempts, {entry.last_error}"
                    )
                if hasattr(configured_engine, "index_is_current"):
                    self.stdout.write(f"  {self._index_state(configured_engine)}")

    @staticmethod
    def _index_state(engine) -> str:
        if not hasattr(engine, "live_indices"):  # the database engine
            if engine.index_is_current():
                return "index: current"
            return "index: built with another analysis; run search_index --rebuild"
        try:
            current = engine.index_is_current()
        except service.EngineUnavailable as error:
            return f"index {engine.alias}: unknown ({error})"
        if current is None:
            return f"index {engine.alias}: missing; run search_index --rebuild"
        names = ", ".join(engine.live_indices())
        if not current:
            return (
                f"index {engine.alias} -> {names}: built with other analysis settings or "
                "mappings; run search_index --rebuild"
            )
        return f"index {engine.alias} -> {names}: current"

    def _rebuild(self, names, no_progress):
        bars = []

        def progress(name, total):
            bar = tqdm(
                total=total,
                desc=f"{name} index",
                unit=" cases",
                disable=no_progress,
                file=sys.stderr,
            )
            bars.append(bar)
            return bar.update

        try:
            counts = service.rebuild(names, progress)
        except service.EngineUnavailable as error:
            raise CommandError(f"index not rebuilt: {error}") from None
        finally:
            for bar in bars:
                bar.close()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} cases indexed")
