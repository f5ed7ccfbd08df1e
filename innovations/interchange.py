"""The innovation interchange format (DESIGN section 5, a contract).

JSON Lines or CSV with the same keys; list values in CSV are joined with ";". Import reads and
validates a whole file before anything is written; export writes what import reads, so an
export imported into an empty site exports the same again.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from hubs.names import NameNotFound, NameResolver

from .models import SDG, InnovationPage, Sector, Stage

TEXT_KEYS = [
    "summary", "problem", "solution", "impact", "novelty", "implementation",
    "adaptability", "resources", "sustainability",
]  # fmt: skip
RICH_TEXT_KEYS = TEXT_KEYS[1:]
KEYS = [
    "slug", "title", "regency", "province", "sector", "year", *TEXT_KEYS, "keywords",
    "award", "stage", "video_url", "contact_name", "contact_email", "sdgs", "replicated_by",
]  # fmt: skip
LIST_KEYS = {"sector", "keywords", "sdgs", "replicated_by"}
REQUIRED_KEYS = ["slug", "title", "regency", "sector", "summary"]
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FORMATS = ("jsonl", "csv")


@dataclass
class Problem:
    line: int
    key: str
    message: str

    def __str__(self):
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass
class CaseRecord:
    """One valid line, resolved against the reference data."""

    line: int
    slug: str
    title: str
    regency: object
    sectors: list
    summary: str
    texts: dict[str, str]
    year: int | None = None
    keywords: list[str] = field(default_factory=list)
    award: str = ""
    stage: str = ""
    video_url: str = ""
    contact_name: str = ""
    contact_email: str = ""
    sdgs: list = field(default_factory=list)
    replicated_by: list = field(default_factory=list)
    present: set[str] = field(default_factory=set)


@dataclass
class ParsedFile:
    records: list[CaseRecord]
    errors: list[Problem]
    warnings: list[Problem]


# --- Reading ----------------------------------------------------------------------------------


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        return declared
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix == "csv":
        return "csv"
    raise ValueError(f"{path}: cannot tell the format from the extension; use --format")


def read_lines(path: Path, file_format: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """(line number, raw object) pairs and the lines that could not be read at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [Problem(0, "", f"not UTF-8 text ({error.reason} at byte {error.start})")]
    rows, problems = [], []
    if file_format == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(Problem(number, "", f"not valid JSON ({error.msg})"))
                continue
            if not isinstance(value, dict):
                problems.append(Problem(number, "", "each line must be a JSON object"))
                continue
            rows.append((number, value))
    else:
        physical = text.splitlines()
        reader = csv.DictReader(io.StringIO(text, newline=""))
        previous_end = 1  # the header
        for row in reader:
            # A record may span lines (quoted paragraphs): name the line where it starts.
            number = previous_end + 1
            while number <= len(physical) and not physical[number - 1].strip():
                number += 1
            previous_end = reader.line_num
            if None in row:
                problems.append(Problem(number, "", "more fields than the header has"))
                continue
            if not any((v or "").strip() for v in row.values()):
                continue
            rows.append(
                (number, {k: _from_csv(k, v) for k, v in row.items() if v not in (None, "")})
            )
    return rows, problems


def _from_csv(key, value):
    if key in LIST_KEYS:
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


# --- Validation -------------------------------------------------------------------------------


