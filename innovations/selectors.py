"""Reads for the innovation library: listing filters, page contexts, exports."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from hubs.models import Hub, Province
from hubs.names import NameNotFound, NameResolver

from .models import SDG, EvaluationAspect, InnovationPage, Replication, Sector, Stage

SORTS = {
    "newest": ("-first_published_at", "-pk"),
    "replicated": ("-replication_count", "-first_published_at", "-pk"),
    "az": (Lower("title"), "pk"),
}
SORT_LABELS = {
    "newest": _("Terbaru"),
    "replicated": _("Paling banyak direplikasi"),
    "az": _("Judul A-Z"),
}
FILTER_LABELS = {
    "hub": _("hub"),
    "province": _("provinsi"),
    "regency": _("kabupaten/kota"),
    "sector": _("urusan"),
    "sdg": _("TPB/SDG"),
    "aspect": _("aspek evaluasi"),
    "stage": _("tahap"),
    "year": _("tahun"),
    "award": _("penghargaan"),
    "sort": _("urutan"),
}
FILTER_KEYS = [
    "hub", "province", "regency", "sector", "sdg", "aspect", "stage", "year", "award",
    "replicated",
]  # fmt: skip


class FilterError(ValueError):
    """A filter value that cannot be understood; `key` names the parameter.

    For place names, `places` holds the closest (or, if `ambiguous`, the matching) places.
    """

    def __init__(self, key, message, *, value="", places=(), ambiguous=False):
        super().__init__(message)
        self.key, self.value = key, value
        self.places, self.ambiguous = list(places), ambiguous


@dataclass
class InnovationFilters:
    """Listing filters. Values within one key are ORed; different keys are ANDed."""

    hub: list[str] = field(default_factory=list)
    province: list[str] = field(default_factory=list)
    regency: list[str] = field(default_factory=list)
    sector: list[str] = field(default_factory=list)
    sdg: list[int] = field(default_factory=list)
    aspect: list[str] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    year: list[int] = field(default_factory=list)
    award: list[str] = field(default_factory=list)
    replicated: bool = False
    sort: str = "newest"

    @classmethod
    def from_query(cls, query: QueryDict, resolver: NameResolver | None = None):
        """Parse a querystring; names of places are matched forgivingly and become codes."""
        filters = cls()
        for key in ("hub", "sector", "aspect", "award"):
            setattr(filters, key, [v.strip() for v in query.getlist(key) if v.strip()])
        for key, known in (
            ("hub", lambda: Hub.objects.values_list("slug", flat=True)),
            ("sector", lambda: Sector.objects.values_list("code", flat=True)),
            ("aspect", lambda: EvaluationAspect.objects.values_list("slug", flat=True)),
        ):
            unknown = set(getattr(filters, key)) - set(known()) if getattr(filters, key) else ()
            if unknown:
                value = sorted(unknown)[0]
                raise FilterError(key, f"unknown {key} {value!r}", value=value)
        names = resolver
        for key in ("province", "regency"):
            for value in query.getlist(key):
                if not value.strip():
                    continue
                names = names or NameResolver()
                try:
                    getattr(filters, key).append(getattr(names, key)(value).code)
                except NameNotFound as error:
                    raise FilterError(
                        key,
                        str(error),
                        value=value,
                        places=error.candidates,
                        ambiguous=error.ambiguous,
                    ) from None
        for key in ("sdg", "year"):
            for value in query.getlist(key):
                if not value.strip():
                    continue
                if not value.strip().isdigit():
                    raise FilterError(
                        key, f"{key} must be a whole number, not {value!r}", value=value
                    )
                getattr(filters, key).append(int(value))
        for value in query.getlist("stage"):
            if value.strip():
                if value not in Stage.values:
                    raise FilterError("stage", f"unknown stage {value!r}", value=value)
                filters.stage.append(value)
        filters.replicated = query.get("replicated", "") in ("1", "true", "ya")
        sort = query.get("sort") or "newest"
        if sort not in SORTS:
            raise FilterError(
                "sort", f"unknown sort {sort!r}; one of {', '.join(SORTS)}", value=sort
            )
        filters.sort = sort
        return filters

    def apply(self, queryset: QuerySet) -> QuerySet:
        conditions = {
            "hub": Q(regency__hubs__slug__in=self.hub),
            "province": Q(regency__province__code__in=self.province),
            "regency": Q(regency__code__in=self.regency),
            "sector": Q(sectors__code__in=self.sector),
            "sdg": Q(sdgs__number__in=self.sdg),
            "aspect": Q(aspects__slug__in=self.aspect),
            "stage": Q(stage__in=self.stage),
            "year": Q(year_started__in=self.year),
            "award": Q(award__in=self.award),
        }
        for key, condition in conditions.items():
            if getattr(self, key):
                # A subquery per facet keeps OR-within / AND-across exact, without duplicates.
                queryset = queryset.filter(pk__in=InnovationPage.objects.filter(condition))
        if self.replicated:
            queryset = queryset.filter(pk__in=Replication.objects.values("innovation_id"))
        return queryset

    def is_active(self) -> bool:
        return any(getattr(self, key) for key in FILTER_KEYS)


def with_listing_relations(queryset: QuerySet) -> QuerySet:
    """What a listing, feed or export row shows, in a fixed number of queries."""
    return queryset.select_related("regency__province").prefetch_related(
        "sectors",
        "sdgs",
        Prefetch("regency__hubs", queryset=Hub.objects.order_by("name")),
        Prefetch(
            "replications",
            queryset=Replication.objects.select_related("adopting_regency").order_by(
                "adopting_regency__code"
            ),
        ),
        "keywords",
    )


def filtered_innovations(filters: InnovationFilters) -> QuerySet:
    queryset = InnovationPage.objects.live().public()
    queryset = filters.apply(queryset).annotate(replication_count=Count("replications"))
    return with_listing_relations(queryset.order_by(*SORTS[filters.sort]))


def facet_options():
    """Choices for the listing's filter form."""
    live = InnovationPage.objects.live().public()
    return {
        "hub": list(Hub.objects.order_by("name")),
        "sector": list(Sector.objects.filter(innovations__in=live).distinct()),
        "sdg": list(SDG.objects.all()),
        "aspect": list(EvaluationAspect.objects.all()),
        "stage": Stage.choices,
        "year": sorted(
            {y for y in live.values_list("year_started", flat=True) if y}, reverse=True
        ),
        "award": sorted({a for a in live.values_list("award", flat=True) if a}),
        "province": sorted(
            {(p.code, p.name) for p in _provinces_with_cases(live)}, key=lambda p: p[1]
        ),
    }


