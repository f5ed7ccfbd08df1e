from django.core.management.base import BaseCommand, CommandError

from innovations.services import SetupError, create_hub


class Command(BaseCommand):
    help = (
        "Set up a hub: its facilitators' group, its moderation workflow 'Moderasi <hub>' and "
        "publish rights on the folders of its member regencies. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The hub's slug, e.g. jawa-timur.")

    def handle(self, *args, slug, **options):
        try:
            setup = create_hub(slug=slug)
        except SetupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{setup.hub}: group '{setup.group.name}', workflow '{setup.workflow.name}', "
                f"{len(setup.folders)} member folder(s) moderated."
            )
        )
