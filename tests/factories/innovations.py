import factory
import wagtail_factories
from django.utils.text import slugify

from hubs.models import Regency
from innovations.models import (
    InnovationIndexPage,
    InnovationPage,
    RegencyFolderPage,
    Replication,
    Sector,
)
from innovations.services import onboard_regency


class InnovationIndexPageFactory(wagtail_factories.PageFactory):
    title = "Inovasi"
    slug = "inovasi"
    title_en = "Innovations"
    show_in_menus = True

    class Meta:
        model = InnovationIndexPage


class RegencyFolderPageFactory(wagtail_factories.PageFactory):
    regency = factory.LazyFunction(lambda: Regency.objects.get(code="35.78"))
    title = factory.LazyAttribute(lambda o: o.regency.name)
    slug = factory.LazyAttribute(lambda o: slugify(o.regency.name))

    class Meta:
        model = RegencyFolderPage


class InnovationPageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=5, locale="id_ID")
    slug = factory.Sequence(lambda n: f"inovasi-{n}")
    summary = factory.Faker("paragraph", nb_sentences=3, locale="id_ID")
    problem = factory.LazyFunction(lambda: "<p>Warga harus datang ke kantor dinas.</p>")
    year_started = 2020
    stage = "penerapan"

    class Meta:
        model = InnovationPage
        skip_postgeneration_save = True

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        """`sectors=["1.02", ...]` (default 2.12); the case is then published with them."""
        self.sectors = list(Sector.objects.filter(code__in=extracted or ["2.12"]))
        if create:
            self.save_revision().publish()
            self.refresh_from_db()


def folder_for(regency_code: str) -> RegencyFolderPage:
    """The onboarded folder of a regency (groups, permissions, workflow included)."""
    return onboard_regency(regency=Regency.objects.get(code=regency_code)).folder


def replication(innovation, adopter_code, **fields) -> Replication:
    return Replication.objects.create(
        innovation=innovation,
        adopting_regency=Regency.objects.get(code=adopter_code),
        **fields,
    )
