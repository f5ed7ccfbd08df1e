"""Demo hub pages and events for `load_demo_data`: the three hubs, events across WIB, WITA and
WIT (past ones with attendance, upcoming ones open for registration). Names and e-mails are
invented (example.go.id)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from jipp.services import ensure_child_page

from .models import (
    ActionPlan,
    EventFeaturedCase,
    EventIndexPage,
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
    counts = {"hub_pages": 0, "events": 0, "registrations": 0}
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
    for hub in Hub.objects.order_by("slug"):
        intro, facilitators, email = HUB_PROFILES.get(hub.slug, ("", "", ""))
        page, created = ensure_child_page(
            parent=index,
            page=HubPage(
                title=str(hub),
                slug=hub.slug,
                hub=hub,
                intro=intro,
                facilitators=facilitators,
                contact_email=email,
            ),
        )
        hub_pages[hub.slug] = page
        counts["hub_pages"] += created
        if created:
            cases = HubFeaturedCase._meta.get_field("case").remote_field.model.objects.live()
            for order, case in enumerate(cases.filter(regency__hubs=hub).order_by("pk")[:3]):
                HubFeaturedCase.objects.create(page=page, case=case, sort_order=order)
    today = timezone.localdate()
    for number, spec in enumerate(EVENTS):
        (hub_slug, slug, title, kind, days, hour, hours, venue, place, capacity,
         registered, attended) = spec  # fmt: skip
        if hub_slug not in hub_pages:
            continue
        regency = Regency.objects.select_related("province").get(code=venue) if venue else None
        zone = ZoneInfo(
            regency.province.time_zone if regency else hub_pages[hub_slug].hub.province.time_zone
        )
        start = datetime.combine(today + timedelta(days=days), time(hour), zone)
        event = EventPage(
            title=title,
            slug=slug,
            kind=kind,
            start=start,
            end=start + timedelta(hours=hours),
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
        )
        event, created = ensure_child_page(parent=hub_pages[hub_slug], page=event)
        if not created:
            continue
        counts["events"] += 1
        featured = HubFeaturedCase.objects.filter(page=hub_pages[hub_slug]).first()
        if featured:
            EventFeaturedCase.objects.create(page=event, case_id=featured.case_id)
        counts["registrations"] += _registrations(event, number, registered, attended)
        if attended:
            _outcome(event)
    return counts


def _outcome(event):
    """A held event's outcome: a summary and two members' action plans."""
    event.outcome = (
        f"{event.title} dihadiri perwakilan kabupaten/kota anggota. Peserta membahas syarat "
        "replikasi (regulasi, SDM, anggaran) dan menyusun rencana aksi per daerah."
    )
    event.save_revision().publish()
    cases = ActionPlan._meta.get_field("case").remote_field.model.objects.live()
    members = list(event.hub.members.order_by("code")[:2]) if event.hub else []
    for regency, case in zip(members, cases.exclude(regency__in=members)[:2], strict=False):
        ActionPlan.objects.create(
            event=event,
            regency=regency,
            case=case,
            commitment=f"Mereplikasi {case.title.split(':')[0]} dalam tahun anggaran berikutnya.",
            target_date=event.start.date() + timedelta(days=180),
        )


def _registrations(event, number, registered, attended) -> int:
    members = list(event.hub.members.order_by("code")) if event.hub else []
    rows = []
    for index in range(registered):
        regency = members[(index + number) % len(members)] if members else None
        name = f"{PEOPLE[index % len(PEOPLE)]} Santoso {index + 1}"
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
                created_at=event.start - timedelta(days=20, minutes=-index),
                attended=index < attended,
                checked_in_at=event.start + timedelta(minutes=index % 30)
                if index < attended
                else None,
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)
