"""Demo site structure: the home page and editorial pages, in Indonesian and English."""

from django.contrib.auth import get_user_model

from .models import HomePage, StandardPage
from .services import ensure_child_page, ensure_home_page


def _heading(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _paragraph(html):
    return {"type": "paragraph", "value": html}


HOME = {
    "title": "Jaringan Inovasi Pelayanan Publik",
    "title_en": "Public Service Innovation Network",
    "seo_title": "Jaringan Inovasi Pelayanan Publik",
    "search_description": (
        "Temukan, pelajari, dan replikasi inovasi pelayanan publik kabupaten dan kota di "
        "seluruh Indonesia."
    ),
    "intro": (
        "<p>Jaringan Inovasi Pelayanan Publik (JIPP) mempertemukan pemerintah kabupaten dan "
        "kota untuk berbagi, mereplikasi, dan mengembangkan inovasi pelayanan publik. Temukan "
        "praktik yang sudah terbukti, pelajari apa yang dibutuhkan untuk menerapkannya di "
        "daerah Anda, dan ikuti lokakarya bersama hub provinsi.</p>"
    ),
    "intro_en": (
        "<p>The Public Service Innovation Network (JIPP) brings regencies and cities together "
        "to share, replicate and improve public-service innovations. Find practices that "
        "have proven themselves, learn what it takes to adopt them in your region, and join "
        "workshops run by the provincial hubs.</p>"
    ),
    "body": [
        _heading("Dari satu daerah untuk semua daerah"),
        _paragraph(
            "<p>Setiap tahun ratusan inovasi pelayanan publik lahir di kabupaten dan kota, "
            "dari layanan jemput bola administrasi kependudukan hingga Mal Pelayanan Publik. "
            "JIPP mencatat inovasi itu dengan struktur proposal Kompetisi Inovasi Pelayanan "
            "Publik (KIPP), sehingga daerah lain dapat menilai dampaknya dan menyiapkan "
            "replikasinya.</p>"
        ),
    ],
    "body_en": [
        _heading("From one region, for every region"),
        _paragraph(
            "<p>Every year hundreds of public-service innovations start in regencies and "
            "cities, from mobile civil registration services to one-stop Public Service "
            "Malls. JIPP records them in the structure of the national Public Service "
            "Innovation Competition (KIPP) proposal, so that other regions can weigh their "
            "impact and prepare to replicate them.</p>"
        ),
    ],
}

PAGES = [
    {
        "slug": "tentang",
        "title": "Tentang JIPP",
        "title_en": "About JIPP",
        "show_in_menus": True,
        "search_description": (
            "Siapa yang menjalankan JIPP, untuk siapa, dan bagaimana cara kerjanya."
        ),
        "intro": (
            "<p>JIPP dijalankan oleh Kementerian Pendayagunaan Aparatur Negara dan Reformasi "
            "Birokrasi (KemenPANRB) bersama hub provinsi: Sumatera Selatan, Jawa Timur, dan "
            "Sulawesi Selatan.</p>"
        ),
        "intro_en": (
            "<p>JIPP is run by the Ministry of Administrative and Bureaucratic Reform "
            "(KemenPANRB) together with provincial hubs: South Sumatra, East Java and South "
            "Sulawesi.</p>"
        ),
        "body": [
            _heading("Untuk siapa"),
            _paragraph(
                "<ul><li><b>Pengelola inovasi kabupaten/kota</b> menerbitkan dan memperbarui "
                "inovasi daerahnya serta mencatat replikasi.</li><li><b>Fasilitator hub</b> "
                "memoderasi inovasi anggota dan menyelenggarakan lokakarya, webinar, serta "
                "studi tiru.</li><li><b>Aparatur pemerintah dan masyarakat</b> mencari praktik "
                "yang layak direplikasi dan mendaftar kegiatan hub.</li></ul>"
            ),
            _heading("Hub provinsi"),
            _paragraph(
                "<p>Setiap hub beranggotakan seluruh kabupaten dan kota di provinsinya. Hub Jawa "
                "Timur saja mencakup 38 kabupaten dan kota. Fasilitator hub mendampingi anggota "
                "menyusun, menerapkan, dan melembagakan inovasi.</p>"
            ),
        ],
        "body_en": [
            _heading("Who it is for"),
            _paragraph(
                "<ul><li><b>Regency and city innovation officers</b> publish and update their "
                "region's innovations and record replications.</li><li><b>Hub "
                "facilitators</b> moderate their members' innovations and run workshops, "
                "webinars and study visits.</li><li><b>Government staff and the public</b> "
                "look for practices worth replicating and register for hub events.</li></ul>"
            ),
            _heading("Provincial hubs"),
            _paragraph(
                "<p>Each hub's members are all the regencies and cities of its province. The "
                "East Java hub alone covers 38 regencies and cities. Hub facilitators help "
                "members design, implement and institutionalise innovations.</p>"
            ),
        ],
    },
    {
        "slug": "panduan-replikasi",
        "title": "Panduan Replikasi Inovasi",
        "title_en": "Guide to Replicating an Innovation",
        "show_in_menus": True,
        "search_description": (
            "Langkah menyiapkan replikasi inovasi pelayanan publik di daerah Anda."
        ),
        "intro": (
            "<p>Replikasi bukan sekadar menyalin. Daerah yang berhasil mereplikasi inovasi "
            "menyesuaikan regulasi, sumber daya manusia, teknologi, dan anggarannya.</p>"
        ),
        "intro_en": (
            "<p>Replication is more than copying. Regions that replicate an innovation "
            "successfully adapt its regulation, staffing, technology and budget.</p>"
        ),
        "body": [
            _heading("Langkah-langkah"),
            _paragraph(
                "<ol><li>Kenali masalah pelayanan di daerah Anda, misalnya dari pengaduan "
                "SP4N-LAPOR! dan survei kepuasan masyarakat.</li><li>Cari inovasi dengan masalah "
                "serupa dan pelajari bagian adaptabilitasnya: regulasi, SDM, TI, anggaran, "
                "dan waktu persiapan.</li><li>Hubungi kontak daerah asal dan ikuti studi tiru "
                "bersama hub.</li><li>Tetapkan dasar hukum, misalnya Perbup, Perwali, atau SK, "
                "agar inovasi berkelanjutan.</li><li>Catat replikasi dan hasilnya agar daerah "
                "lain dapat belajar.</li></ol>"
            ),
        ],
        "body_en": [
            _heading("Steps"),
            _paragraph(
                "<ol><li>Understand the service problem in your region, for example from "
                "SP4N-LAPOR! complaints and satisfaction surveys.</li><li>Find innovations that "
                "solved a similar problem and read their adaptability section: regulation, "
                "staff, IT, budget and set-up time.</li><li>Contact the source region and join "
                "a study visit with the hub.</li><li>Adopt a legal basis, such as a regent's "
                "or mayor's regulation or decree, so the innovation lasts.</li><li>Record the "
                "replication and its results so other regions can learn.</li></ol>"
            ),
        ],
    },
]


def build_site() -> tuple[HomePage, list[StandardPage]]:
    """The home page and the editorial pages. Idempotent: existing pages are kept as they are."""
    home = ensure_home_page(**HOME)
    created = []
    for spec in PAGES:
        page, was_created = ensure_child_page(parent=home, page=StandardPage(**spec))
        if was_created:
            created.append(page)
    return home, created


def ensure_admin(*, username: str, password: str, email: str) -> bool:
    """Create the demo superuser unless that username exists. Returns whether it was created."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return False
    user_model.objects.create_superuser(username=username, email=email, password=password)
    return True