def _provinces_with_cases(live):
    return Province.objects.filter(regencies__innovations__in=live).distinct()


def innovation_page_context(page: InnovationPage) -> dict:
    """Everything a case page shows, in a fixed number of queries."""
    regency = page.regency
    sectors = list(page.sectors.all())
    return {
        "regency": regency,
        "province": regency.province if regency else None,
        "hubs": list(regency.hubs.order_by("name")) if regency else [],
        "sectors": sectors,
        "sdgs": list(page.sdgs.all()),
        "aspects": list(page.aspects.all()),
        "keywords": sorted(page.keywords.all(), key=lambda tag: tag.name),
        "metrics": list(page.metrics.all()),
        "gallery": list(
            page.gallery_images.select_related("image").prefetch_related("image__renditions")
        ),
        "documents": list(page.documents.select_related("document")),
        "replications": list(
            page.replications.select_related("adopting_regency__province").order_by(
                "-confirmed", "adopting_regency__name"
            )
        ),
    }


def regency_folder_context(folder) -> dict:
    """A regency's own cases and the cases it replicated from others."""
    cases = with_listing_relations(
        InnovationPage.objects.child_of(folder).live().public().order_by("title")
    ).annotate(replication_count=Count("replications"))
    adopted = (
        Replication.objects.filter(
            adopting_regency=folder.regency,
            innovation__in=InnovationPage.objects.live().public(),
        )
        .select_related("innovation__regency")
        .order_by("-started_on")
    )
    return {"cases": cases, "adopted": adopted}