class Validator:
    """Checks raw lines against the contract and the reference data."""

    def __init__(self):
        self.names = NameResolver()
        self.sectors = {}
        for sector in Sector.objects.all():
            self.sectors[sector.code.lower()] = sector
            self.sectors[sector.name_id.lower()] = sector
        self.sdgs = {sdg.number: sdg for sdg in SDG.objects.all()}
        self.stages = {value: value for value in Stage.values}
        self.stages.update({label.lower(): value for value, label in Stage.choices})
        self.stages["uji-coba"] = Stage.UJI_COBA
        self.max_year = timezone.now().year + 1
        self.url = URLValidator(schemes=["http", "https"])

    def parse(self, rows, read_problems) -> ParsedFile:
        errors, warnings, records = list(read_problems), [], []
        first_line_of_slug = {}
        unknown = {}
        for number, raw in rows:
            for key in raw:
                if key not in KEYS:
                    unknown.setdefault(key, []).append(number)
            record, problems = self.record(number, raw)
            if record is not None and record.slug in first_line_of_slug:
                problems.append(
                    Problem(
                        number,
                        "slug",
                        f"duplicate slug {record.slug!r} (first on line "
                        f"{first_line_of_slug[record.slug]})",
                    )
                )
            if problems:
                errors.extend(problems)
            else:
                first_line_of_slug[record.slug] = number
                records.append(record)
        for key, lines in unknown.items():
            shown = ", ".join(map(str, lines[:5])) + (" ..." if len(lines) > 5 else "")
            warnings.append(Problem(0, key, f"unknown key, ignored (lines {shown})"))
        return ParsedFile(records, errors, warnings)

    def record(self, number, raw) -> tuple[CaseRecord | None, list[Problem]]:
        problems = []

        def problem(key, message):
            problems.append(Problem(number, key, message))

        for key in REQUIRED_KEYS:
            value = raw.get(key)
            if value is None or (isinstance(value, str | list) and not value):
                problem(key, "required")
        for key in [*TEXT_KEYS, "title", "slug", "award", "stage", "video_url",
                    "contact_name", "contact_email"]:  # fmt: skip
            if key in raw and not isinstance(raw[key], str):
                problem(key, "must be text")
        if problems:
            return None, problems

        slug = raw["slug"].strip()
        if not SLUG.fullmatch(slug):
            problem("slug", f"{slug!r} must be lowercase letters, digits and hyphens")
        title = raw["title"].strip()
        if len(title) > 255:
            problem("title", "longer than 255 characters")

        regency = None
        try:
            regency = self.names.regency(str(raw["regency"]))
        except NameNotFound as error:
            problem("regency", str(error))
        if raw.get("province") not in (None, "") and regency is not None:
            try:
                province = self.names.province(str(raw["province"]))
            except NameNotFound as error:
                problem("province", str(error))
            else:
                if province.pk != regency.province_id:
                    problem(
                        "province",
                        f"{regency.name} is in {self.names.provinces[regency.province.code].name}"
                        f", not {province.name}",
                    )

        sectors = []
        for value in _as_list(raw["sector"]):
            sector = self.sectors.get(str(value).strip().lower())
            if sector is None:
                problem("sector", f"unknown sector {value!r} (use a code such as 1.02 or a name)")
            elif sector not in sectors:
                sectors.append(sector)

        year = None
        if raw.get("year") not in (None, ""):
            year = _as_int(raw["year"])
            if year is None or not 1945 <= year <= self.max_year:
                problem("year", f"{raw['year']!r} is not a year between 1945 and {self.max_year}")

        summary = _clean_text(raw["summary"])
        words = len(summary.split())
        if words > InnovationPage.SUMMARY_MAX_WORDS:
            problem("summary", f"{words} words; at most {InnovationPage.SUMMARY_MAX_WORDS}")

        stage = ""
        if raw.get("stage"):
            stage = self.stages.get(raw["stage"].strip().lower(), "")
            if not stage:
                problem(
                    "stage", f"unknown stage {raw['stage']!r}; one of {', '.join(Stage.values)}"
                )

        video_url = (raw.get("video_url") or "").strip()
        if video_url:
            try:
                self.url(video_url)
            except ValidationError:
                problem("video_url", f"{video_url!r} is not an http(s) URL")
        contact_email = (raw.get("contact_email") or "").strip()
        if contact_email:
            try:
                validate_email(contact_email)
            except ValidationError:
                problem("contact_email", f"{contact_email!r} is not an e-mail address")

        sdgs = []
        for value in _as_list(raw.get("sdgs", [])):
            number_value = _as_int(value)
            if number_value not in self.sdgs:
                problem("sdgs", f"{value!r} is not an SDG number 1-17")
            elif self.sdgs[number_value] not in sdgs:
                sdgs.append(self.sdgs[number_value])

        keywords = []
        for value in _as_list(raw.get("keywords", [])):
            if not isinstance(value, str):
                problem("keywords", "must be a list of text")
                break
            word = " ".join(value.split())
            if len(word) > 100:
                problem("keywords", f"keyword {word[:20]!r}... is longer than 100 characters")
            elif word and word.lower() not in {k.lower() for k in keywords}:
                keywords.append(word)

        replicated_by = []
        for value in _as_list(raw.get("replicated_by", [])):
            try:
                adopter = self.names.regency(str(value))
            except NameNotFound as error:
                problem("replicated_by", str(error))
                continue
            if regency is not None and adopter.pk == regency.pk:
                problem("replicated_by", f"{adopter.name} cannot replicate its own innovation")
            elif adopter not in replicated_by:
                replicated_by.append(adopter)

        if problems:
            return None, problems
        return (
            CaseRecord(
                line=number,
                slug=slug,
                title=title,
                regency=regency,
                sectors=sectors,
                summary=summary,
                texts={key: _clean_text(raw.get(key) or "") for key in RICH_TEXT_KEYS},
                year=year,
                keywords=keywords,
                award=(raw.get("award") or "").strip(),
                stage=stage,
                video_url=video_url,
                contact_name=(raw.get("contact_name") or "").strip(),
                contact_email=contact_email,
                sdgs=sdgs,
                replicated_by=replicated_by,
                present=set(raw),
            ),
            [],
        )


