from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from hubs import demo as hubs_demo
from hubs.models import Hub
from innovations import demo as library_demo
from innovations.services import create_hub
from jipp import demo


class Command(BaseCommand):
    help = (
        "Build the demo site: the home page as the default site's root, its section pages and "
        "the innovation library with demo cases, replications and generated images. "
        "Idempotent: pages that exist are left as they are. Loads the reference data first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-username",
            default="admin",
            help="Username of the demo superuser (default: admin).",
        )
        parser.add_argument(
            "--admin-password",
            default="",
            help="Create the demo superuser with this password if it does not exist yet. "
            "Without it no user is created.",
        )
        parser.add_argument(
            "--admin-email",
            default="admin@jipp.localhost",
            help="E-mail of the demo superuser (default: admin@jipp.localhost).",
        )

    @transaction.atomic
    def handle(self, *args, admin_username, admin_password, admin_email, **options):
        call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr)
        home, created = demo.build_site()
        self.stdout.write(f"home page: {home.title} ({home.url_path})")
        for page in created:
            self.stdout.write(f"created page: {page.title}")
        library = library_demo.build_library(home)
        self.stdout.write(f"innovation library: {library['index'].url_path}")
        self.stdout.write(f"demo cases created: {library['cases']}")
        events = hubs_demo.build_hubs(home)
        for slug in Hub.objects.values_list("slug", flat=True):
            create_hub(slug=slug)  # facilitators' rights on the new hub pages
        self.stdout.write(
            f"hub pages created: {events['hub_pages']}, events: {events['events']}, "
            f"registrations: {events['registrations']}"
        )
        if admin_password:
            if demo.ensure_admin(
                username=admin_username, password=admin_password, email=admin_email
            ):
                self.stdout.write(f"created superuser: {admin_username}")
            else:
                self.stdout.write(f"superuser {admin_username} exists, left unchanged")
        self.stdout.write(self.style.SUCCESS("Demo site is ready."))
