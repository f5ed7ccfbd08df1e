"""A search request and its results: the shapes both engines share (DESIGN section 6)."""

from dataclasses import asdict, dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from innovations.selectors import FilterError, InnovationFilters

from .documents import FACET_KEYS

SORTS = ("relevance", "newest")
SORT_LABELS = {"relevance": _("Paling relevan"), "newest": _("Terbaru")}
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # as Elasticsearch's index.max_result_window
MAX_QUERY_LENGTH = 500
# The facets a result page counts (regency is a filter only: 514 values are no checklist).
COUNTED_FACETS = ("hub", "province", "sector", "sdg", "aspect", "stage", "year", "award")


class SearchParameterError(ValueError):
    """A request parameter that cannot be used; `detail` maps parameter -> problem."""

    def __init__(self, message, detail):
        super().__init__(message)
        self.detail = detail


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, list] = field(default_factory=dict)  # facet -> values (OR)
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self):
        return (self.page - 1) * self.page_size

    @classmethod
    def from_params(cls, params: QueryDict) -> "SearchQuery":
        """Parse request parameters; raise SearchParameterError naming each bad one."""
        detail = {}
        text = " ".join(params.get("q", "").split())
        if len(text) > MAX_QUERY_LENGTH:
            detail["q"] = f"at most {MAX_QUERY_LENGTH} characters"
        sort = params.get("sort") or "relevance"
        if sort not in SORTS:
            detail["sort"] = f"unknown sort {sort!r}; one of {', '.join(SORTS)}"
        page = _whole_number(params, "page", 1, detail)
        page_size = _whole_number(params, "page_size", DEFAULT_PAGE_SIZE, detail)
        if "page_size" not in detail and not 1 <= page_size <= MAX_PAGE_SIZE:
            detail["page_size"] = f"must be between 1 and {MAX_PAGE_SIZE}"
        if "page" not in detail and page < 1:
            detail["page"] = "must be 1 or more"
        if not detail and page * page_size > MAX_RESULT_WINDOW:
            detail["page"] = f"results past the {MAX_RESULT_WINDOW:,}th cannot be paged to"
        filters = {}
        facet_params = QueryDict(mutable=True)
        for key in FACET_KEYS:
            facet_params.setlist(key, params.getlist(key))
        try:
            parsed = InnovationFilters.from_query(facet_params)
        except FilterError as error:
            detail[error.key] = str(error)
        else:
            filters = {key: getattr(parsed, key) for key in FACET_KEYS if getattr(parsed, key)}
        if detail:
            raise SearchParameterError("bad search parameters", detail)
        return cls(text=text, filters=filters, sort=sort, page=page, page_size=page_size)

    def to_params(self, **changes) -> list[tuple[str, str]]:
        """Querystring pairs of this query (with `changes`), for shareable links."""
        values = {**asdict(self), **changes}
        pairs = [("q", values["text"])] if values["text"] else []
        for key in FACET_KEYS:
            pairs += [(key, str(value)) for value in values["filters"].get(key, [])]
        if values["sort"] != "relevance":
            pairs.append(("sort", values["sort"]))
        if values["page_size"] != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(values["page_size"])))
        if values["page"] != 1:
            pairs.append(("page", str(values["page"])))
        return pairs


def _whole_number(params, key, default, detail):
    value = params.get(key)
    if value is None or value == "":
        return default
    if not value.strip().isdigit():
        detail[key] = f"must be a whole number, not {value!r}"
        return default
    return int(value)


@dataclass
class FacetValue:
    value: str | int
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchHit:
    id: int
    slug: str
    title: str
    url: str
    summary: str
    regency: dict | None
    province: dict | None
    hubs: list[str]
    sectors: list[dict]
    year: int | None
    score: float
    highlights: dict[str, list[str]]


@dataclass
class SearchResults:
    query: SearchQuery
    engine: str
    total: int
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    notice: str = ""  # e.g. why the database engine answered instead of Elasticsearch
    partial: bool = False  # no case matched every word; these match most of them

    @property
    def page_count(self):
        return max(1, -(-self.total // self.query.page_size))

    def as_json(self) -> dict:
        """The search API's response body (the contract in DESIGN section 6)."""
        body = {
            "query": self.query.text,
            "engine": self.engine,
            "total": self.total,
            "page": self.query.page,
            "page_size": self.query.page_size,
            "results": [asdict(hit) for hit in self.results],
            "facets": {
                key: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
                for key, values in self.facets.items()
            },
            "suggestion": self.suggestion,
        }
        if self.notice:
            body["notice"] = self.notice
        return body