def _as_list(value):
    if isinstance(value, list):
        return value
    if value in (None, ""):
        return []
    return [value]


def _as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value):
        return int(value)
    return None


def _clean_text(text: str) -> str:
    """Paragraphs separated by one blank line; lines and paragraphs stripped."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    cleaned = ["\n".join(line.strip() for line in p.strip().splitlines()) for p in paragraphs]
    return "\n\n".join(p for p in cleaned if p)


# --- Plain text <-> rich text -----------------------------------------------------------------


def plain_to_rich(text: str) -> str:
    """Blank-line separated paragraphs to escaped <p> elements; line breaks to <br/>."""
    if not text:
        return ""
    return "".join(
        "<p>" + "<br/>".join(escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in _clean_text(text).split("\n\n")
    )


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.current, self.in_list_item = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            if tag == "li":
                self.current.append("- ")
        elif tag == "br":
            self.current.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)

    def _flush(self):
        text = "".join(self.current).strip()
        if text and text != "-":
            self.paragraphs.append(text)
        self.current = []

    def text(self):
        self._flush()
        return "\n\n".join(self.paragraphs)


def rich_to_plain(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return _clean_text(extractor.text())


# --- Export -----------------------------------------------------------------------------------


def serialize(page: InnovationPage) -> dict:
    """A case as an interchange object. Needs the relations prefetched (see selectors)."""
    data = {
        "slug": page.slug,
        "title": page.title,
        "regency": page.regency.code,
        "province": page.regency.province.code,
        "sector": [sector.code for sector in page.sectors.all()],
        "year": page.year_started,
        "summary": page.summary,
    }
    for key in RICH_TEXT_KEYS:
        data[key] = rich_to_plain(getattr(page, key))
    data.update(
        {
            "keywords": sorted(tag.name for tag in page.keywords.all()),
            "award": page.award,
            "stage": page.stage,
            "video_url": page.video_url,
            "contact_name": page.contact_name,
            "contact_email": page.contact_email,
            "sdgs": sorted(sdg.number for sdg in page.sdgs.all()),
            "replicated_by": sorted(r.adopting_regency.code for r in page.replications.all()),
        }
    )
    return data


def write_jsonl(objects, out):
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")


def csv_writer(out) -> csv.DictWriter:
    """A CSV writer for interchange objects, its header already written."""
    writer = csv.DictWriter(out, fieldnames=KEYS, lineterminator="\n")
    writer.writeheader()
    return writer


def csv_row(obj: dict) -> dict:
    """An interchange object as a CSV row: lists joined with ";", nothing for None."""
    return {
        key: ";".join(str(v) for v in value) if isinstance(value, list) else value
        for key, value in obj.items()
        if value is not None
    }


def write_csv(objects, out):
    writer = csv_writer(out)
    for obj in objects:
        writer.writerow(csv_row(obj))
