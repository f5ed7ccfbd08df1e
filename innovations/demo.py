"""Demo library: the case index, hub moderation, demo cases with metrics, replications and
gallery images drawn with Pillow at load time (so the repository carries no binaries).

The cases live in fixtures/demo/ in the interchange format (innovations.jsonl) plus what the
format does not carry (innovation_extras.json: evaluation aspects, before/after metrics and
replication details). Everything is idempotent: cases that exist are left as editors made them.
"""

import colorsys
import hashlib
import json
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model

from hubs.models import Hub
from jipp.services import ensure_child_page

from .interchange import Validator, read_lines
from .models import (
    EvaluationAspect,
    InnovationGalleryImage,
    InnovationIndexPage,
    InnovationMetric,
    InnovationPage,
    Replication,
)
from .services import create_hub, import_innovations, regency_collection

DEMO_FOLDER = Path(settings.BASE_DIR) / "fixtures" / "demo"

INDEX = {
    "slug": "inovasi",
    "title": "Inovasi",
    "title_en": "Innovations",
    "show_in_menus": True,
    "search_description": (
        "Inovasi pelayanan publik kabupaten dan kota: latar belakang, dampak, dan apa yang "
        "dibutuhkan untuk mereplikasinya."
    ),
    "intro": (
        "<p>Setiap inovasi ditulis dengan struktur proposal KIPP: ringkasan, latar belakang, "
        "kebaruan, implementasi, signifikansi, adaptabilitas, sumber daya, dan "
        "keberlanjutan. Saring menurut hub, wilayah, urusan, atau TPB, lalu unduh hasilnya.</p>"
    ),
    "intro_en": (
        "<p>Each innovation follows the KIPP proposal: summary, background, novelty, "
        "implementation, impact, adaptability, resources and sustainability. Filter by hub, "
        "region, sector or SDG, and download the results.</p>"
    ),
}


class DemoDataError(Exception):
    pass


def build_library(home, *, folder: Path = DEMO_FOLDER) -> dict:
    """The innovation index, hub moderation and the demo cases. Returns what it created."""
    index_page, created = ensure_child_page(parent=home, page=InnovationIndexPage(**INDEX))
    if created:
        # The library leads the main navigation.
        index_page.move(home, pos="first-child")
    for hub in Hub.objects.all():
        create_hub(slug=hub.slug)
    rows, problems = read_lines(folder / "innovations.jsonl", "jsonl")
    parsed = Validator().parse(rows, problems)
    if parsed.errors:
        raise DemoDataError("; ".join(str(error) for error in parsed.errors))
    existing = set(InnovationPage.objects.values_list("slug", flat=True))
    records = [record for record in parsed.records if record.slug not in existing]
    if not records:
        return {"index": index_page, "cases": 0}
    import_innovations(records=records)
    extras = json.loads((folder / "innovation_extras.json").read_text(encoding="utf-8"))
    pages = InnovationPage.objects.filter(slug__in=[r.slug for r in records]).select_related(
        "regency"
    )
    for page in pages:
        _add_extras(page, extras.get(page.slug, {}))
    return {"index": index_page, "cases": len(records)}


def _add_extras(page, extra):
    aspects = list(EvaluationAspect.objects.filter(slug__in=extra.get("aspects", [])))
    page.aspects.set(aspects)
    page.metrics = [
        InnovationMetric(
            indicator=metric["indicator"],
            baseline=Decimal(metric["baseline"]),
            current=Decimal(metric["current"]),
            unit=metric.get("unit", ""),
            source=metric.get("source", ""),
            measured_on=date.fromisoformat(metric["date"]) if metric.get("date") else None,
        )
        for metric in extra.get("metrics", [])
    ]
    page.gallery_images = [
        InnovationGalleryImage(
            image=_illustration(page),
            alt_text=f"Ilustrasi inovasi {page.title}",
            caption=f"{page.regency.name}",
        )
    ]
    page.last_confirmed_running = date(2026, 6, 30) if page.stage != "berhenti" else None
    page.save_revision().publish()
    for detail in extra.get("replications", []):
        Replication.objects.filter(
            innovation=page, adopting_regency__code=detail["regency"]
        ).update(
            status=detail["status"],
            started_on=date.fromisoformat(detail["started_on"])
            if detail.get("started_on")
            else None,
            adapted=detail.get("adapted", ""),
            outcome=detail.get("outcome", ""),
            confirmed=detail["status"] == Replication.Status.BERHASIL,
        )


def _illustration(page):
    """A 1200x800 illustration: the case's colour, simple shapes and its title."""
    digest = hashlib.sha256(page.slug.encode()).digest()
    hue = digest[0] / 255
    width, height = 1200, 800
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        r, g, b = colorsys.hls_to_rgb(hue, 0.25 + 0.25 * y / height, 0.55)
        draw.line([(0, y), (width, y)], fill=(int(r * 255), int(g * 255), int(b * 255)))
    for i in range(6):
        x, y, size = digest[1 + i] * 4, digest[7 + i] * 3, 60 + digest[13 + i] // 2
        draw.ellipse([x, y, x + size, y + size], outline=(255, 255, 255), width=6)
    font = ImageFont.load_default(size=54)
    words, lines, line = page.title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 160 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for number, text in enumerate(lines[:4]):
        draw.text(
            (80, height - 120 - (len(lines[:4]) - number) * 70),
            text,
            font=font,
            fill=(255, 255, 255),
        )
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return get_image_model().objects.create(
        title=page.title,
        file=ImageFile(buffer, name=f"{page.slug}.jpg"),
        collection=regency_collection(page.regency),
    )
