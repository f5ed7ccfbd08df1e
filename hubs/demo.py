"""Demo hub pages and events for `load_demo_data`: the three hubs, events across WIB, WITA and
WIT (past ones with attendance, upcoming ones open for registration). Names and e-mails are
invented (example.go.id)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model

from jipp.services import ensure_child_page

from .models import (
    ActionPlan,
    EventFeaturedCase,
    EventIndexPage,
    EventMaterial,
    EventPage,
    Hub,
    HubFeaturedCase,
    HubIndexPage,
    HubPage,
    Regency,
    Registration,
)

HUB_PROFILES = {
    "jawa-timur": (
        "<p>Hub JIPP Jawa Timur mempertemukan 38 kabupaten/kota untuk saling mereplikasi "
        "inovasi pelayanan publik, bersama Biro Organisasi Setda Provinsi Jawa Timur.</p>",
        "Dr. Rina Wulandari, Kepala Bagian Kelembagaan dan Analisis Jabatan, Biro Organisasi\n"
        "Agus Prasetyo, Analis Kebijakan, Biro Organisasi",
        "hub.jatim@example.go.id",
    ),
    "sulawesi-selatan": (
        "<p>Hub JIPP Sulawesi Selatan mendampingi 24 kabupaten/kota menyiapkan dan "
        "mereplikasi inovasi, dari Makassar sampai Kepulauan Selayar.</p>",
        "Andi Nurhayati, Kepala Bagian Reformasi Birokrasi, Biro Organisasi\n"
        "Muh. Ridwan, Pranata Komputer Ahli Muda",
        "hub.sulsel@example.go.id",
    ),
    "sumatera-selatan": (
        "<p>Hub JIPP Sumatera Selatan menghubungkan 17 kabupaten/kota; sesi daring rutin "
        "membahas inovasi yang siap direplikasi.</p>",
        "Hendra Saputra, Kepala Bagian Tata Laksana, Biro Organisasi\n"
        "Siti Aisyah, Analis Tata Laksana",
        "hub.sumsel@example.go.id",
    ),
}

# (hub, slug, title, kind, days from today, local start hour, hours, venue regency code or None
#  for online, venue, capacity, registrations, attended)
EVENTS = [
    (
        "jawa-timur",
        "lokakarya-replikasi-adminduk",
        "Lokakarya Replikasi Layanan Adminduk Jemput Bola",
        "lokakarya",
        -40,
        9,
        6,
        "35.78",
        "Gedung Grahadi, Surabaya",
        40,
        34,
        29,
    ),
    (
        "jawa-timur",
        "studi-tiru-mpp-banyuwangi",
        "Studi Tiru Mal Pelayanan Publik Banyuwangi",
        "studi tiru",
        -12,
        8,
        8,
        "35.10",
        "MPP Kabupaten Banyuwangi",
        25,
        25,
        22,
    ),
    (
        "jawa-timur",
        "bimtek-penyusunan-proposal-kipp",
        "Bimtek Penyusunan Proposal KIPP",
        "bimtek",
        10,
        8,
        7,
        "35.73",
        "Aula Balai Kota Malang",
        30,
        12,
        0,
    ),
    (
        "jawa-timur",
        "studi-tiru-jayapura-literasi",
        "Studi Tiru Literasi Kampung ke Kota Jayapura",
        "studi tiru",
        24,
        9,
        5,
        "91.71",
        "Kantor Wali Kota Jayapura",
        15,
        6,
        0,
    ),
    (
        "sulawesi-selatan",
        "lokakarya-mpp-inklusif",
        "Lokakarya MPP Inklusif dan Ramah Disabilitas",
        "lokakarya",
        -20,
        9,
        4,
        "73.71",
        "Balai Kota Makassar",
        35,
        31,
        27,
    ),
    (
        "sulawesi-selatan",
        "lokakarya-rujukan-gawat-darurat",
        "Lokakarya Sistem Rujukan Gawat Darurat Terintegrasi",
        "lokakarya",
        7,
        9,
        3,
        "73.71",
        "Ruang Rapat Bappeda Makassar",
        10,
        10,
        0,
    ),
    (
        "sulawesi-selatan",
        "rapat-koordinasi-hub-sulsel",
        "Rapat Koordinasi Hub JIPP Sulawesi Selatan",
        "rapat koordinasi",
        35,
        13,
        3,
        "73.06",
        "Kantor Bupati Gowa",
        50,
        8,
        0,
    ),
    (
        "sumatera-selatan",
        "ngulik-inovasi-pelayanan-desa",
        "Ngulik Inovasi: Pelayanan Desa Berbasis Daring",
        "webinar",
        -5,
        10,
        2,
        None,
        "",
        300,
        140,
        112,
    ),
    (
        "sumatera-selatan",
        "ngulik-inovasi-stunting",
        "Ngulik Inovasi: Menurunkan Stunting dari Posyandu",
        "webinar",
        14,
        10,
        2,
        None,
        "",
        300,
        45,
        0,
    ),
    (
        "sumatera-selatan",
        "lokakarya-perizinan-umkm",
        "Lokakarya Perizinan Berusaha UMKM lewat OSS",
        "lokakarya",
        21,
        9,
        6,
        "16.71",
        "MPP Kota Palembang",
        40,
        9,
        0,
    ),
]
AGENDA = [
    ("09.00-09.30", "Pembukaan dan arahan", "Kepala Biro Organisasi"),
    ("09.30-11.00", "Paparan inovasi dan tanya jawab", "Tim inovator daerah"),
    ("11.00-12.00", "Diskusi kelompok: rencana replikasi", "Fasilitator hub"),
]
PEOPLE = ["Ahmad", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko"]


@transaction.atomic
def build_hubs(home) -> dict:
    """Create what is missing; what exists is left as editors made it."""
    counts = {"hub_pages": 0, "events": 0, "registrations": 0, "replications": 0}
    index, _ = ensure_child_page(
        parent=home,
        page=HubIndexPage(
            title="Hub JIPP",
            title_en="JIPP hubs",
            slug="hub",
            show_in_menus=True,
            intro="<p>Hub provinsi menggerakkan replikasi inovasi di kabupaten/kota anggotanya."
            "</p>",
        ),
    )
    ensure_child_page(
        parent=home,
        page=EventIndexPage(
            title="Agenda",
            title_en="Events",
            slug="agenda",
            show_in_menus=True,
            intro="<p>Lokakarya, webinar, studi tiru, bimtek dan rapat koordinasi semua hub.</p>",
        ),
    )
    hub_pages = {}
    cases = HubFeaturedCase._meta.get_field("case").remote_field.model.objects.live()
    for hub in Hub.objects.order_by("slug"):
        intro, facilitators, email = HUB_PROFILES.get(hub.slug, ("", "", ""))
        # Child rows are set before the page is saved, so its first revision (what the admin
        # edits) holds them too.
        featured = [
            HubFeaturedCase(case=case, sort_order=order)
            for order, case in enumerate(cases.filter(regency__hubs=hub).order_by("pk")[:3])
        ]
        page, created = ensure_child_page(
            parent=index,
            page=HubPage(
                title=str(hub),
                slug=hub.slug,
                hub=hub,
                intro=intro,
                facilitators=facilitators,
                contact_email=email,
                featured_cases=featured,
            ),
        )
        hub_pages[hub.slug] = page
        counts["hub_pages"] += created
    today = timezone.localdate()
    now = timezone.now()
    for number, spec in enumerate(EVENTS):
        (hub_slug, slug, title, kind, days, hour, hours, venue, place, capacity,
         registered, attended) = spec  # fmt: skip
        if hub_slug not in hub_pages:
            continue
        parent = hub_pages[hub_slug]
        if parent.get_children().filter(slug=slug).exists():
            continue  # left as editors made it
        regency = Regency.objects.select_related("province").get(code=venue) if venue else None
        zone = ZoneInfo(
            regency.province.time_zone if regency else hub_pages[hub_slug].hub.province.time_zone
        )
        start = datetime.combine(today + timedelta(days=days), time(hour), zone)
        end = start + timedelta(hours=hours)
        held = end < now
        featured = HubFeaturedCase.objects.filter(page=parent).order_by("sort_order").first()
        event = EventPage(
            title=title,
            slug=slug,
            kind=kind,
            start=start,
            end=end,
            venue_regency=regency,
            venue_name=place,
            online_url="" if regency else "https://meet.example.go.id/ngulik",
            capacity=capacity,
            registration_opens=start - timedelta(days=60),
            agenda=[
                ("item", dict(zip(("time", "session", "speaker"), a, strict=True))) for a in AGENDA
            ],
            speakers="Tim Fasilitator Hub\nInovator dari kabupaten/kota anggota",
            intro=f"<p>{title}: berbagi praktik baik dan menyusun rencana replikasi.</p>",
            outcome=_outcome_text(title) if held else "",
            featured_cases=[EventFeaturedCase(case_id=featured.case_id)] if featured else [],
            materials=_materials(title, slug, start, zone) if held else [],
        )
        event, _created = ensure_child_page(parent=parent, page=event)
        counts["events"] += 1
        counts["registrations"] += _registrations(
            event, number, registered, attended if held else 0, now=now
        )
        if held:
            counts["replications"] += _action_plans(event)
    return counts


def _outcome_text(title: str) -> str:
    return (
        f"{title} dihadiri perwakilan kabupaten/kota anggota. Peserta membahas syarat "
        "replikasi (regulasi, SDM, anggaran) dan menyusun rencana aksi per daerah."
    )


def _materials(title: str, slug: str, start, zone) -> list:
    """A held event's materials: a summary PDF (a Wagtail document) and a recording link."""
    day = start.astimezone(zone)
    summary = _text_pdf(
        f"Ringkasan materi: {title}",
        [
            f"Tanggal: {day:%d-%m-%Y}, mulai pukul {day:%H.%M} waktu setempat.",
            "",
            *(f"{time_} {session} ({speaker})" for time_, session, speaker in AGENDA),
            "",
            "Syarat replikasi yang dibahas: regulasi daerah, SDM pelaksana, anggaran, dan",
            "dukungan sistem informasi. Setiap daerah menyusun rencana aksi dengan target.",
            "",
            "Dokumen contoh untuk situs demo JIPP.",
        ],
    )
    document = get_document_model().objects.create(
        title=f"Ringkasan materi: {title}",
        file=ContentFile(summary, name=f"materi-{slug}.pdf"),
    )
    return [
        EventMaterial(title="Ringkasan materi (PDF)", document=document, sort_order=0),
        EventMaterial(
            title="Rekaman sesi",
            url=f"https://video.example.go.id/jipp/{slug}",
            sort_order=1,
        ),
    ]


