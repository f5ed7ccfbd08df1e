from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubs.names import NameNotFound, NameResolver
from innovations.services import SetupError, onboard_regency


class Command(BaseCommand):
    help = (
        "Give a regency or city its place in the library: its folder page, its editors' group "
        "(add and edit, no publish), its image and document collection, and the moderation "
        "workflow of its hub (or the national one). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("regency", help="Kemendagri code (35.78) or name (Kota Surabaya).")
        parser.add_argument(
            "--editor",
            metavar="EMAIL",
            help="Add the user with this e-mail (created without a password) to the editors.",
        )

    def handle(self, *args, regency, editor, **options):
        try:
            place = NameResolver().regency(regency)
            setup = onboard_regency(regency=place, editor_email=editor)
        except (NameNotFound, SetupError) as error:
            raise CommandError(str(error)) from None
        except ValidationError:
            raise CommandError(f"--editor: {editor!r} is not an e-mail address") from None
        state = "created" if setup.folder_created else "already there"
        self.stdout.write(f"folder {setup.folder.get_url()} ({state}); group '{setup.group.name}'")
        if setup.editor is not None:
            if setup.editor_created:
                self.stdout.write(
                    f"created user {setup.editor.email} without a password: they set one "
                    "through 'Lupa kata sandi' on the admin login, or an admin sets it."
                )
            else:
                self.stdout.write(f"added {setup.editor.email} to the editors")
        self.stdout.write(self.style.SUCCESS("Done."))