def export_rows(filters: InnovationFilters):
    """Interchange objects for the filtered cases, ordered by regency code and slug: an
    order that does not depend on when cases were published, so an export imported into an
    empty site exports the same again."""
    from .interchange import serialize

    pages = filtered_innovations(filters).order_by("regency__code", "slug")
    for page in pages.iterator(chunk_size=500):
        yield serialize(page)


@dataclass
class HubDashboard:
    """A hub's numbers: cases per member and per sector, replications in and out by year,
    events held and participants. Every count reads only live, public cases."""

    hub: Hub
    cases_per_member: list[tuple]  # (regency, count), members without cases included
    cases_per_sector: list[tuple]  # (sector, count), sectors with cases only
    replications_by_year: list[tuple]  # (year, into the hub, out of the hub)
    events: list[tuple]  # (event, confirmed, attended) for events that have ended

    @property
    def members_without_cases(self):
        return [regency for regency, count in self.cases_per_member if not count]

    def rows(self):
        """(section, label, value, second value) rows for the table and the CSV."""
        for regency, count in self.cases_per_member:
            yield ("cases_per_member", f"{regency.code} {regency.name}", count, "")
        for sector, count in self.cases_per_sector:
            yield ("cases_per_sector", f"{sector.code} {sector.name}", count, "")
        for year, into, out in self.replications_by_year:
            yield ("replications_into_out_of_hub", str(year), into, out)
        for event, confirmed, attended in self.events:
            yield ("event_confirmed_attended", event.title, confirmed, attended)


def hub_dashboard(hub: Hub) -> HubDashboard:
    from hubs.models import EventPage, HubPage, Registration

    live = InnovationPage.objects.live().public()
    members = list(hub.members.order_by("name"))
    member_ids = {regency.pk for regency in members}
    per_member = dict(
        live.filter(regency__in=members)
        .order_by()  # a page's default ordering (path) would split the groups
        .values("regency")
        .annotate(n=Count("pk"))
        .values_list("regency", "n")
    )
    per_sector = (
        Sector.objects.filter(innovations__in=live.filter(regency__in=members))
        .annotate(n=Count("innovations", distinct=True))
        .order_by("-n", "code")
    )
    years: dict[int, list[int]] = {}
    replications = Replication.objects.filter(innovation__in=live).select_related("innovation")
    for source, adopter, started, created in replications.values_list(
        "innovation__regency_id", "adopting_regency_id", "started_on", "created_at"
    ):
        year = (started or created.date()).year
        into, out = (
            source not in member_ids and adopter in member_ids,
            (source in member_ids and adopter not in member_ids),
        )
        if into or out:
            counts = years.setdefault(year, [0, 0])
            counts[0] += into
            counts[1] += out
    hub_pages = HubPage.objects.filter(hub=hub)
    events = []
    from django.utils import timezone

    ended = EventPage.objects.live().public().filter(end__lt=timezone.now()).order_by("start")
    for page in hub_pages:
        for event in ended.child_of(page):
            registrations = Registration.objects.filter(event=event)
            events.append(
                (
                    event,
                    registrations.filter(status=Registration.Status.CONFIRMED).count(),
                    # Only confirmed people attend: a check-in left on a registration that
                    # was cancelled later does not count.
                    registrations.filter(
                        status=Registration.Status.CONFIRMED, attended=True
                    ).count(),
                )
            )
    return HubDashboard(
        hub=hub,
        cases_per_member=[(regency, per_member.get(regency.pk, 0)) for regency in members],
        cases_per_sector=[(sector, sector.n) for sector in per_sector],
        replications_by_year=[(year, *years[year]) for year in sorted(years)],
        events=events,
    )