def _text_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF whose text is text (Helvetica, WinAnsi), not a picture of it."""

    def text(value: str) -> bytes:
        raw = value.encode("cp1252", "replace")
        return (
            b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
        )

    content = b"BT /F1 16 Tf 56 780 Td 22 TL " + text(title) + b" Tj /F1 11 Tf 16 TL T*"
    for line in lines:
        content += b" " + text(line) + b" '"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def _action_plans(event) -> int:
    """Two members' action plans after a held event; the first opens its replication in the
    ledger through the service the admin's button uses. Returns the replications opened."""
    from innovations.services import SetupError, open_replication_for_plan

    cases = ActionPlan._meta.get_field("case").remote_field.model.objects.live()
    members = list(event.hub.members.order_by("code")[:2]) if event.hub else []
    opened = 0
    plans = zip(members, cases.exclude(regency__in=members).order_by("pk")[:2], strict=False)
    for number, (regency, case) in enumerate(plans):
        plan = ActionPlan.objects.create(
            event=event,
            regency=regency,
            case=case,
            commitment=f"Mereplikasi {case.title.split(':')[0]} dalam tahun anggaran berikutnya.",
            target_date=event.start.date() + timedelta(days=180),
        )
        if number == 0:
            try:
                open_replication_for_plan(plan=plan, user=None)
            except SetupError:
                continue
            opened += 1
    return opened


