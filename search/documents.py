"""What the search engines index for a case: one engine-neutral document per live case."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from hubs.models import Hub
from innovations.interchange import RICH_TEXT_KEYS, rich_to_plain
from innovations.models import InnovationPage

# Field weights of the BM25F ranking (the Elasticsearch query boosts the same fields alike).
FIELD_WEIGHTS = {
    "title": 4.0,
    "keywords": 3.0,
    "summary": 2.0,
    "place": 2.0,
    "taxonomy": 1.0,
    "body": 1.0,
}
PLAIN_BODY_FIELDS = (
    "adapt_regulation",
    "adapt_staff",
    "adapt_it",
    "adapt_budget",
    "legal_instrument",
    "award",
)
FACET_KEYS = ("hub", "province", "regency", "sector", "sdg", "year", "stage", "award", "aspect")


@dataclass
class CaseDocument:
    page_id: int
    slug: str
    title: str
    summary: str
    keywords: list[str]
    place: str  # regency, province and hub names
    taxonomy: str  # sector, SDG and aspect names
    body: str
    data: dict
    facets: dict
    published_at: datetime

    def fields(self) -> dict[str, str]:
        """The weighted text fields, by name (see FIELD_WEIGHTS)."""
        return {
            "title": self.title,
            "keywords": "\n".join(self.keywords),
            "summary": self.summary,
            "place": self.place,
            "taxonomy": self.taxonomy,
            "body": self.body,
        }


def indexable_cases(page_ids=None) -> QuerySet:
    """Live, public cases with everything a search document needs, in a fixed number of
    queries. `page_ids` limits it to those pages (others may have gone or be drafts)."""
    queryset = InnovationPage.objects.live().public()
    if page_ids is not None:
        queryset = queryset.filter(pk__in=list(page_ids))
    return (
        queryset.select_related("regency__province")
        .prefetch_related(
            "sectors",
            "sdgs",
            "aspects",
            "keywords",
            "metrics",
            Prefetch("regency__hubs", queryset=Hub.objects.order_by("slug")),
        )
        .order_by("pk")
    )


def build_document(page: InnovationPage) -> CaseDocument:
    regency = page.regency
    province = regency.province if regency else None
    hubs = list(regency.hubs.all()) if regency else []
    sectors = list(page.sectors.all())
    sdgs = list(page.sdgs.all())
    aspects = list(page.aspects.all())
    keywords = sorted(tag.name for tag in page.keywords.all())
    body = [rich_to_plain(getattr(page, key)) for key in RICH_TEXT_KEYS]
    body += [getattr(page, name) for name in PLAIN_BODY_FIELDS]
    body += [metric.indicator for metric in page.metrics.all()]
    place = [regency.name if regency else "", province.name if province else ""]
    place += [hub.name for hub in hubs]
    taxonomy = [s.name_id for s in sectors] + [s.name_id for s in sdgs]
    taxonomy += [a.name_id for a in aspects]
    published = page.first_published_at or page.last_published_at or timezone.now()
    return CaseDocument(
        page_id=page.pk,
        slug=page.slug,
        title=page.title,
        summary=page.summary,
        keywords=keywords,
        place="\n".join(filter(None, place)),
        taxonomy="\n".join(taxonomy),
        body="\n\n".join(text for text in body if text),
        data={
            "regency": {"code": regency.code, "name": regency.name} if regency else None,
            "province": {"code": province.code, "name": province.name} if province else None,
            "hubs": [hub.slug for hub in hubs],
            "sectors": [{"code": s.code, "name": s.name_id} for s in sectors],
            "year": page.year_started,
            "stage": page.stage,
            "award": page.award,
        },
        facets={
            "hub": [hub.slug for hub in hubs],
            "province": [province.code] if province else [],
            "regency": [regency.code] if regency else [],
            "sector": [s.code for s in sectors],
            "sdg": [s.number for s in sdgs],
            "year": [page.year_started] if page.year_started else [],
            "stage": [page.stage] if page.stage else [],
            "award": [page.award] if page.award else [],
            "aspect": [a.slug for a in aspects],
        },
        published_at=published,
    )


def documents_for(page_ids=None, chunk_size=500):
    """Documents of the live, public cases among `page_ids` (all when None), in pk order."""
    for page in indexable_cases(page_ids).iterator(chunk_size=chunk_size):
        yield build_document(page)