def _registrations(event, number, registered, attended, *, now) -> int:
    """Registrations made before the event and before now (first come, first served),
    confirmed up to the capacity; the first `attended` of them checked in."""
    members = list(event.hub.members.order_by("code")) if event.hub else []
    # The last one registered three days before the event, or before today for an upcoming
    # one; the others a few minutes apart before that.
    last = min(event.start, now) - timedelta(days=3)
    rows = []
    for index in range(registered):
        regency = members[(index + number) % len(members)] if members else None
        name = f"{PEOPLE[index % len(PEOPLE)]} Santoso {index + 1}"
        created = last - timedelta(minutes=7 * (registered - 1 - index))
        rows.append(
            Registration(
                event=event,
                name=name,
                email=f"peserta{index + 1}.{event.slug}@example.go.id",
                email_key=f"peserta{index + 1}.{event.slug}@example.go.id",
                regency=regency,
                organisation=f"Bagian Organisasi {regency.name}" if regency else "Kemenpan RB",
                position="Analis Kebijakan",
                status=Registration.Status.CONFIRMED
                if index < event.capacity
                else Registration.Status.WAITLISTED,
                created_at=created,
                status_changed_at=created,
                attended=index < attended,
                checked_in_at=event.start + timedelta(minutes=index % 30)
                if index < attended
                else None,
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)
