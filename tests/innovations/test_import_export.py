"""The interchange format (DESIGN section 5): import_innovations, export_innovations and the
HTTP export of the library listing.

Input files are written into `tmp_path`; every assertion is on what a user sees: command
output and exit codes, pages at their URLs, exported bytes, database state.
"""

import csv
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from innovations.models import InnovationPage, RegencyFolderPage, Replication
from tests.factories import InnovationPageFactory, folder_for

pytestmark = pytest.mark.django_db

# The keys of the contract, in the order DESIGN section 5 lists them.
CONTRACT_KEYS = [
    "slug", "title", "regency", "province", "sector", "year", "summary", "problem", "solution",
    "impact", "novelty", "implementation", "adaptability", "resources", "sustainability",
    "keywords", "award", "stage", "video_url", "contact_name", "contact_email", "sdgs",
    "replicated_by",
]  # fmt: skip


# --- Helpers ----------------------------------------------------------------------------------


def case(**fields):
    """A minimal valid line; keyword arguments override or add keys."""
    data = {
        "slug": "jemput-bola-ktp-el",
        "title": "Jemput Bola KTP-el",
        "regency": "Kabupaten Banyuwangi",
        "sector": "2.12",
        "summary": "Petugas Dukcapil datang ke desa untuk merekam KTP-el warga.",
    }
    data.update(fields)
    return data


def write_jsonl(tmp_path, rows, name="cases.jsonl"):
    path = tmp_path / name
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path


def write_csv(tmp_path, rows, name="cases.csv"):
    """Rows as dicts; list values joined with ";" as the contract says."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
        )
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run_import(path, *args):
    """Run a successful import; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_innovations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failed_import(path, *args):
    """Run an import that must fail with exit code 1; returns (stderr, error message)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_innovations", str(path), *args, stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert out.getvalue() == ""
    return err.getvalue(), str(caught.value)


def export(*args):
    out = StringIO()
    call_command("export_innovations", *args, stdout=out)
    return out.getvalue()


def exported_slugs(*args):
    return {json.loads(line)["slug"] for line in export(*args).splitlines()}


def body(response):
    return b"".join(response.streaming_content).decode()


def assert_nothing_written():
    assert not InnovationPage.objects.exists()
    assert not RegencyFolderPage.objects.exists()
    assert not Replication.objects.exists()


# --- Validation: the whole file is checked, nothing is written ---------------------------------


def test_jsonl_with_one_bad_line_of_each_kind_writes_nothing(library, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            case(slug="baik-satu"),  # 1
            case(slug="daerah-tak-dikenal", regency="Kabupaten Atlantis"),  # 2
            case(slug="baik-dua", regency="Kota Surabaya"),  # 3
            {k: v for k, v in case(slug="tanpa-judul").items() if k != "title"},  # 4
            case(slug="urusan-salah", sector="9.99"),  # 5
            case(slug="kembar"),  # 6
            case(slug="kembar", title="Judul lain"),  # 7
            case(slug="tahun-salah", year="20x9"),  # 8
            case(slug="baik-tiga", regency="Kota Makassar"),  # 9
        ],
    )
    err, message = failed_import(path)

    assert "cases.jsonl: line 2: regency: unknown regency 'Kabupaten Atlantis'" in err
    assert "cases.jsonl: line 4: title: required" in err
    assert "cases.jsonl: line 5: sector: unknown sector '9.99'" in err
    assert "cases.jsonl: line 7: slug: duplicate slug 'kembar' (first on line 6)" in err
    assert "cases.jsonl: line 8: year: '20x9' is not a year" in err
    for good_line in (1, 3, 6, 9):
        assert f"line {good_line}:" not in err
    assert message == "5 error(s) in cases.jsonl; nothing was imported."
    assert_nothing_written()


def test_csv_with_one_bad_line_of_each_kind_writes_nothing(library, tmp_path):
    path = write_csv(
        tmp_path,
        [  # line 1 is the header
            case(slug="baik-satu", sector=["1.02", "2.12"], keywords=["ktp", "desa"]),  # 2
            case(slug="daerah-tak-dikenal", regency="Kabupaten Atlantis"),  # 3
            case(slug="baik-dua", regency="35.78"),  # 4
            case(slug="tanpa-judul", title=""),  # 5
            case(slug="urusan-salah", sector=["1.02", "Perikanan Darat"]),  # 6
            case(slug="kembar"),  # 7
            case(slug="kembar", title="Judul lain"),  # 8
            case(slug="tahun-salah", year="20x9"),  # 9
        ],
    )
    err, message = failed_import(path)

    assert "cases.csv: line 3: regency: unknown regency 'Kabupaten Atlantis'" in err
    assert "cases.csv: line 5: title: required" in err
    assert "cases.csv: line 6: sector: unknown sector 'Perikanan Darat'" in err
    assert "cases.csv: line 8: slug: duplicate slug 'kembar' (first on line 7)" in err
    assert "cases.csv: line 9: year: '20x9' is not a year" in err
    for good_line in (2, 4, 7):
        assert f"line {good_line}:" not in err
    assert message == "5 error(s) in cases.csv; nothing was imported."
    assert_nothing_written()


def test_csv_errors_name_the_physical_line_where_a_multiline_record_starts(library, tmp_path):
    path = write_csv(
        tmp_path,
        [
            # Lines 2-4: the summary holds a blank line, so the record spans three lines.
            case(slug="tahun-salah", summary="Paragraf satu.\n\nParagraf dua.", year="20x9"),
            case(slug="urusan-salah", sector="9.99"),  # line 5
        ],
    )
    assert path.read_text(encoding="utf-8").count("\n") == 5

    err, _ = failed_import(path)
    assert "line 5: sector" in err
    assert "line 2: year" in err, err


def test_csv_saved_by_a_spreadsheet_with_bom_and_crlf(library, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(
        b"\xef\xbb\xbfslug,title,regency,sector,summary,keywords,sdgs\r\n"
        b"satu,Satu,Kota Surabaya,1.02;2.12,Ringkasan satu.,ktp; desa,3;16\r\n"
        b"dua,Dua,Kota Surabaya,9.99,Ringkasan dua.,,\r\n"
    )
    err, _ = failed_import(path)
    assert err.strip() == "cases.csv: line 3: sector: unknown sector '9.99' " + (
        "(use a code such as 1.02 or a name)"
    )

    path.write_bytes(path.read_bytes().replace(b",9.99,", b",kesehatan,"))
    run_import(path)
    page = InnovationPage.objects.get(slug="satu")
    assert sorted(s.code for s in page.sectors.all()) == ["1.02", "2.12"]
    assert sorted(t.name for t in page.keywords.all()) == ["desa", "ktp"]
    assert sorted(s.number for s in page.sdgs.all()) == [3, 16]
    assert InnovationPage.objects.get(slug="dua").summary == "Ringkasan dua."


def test_unknown_regency_suggests_the_closest(library, tmp_path):
    path = write_jsonl(tmp_path, [case(regency="Kabupaten Banyuwangy")])
    err, _ = failed_import(path)
    assert (
        "line 1: regency: unknown regency 'Kabupaten Banyuwangy'; "
        "did you mean Kabupaten Banyuwangi (35.10)"
    ) in err
    assert_nothing_written()


def test_ambiguous_short_regency_name_is_an_error_naming_both(library, tmp_path):
    path = write_jsonl(tmp_path, [case(regency="Bandung")])
    err, _ = failed_import(path)
    assert "line 1: regency: regency 'Bandung' is ambiguous" in err
    assert "Kabupaten Bandung (32.04)" in err
    assert "Kota Bandung (32.73)" in err
    assert_nothing_written()


def test_province_must_agree_with_the_regency(library, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            case(slug="satu", regency="Kota Surabaya", province="Jawa Barat"),
            case(slug="dua", regency="Kota Surabaya", province="Jawa Timor"),
        ],
    )
    err, _ = failed_import(path)
    assert "line 1: province: Kota Surabaya is in Jawa Timur, not Jawa Barat" in err
    assert "line 2: province: unknown province 'Jawa Timor'; did you mean Jawa Timur (35)?" in err
    assert_nothing_written()


def test_province_abbreviations_and_codes_are_accepted(library, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            case(slug="surabaya", regency="Kota Surabaya", province="Jatim"),
            case(slug="jakarta", regency="Jakarta Selatan", province="DKI Jakarta"),
            case(slug="yogyakarta", regency="Kota Yogyakarta", province="DI Yogyakarta"),
            case(slug="sleman", regency="Kabupaten Sleman", province="34"),
        ],
    )
    run_import(path)
    assert dict(InnovationPage.objects.values_list("slug", "regency__code")) == {
        "surabaya": "35.78",
        "jakarta": "31.74",
        "yogyakarta": "34.71",
        "sleman": "34.04",
    }


def test_forgiving_regency_and_sector_names(library, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            case(slug="kab-titik", regency="Kab. Banyuwangi", sector="kesehatan"),
            case(slug="spasi-ganda", regency="kabupaten  banyuwangi", sector="KESEHATAN"),
            case(slug="lubuklinggau", regency="Kota Lubuklinggau", sector=["1.02", "Pendidikan"]),
            case(
                slug="kode",
                regency="35.78",
                sector="Administrasi Kependudukan dan Pencatatan Sipil",
            ),
        ],
    )
    run_import(path)
    pages = {page.slug: page for page in InnovationPage.objects.all()}
    assert {slug: page.regency.name for slug, page in pages.items()} == {
        "kab-titik": "Kabupaten Banyuwangi",
        "spasi-ganda": "Kabupaten Banyuwangi",
        "lubuklinggau": "Kota Lubuk Linggau",
        "kode": "Kota Surabaya",
    }
    sectors = {slug: sorted(s.code for s in page.sectors.all()) for slug, page in pages.items()}
    assert sectors == {
        "kab-titik": ["1.02"],
        "spasi-ganda": ["1.02"],
        "lubuklinggau": ["1.01", "1.02"],
        "kode": ["2.12"],
    }
    assert set(RegencyFolderPage.objects.values_list("url_path", flat=True)) == {
        f"{library.url_path}kabupaten-banyuwangi/",
        f"{library.url_path}kota-lubuk-linggau/",
        f"{library.url_path}kota-surabaya/",
    }


def test_unknown_keys_are_warned_about_and_ignored(library, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            case(slug="satu", rating=5, kategori="x"),
            case(slug="dua", regency="Kota Surabaya", rating=4),
        ],
    )
    out, err = run_import(path)
    assert "cases.jsonl: file: rating: unknown key, ignored (lines 1, 2)" in err
    assert "cases.jsonl: file: kategori: unknown key, ignored (lines 1)" in err
    assert "2 created" in out
    assert InnovationPage.objects.count() == 2


def test_invalid_values_are_errors(library, tmp_path):
    path = write_jsonl(
        tmp_path,
        [
            case(slug="ringkasan-panjang", summary=" ".join(["kata"] * 201)),  # 1
            case(slug="ringkasan-pas", summary=" ".join(["kata"] * 200)),  # 2, valid
            case(slug="replikasi-sendiri", replicated_by=["Kota Surabaya", "35.10"]),  # 3
            case(slug="sdg-nol", sdgs=[0]),  # 4
            case(slug="sdg-18", sdgs=[3, 18]),  # 5
            case(slug="Huruf-Besar"),  # 6
            case(slug="tahap-salah", stage="selesai"),  # 7
            case(slug="surel-salah", contact_email="bukan surel"),  # 8
            case(slug="video-salah", video_url="ftp://contoh.id/video"),  # 9
            case(slug="tahun-lama", year=1900),  # 10
        ],
    )
    err, message = failed_import(path)
    assert "line 1: summary: 201 words; at most 200" in err
    assert "line 2:" not in err
    assert "line 3: replicated_by: Kabupaten Banyuwangi cannot replicate its own innovation" in err
    assert "line 4: sdgs: 0 is not an SDG number 1-17" in err
    assert "line 5: sdgs: 18 is not an SDG number 1-17" in err
    assert "line 6: slug: 'Huruf-Besar' must be lowercase" in err
    assert "line 7: stage: unknown stage 'selesai'" in err
    assert "line 8: contact_email: 'bukan surel' is not an e-mail address" in err
    assert "line 9: video_url: 'ftp://contoh.id/video' is not an http(s) URL" in err
    assert "line 10: year: 1900 is not a year" in err
    assert message == "9 error(s) in cases.jsonl; nothing was imported."
    assert_nothing_written()


def test_a_line_that_is_not_json_is_an_error(library, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(
        json.dumps(case(slug="satu")) + "\n" + '{"slug": "dua", "title": \n' + '["a list"]\n',
        encoding="utf-8",
    )
    err, message = failed_import(path)
    assert "cases.jsonl: line 2: not valid JSON" in err
    assert "cases.jsonl: line 3: each line must be a JSON object" in err
    assert message == "2 error(s) in cases.jsonl; nothing was imported."
    assert_nothing_written()


def test_a_file_that_is_not_utf8_is_an_error(library, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_bytes(json.dumps(case(title="Layanan Prima")).encode() + b"\n\xff\xfe caf\xe9\n")
    err, message = failed_import(path)
    assert "cases.jsonl: file: not UTF-8 text" in err
    assert message == "1 error(s) in cases.jsonl; nothing was imported."
    assert_nothing_written()


def test_a_file_without_cases_is_an_error(library, tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    _, message = failed_import(path)
    assert message == "cases.jsonl holds no cases; nothing was imported."


def test_a_file_of_unknown_type_needs_format(library, tmp_path):
    path = tmp_path / "cases.txt"
    path.write_text(json.dumps(case()) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot tell the format"):
        call_command("import_innovations", str(path), stdout=StringIO(), stderr=StringIO())
    run_import(path, "--format", "jsonl")
    assert InnovationPage.objects.filter(slug="jemput-bola-ktp-el").exists()


def test_manage_py_exits_1_on_a_missing_file(tmp_path):
    """The real process exit status, as a script or CI job sees it."""
    missing = tmp_path / "tidak-ada.jsonl"
    result = subprocess.run(
        [sys.executable, "manage.py", "import_innovations", str(missing)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jipp.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert f"CommandError: {missing}: no such file" in result.stderr
    assert result.stdout == ""


# --- A good file ------------------------------------------------------------------------------

GOOD_CASES = [
    case(
        slug="jemput-bola-ktp-el",
        title="Jemput Bola KTP-el",
        regency="Kab. Banyuwangi",
        province="Jatim",
        sector=["2.12", "Kesehatan"],
        year=2019,
        summary="Petugas Dukcapil datang ke desa-desa untuk merekam KTP-el warga.",
        problem="Warga harus menempuh 60 km ke kantor dinas.\n\nBanyak lansia tidak sanggup.",
        solution="Mobil layanan keliling.\nJadwal tiap Selasa.",
        keywords=["KTP-el", "jemput bola"],
        award="Top 99 KIPP 2019",
        stage="penerapan",
        video_url="https://video.example.id/ktp",
        contact_name="Siti Aminah",
        contact_email="dukcapil@banyuwangikab.go.id",
        sdgs=[16, 10],
        replicated_by=["Kota Surabaya", "34.04"],
    ),
    case(
        slug="puskesmas-keliling",
        title="Puskesmas Keliling Malam",
        regency="Kabupaten Banyuwangi",
        sector="1.02",
        stage="uji coba",
        summary="Pelayanan kesehatan dasar pada malam hari.",
    ),
    case(
        slug="surabaya-single-window",
        title="Surabaya Single Window",
        regency="35.78",
        sector="3.30",
        summary="Perizinan dalam satu pintu daring.",
    ),
]


def test_good_file_creates_published_cases_in_regency_folders(library, client, tmp_path):
    path = write_jsonl(tmp_path, GOOD_CASES)
    out, err = run_import(path)

    assert out.strip() == (
        "3 created, 0 updated (0 moved), published; 2 regency folders and 2 replications created."
    )
    assert "Importing" in err
    assert "3/3" in err

    folders = {f.regency.code: f for f in RegencyFolderPage.objects.select_related("regency")}
    assert set(folders) == {"35.10", "35.78"}
    assert folders["35.10"].slug == "kabupaten-banyuwangi"
    assert folders["35.10"].title == "Kabupaten Banyuwangi"
    assert folders["35.78"].slug == "kota-surabaya"
    assert folders["35.10"].get_parent().pk == library.pk

    page = InnovationPage.objects.get(slug="jemput-bola-ktp-el")
    assert page.get_parent().pk == folders["35.10"].pk
    assert page.url == "/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/"
    assert page.live and not page.has_unpublished_changes
    assert page.regency.code == "35.10"
    assert sorted(s.code for s in page.sectors.all()) == ["1.02", "2.12"]
    assert sorted(s.number for s in page.sdgs.all()) == [10, 16]
    assert sorted(t.name for t in page.keywords.all()) == ["KTP-el", "jemput bola"]
    assert (page.stage, page.award, page.year_started) == ("penerapan", "Top 99 KIPP 2019", 2019)
    assert page.video_url == "https://video.example.id/ktp"
    assert (page.contact_name, page.contact_email) == (
        "Siti Aminah",
        "dukcapil@banyuwangikab.go.id",
    )
    assert sorted(
        Replication.objects.filter(innovation=page).values_list("adopting_regency__code", "status")
    ) == [("34.04", "berjalan"), ("35.78", "berjalan")]
    assert InnovationPage.objects.get(slug="puskesmas-keliling").stage == "uji coba"

    response = client.get("/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Jemput Bola KTP-el</h1>" in html
    assert "<p>Warga harus menempuh 60 km ke kantor dinas.</p>" in html
    assert "<p>Banyak lansia tidak sanggup.</p>" in html
    assert "Mobil layanan keliling.<br/>Jadwal tiap Selasa." in html
    assert "Top 99 KIPP 2019" in html
    assert "Kabupaten Sleman" in html  # in the replication table
    assert client.get("/inovasi/kota-surabaya/surabaya-single-window/").status_code == 200


def test_import_makes_cases_findable(library, client, tmp_path):
    path = write_jsonl(tmp_path, [case(summary="Layanan pelangganzebra untuk warga desa.")])
    run_import(path)
    response = client.get(
        "/api/v2/pages/", {"type": "innovations.InnovationPage", "search": "pelangganzebra"}
    )
    assert response.status_code == 200
    assert [item["meta"]["slug"] for item in response.json()["items"]] == ["jemput-bola-ktp-el"]


def test_second_import_updates_without_duplicates(library, client, tmp_path):
    path = write_jsonl(tmp_path, GOOD_CASES)
    run_import(path)
    ids = dict(InnovationPage.objects.values_list("slug", "pk"))

    out, _ = run_import(path)
    assert out.strip() == (
        "0 created, 3 updated (0 moved), published; 0 regency folders and 0 replications created."
    )
    assert dict(InnovationPage.objects.values_list("slug", "pk")) == ids
    assert RegencyFolderPage.objects.count() == 2
    assert Replication.objects.count() == 2

    changed = [dict(GOOD_CASES[0], title="Jemput Bola KTP-el Desa", keywords=["ktp"])]
    out, _ = run_import(write_jsonl(tmp_path, changed, name="changed.jsonl"))
    assert out.startswith("0 created, 1 updated (0 moved), published")
    page = InnovationPage.objects.get(slug="jemput-bola-ktp-el")
    assert page.title == "Jemput Bola KTP-el Desa"
    assert [t.name for t in page.keywords.all()] == ["ktp"]
    response = client.get("/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/")
    assert "<h1>Jemput Bola KTP-el Desa</h1>" in response.content.decode()


def test_changing_the_regency_moves_the_case(library, client, tmp_path):
    run_import(write_jsonl(tmp_path, [case(replicated_by=["Kota Surabaya"])]))
    old_url = "/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/"
    assert client.get(old_url).status_code == 200

    moved = [case(regency="Kabupaten Sleman", title="Jemput Bola KTP-el Sleman")]
    out, _ = run_import(write_jsonl(tmp_path, moved, name="moved.jsonl"))
    assert out.strip() == (
        "0 created, 1 updated (1 moved), published; 1 regency folders and 0 replications created."
    )
    page = InnovationPage.objects.get(slug="jemput-bola-ktp-el")
    assert page.regency.code == "34.04"
    assert page.get_parent().specific.regency.code == "34.04"
    new_url = "/inovasi/kabupaten-sleman/jemput-bola-ktp-el/"
    old = client.get(old_url)
    assert (old.status_code, old["Location"]) == (301, new_url)  # Wagtail's automatic redirect
    response = client.get(new_url)
    assert response.status_code == 200
    assert "<h1>Jemput Bola KTP-el Sleman</h1>" in response.content.decode()
    # The ledger is never pruned by an import.
    assert list(Replication.objects.values_list("adopting_regency__code", flat=True)) == ["35.78"]


# --- Drafts and dry runs ----------------------------------------------------------------------


def test_draft_import_of_new_cases_publishes_nothing(library, client, tmp_path):
    out, _ = run_import(write_jsonl(tmp_path, [case()]), "--draft")
    assert out.strip() == (
        "1 created, 0 updated (0 moved), as drafts; 1 regency folders and 0 replications created."
    )
    page = InnovationPage.objects.get(slug="jemput-bola-ktp-el")
    assert not page.live
    assert page.has_unpublished_changes
    assert client.get("/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/").status_code == 404
    assert export() == ""


def test_draft_import_keeps_the_live_content_of_a_published_case(library, client, tmp_path):
    run_import(write_jsonl(tmp_path, [case(keywords=["ktp"], sdgs=[16])]))
    url = "/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/"

    changed = case(
        title="Judul Baru Menunggu Moderasi",
        summary="Ringkasan baru yang belum disetujui.",
        sector="1.02",
        keywords=["baru"],
        sdgs=[3],
    )
    out, _ = run_import(write_jsonl(tmp_path, [changed], name="draft.jsonl"), "--draft")
    assert out.startswith("0 created, 1 updated (0 moved), as drafts")

    html = client.get(url).content.decode()
    assert "<h1>Jemput Bola KTP-el</h1>" in html
    assert "Judul Baru" not in html
    assert "Ringkasan baru" not in html

    page = InnovationPage.objects.get(slug="jemput-bola-ktp-el")
    assert page.live and page.has_unpublished_changes
    assert page.title == "Jemput Bola KTP-el"
    assert [s.code for s in page.sectors.all()] == ["2.12"]
    assert [t.name for t in page.keywords.all()] == ["ktp"]
    assert [s.number for s in page.sdgs.all()] == [16]
    draft = page.get_latest_revision_as_object()
    assert draft.title == "Judul Baru Menunggu Moderasi"
    assert draft.summary == "Ringkasan baru yang belum disetujui."
    assert [json.loads(line)["title"] for line in export().splitlines()] == ["Jemput Bola KTP-el"]


def test_draft_import_does_not_move_a_published_case(library, client, tmp_path):
    """A move cannot wait in a draft revision: a --draft import that would move a published
    case to another regency is refused, naming the line, and nothing changes."""
    run_import(write_jsonl(tmp_path, [case()]))
    moved = [case(regency="Kota Surabaya", title="Judul baru")]
    err, message = failed_import(write_jsonl(tmp_path, moved, name="moved.jsonl"), "--draft")
    assert "moved.jsonl: line 1: regency:" in err
    assert "cannot move it to another regency" in err
    assert "nothing was imported" in message
    page = InnovationPage.objects.get(slug="jemput-bola-ktp-el")
    assert page.get_latest_revision_as_object().title != "Judul baru"

    response = client.get("/inovasi/kabupaten-banyuwangi/jemput-bola-ktp-el/")
    assert response.status_code == 200
    assert InnovationPage.objects.get(slug="jemput-bola-ktp-el").regency.code == "35.10"
    assert json.loads(export())["regency"] == "35.10"


def test_draft_changes_stay_out_of_search(library, client, tmp_path):
    run_import(write_jsonl(tmp_path, [case()]))
    draft = case(summary="Kata rahasiakuda hanya ada di draf.")
    run_import(write_jsonl(tmp_path, [draft], name="draft.jsonl"), "--draft")
    response = client.get(
        "/api/v2/pages/", {"type": "innovations.InnovationPage", "search": "rahasiakuda"}
    )
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_dry_run_writes_nothing(library, tmp_path):
    path = write_jsonl(tmp_path, [case(replicated_by=["Kota Surabaya"])])
    out, _ = run_import(path, "--dry-run")
    assert out.strip() == (
        "Dry run, rolled back: would have 1 created, 0 updated (0 moved), published; "
        "1 regency folders and 1 replications created."
    )
    assert_nothing_written()
    assert not Group.objects.filter(name="Editor Kabupaten Banyuwangi").exists()


# --- Export -----------------------------------------------------------------------------------


@pytest.fixture
def four_cases(library):
    """Banyuwangi and Surabaya (hub Jawa Timur), Kota Bandung (no hub), Makassar (Sulsel)."""
    InnovationPageFactory(parent=folder_for("35.10"), slug="banyuwangi-sehat", sectors=["1.02"])
    InnovationPageFactory(parent=folder_for("35.78"), slug="surabaya-dukcapil", sectors=["2.12"])
    InnovationPageFactory(parent=folder_for("32.73"), slug="bandung-dukcapil", sectors=["2.12"])
    InnovationPageFactory(parent=folder_for("73.71"), slug="makassar-sekolah", sectors=["1.01"])


def test_export_jsonl_prints_the_contract_keys(library, tmp_path):
    run_import(write_jsonl(tmp_path, GOOD_CASES[:1]))
    lines = export("--format", "jsonl").splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert list(row) == CONTRACT_KEYS
    assert row["slug"] == "jemput-bola-ktp-el"
    assert (row["regency"], row["province"]) == ("35.10", "35")
    assert row["sector"] == ["1.02", "2.12"]
    assert row["year"] == 2019
    assert (
        row["problem"]
        == "Warga harus menempuh 60 km ke kantor dinas.\n\nBanyak lansia tidak sanggup."
    )
    assert row["solution"] == "Mobil layanan keliling.\nJadwal tiap Selasa."
    assert row["novelty"] == ""
    assert row["keywords"] == ["KTP-el", "jemput bola"]
    assert row["sdgs"] == [10, 16]
    assert row["replicated_by"] == ["34.04", "35.78"]
    assert export() == export("--format", "jsonl")


def test_export_csv_prints_the_contract_keys(library, tmp_path):
    run_import(write_jsonl(tmp_path, GOOD_CASES[:1]))
    rows = list(csv.DictReader(StringIO(export("--format", "csv"))))
    assert len(rows) == 1
    assert list(rows[0]) == CONTRACT_KEYS
    assert rows[0]["sector"] == "1.02;2.12"
    assert rows[0]["keywords"] == "KTP-el;jemput bola"
    assert rows[0]["sdgs"] == "10;16"
    assert rows[0]["replicated_by"] == "34.04;35.78"
    assert rows[0]["year"] == "2019"
    assert (
        rows[0]["problem"]
        == "Warga harus menempuh 60 km ke kantor dinas.\n\nBanyak lansia tidak sanggup."
    )


def test_export_to_a_file(library, tmp_path):
    run_import(write_jsonl(tmp_path, GOOD_CASES))
    target = tmp_path / "out.csv"
    assert export("--format", "csv", "--output", str(target)) == ""
    assert target.read_text(encoding="utf-8") == export("--format", "csv")


@pytest.mark.parametrize(
    ("args", "slugs"),
    [
        ([], {"banyuwangi-sehat", "surabaya-dukcapil", "bandung-dukcapil", "makassar-sekolah"}),
        (["--hub", "jawa-timur"], {"banyuwangi-sehat", "surabaya-dukcapil"}),
        (
            ["--hub", "jawa-timur", "--hub", "sulawesi-selatan"],
            {"banyuwangi-sehat", "surabaya-dukcapil", "makassar-sekolah"},
        ),
        (
            ["--sector", "1.02", "--sector", "2.12"],
            {"banyuwangi-sehat", "surabaya-dukcapil", "bandung-dukcapil"},
        ),
        (["--hub", "jawa-timur", "--sector", "2.12"], {"surabaya-dukcapil"}),
        (["--province", "Jatim"], {"banyuwangi-sehat", "surabaya-dukcapil"}),
        (["--regency", "Kota Bandung"], {"bandung-dukcapil"}),
    ],
)
def test_export_filters(four_cases, args, slugs):
    assert exported_slugs(*args) == slugs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "dua-ribu"], "--year: year must be a whole number, not 'dua-ribu'"),
        (["--province", "Atlantis"], "--province: unknown province 'Atlantis'"),
        (["--regency", "Bandung"], "--regency: regency 'Bandung' is ambiguous"),
        (["--stage", "selesai"], "--stage: unknown stage 'selesai'"),
    ],
)
def test_export_bad_filter_is_a_command_error(library, args, message):
    with pytest.raises(CommandError) as caught:
        export(*args)
    assert str(caught.value).startswith(message)


# --- Round trip: export, import into an empty site, export again ------------------------------

RICH_CASES = [
    case(
        slug="jemput-bola-ktp-el",
        title='Jemput Bola "KTP-el" & Akta, Desa',
        regency="Kabupaten Banyuwangi",
        province="Jawa Timur",
        sector=["2.12", "1.02"],
        year=2019,
        summary="Petugas datang ke desa; warga tak perlu ke kota.\nSatu hari selesai.",
        problem=(
            "Warga harus menempuh 60 km.\n\n"
            "Biaya transport <tinggi> & antrean panjang.\nLansia kesulitan."
        ),
        solution="Mobil keliling, jadwal tetap.\n\n- Selasa: desa A\n- Kamis: desa B",
        impact="Waktu layanan turun dari 14 hari menjadi 1 hari.",
        novelty="Perekaman biometrik di balai desa.",
        implementation="Tahap 1: uji coba.\n\nTahap 2: seluruh kecamatan.",
        adaptability="Butuh Perbup dan satu mobil.",
        resources="Anggaran Rp 150 juta per tahun.",
        sustainability="Dilembagakan dengan Perbup 12/2020.",
        keywords=["KTP-el", "jemput bola", "Akta kelahiran"],
        award="Top 99 KIPP 2019",
        stage="dilembagakan",
        video_url="https://video.example.id/ktp?t=10",
        contact_name="Siti Aminah, S.Sos.",
        contact_email="dukcapil@banyuwangikab.go.id",
        sdgs=[16, 10, 1],
        replicated_by=["Kota Surabaya", "Kabupaten Sleman"],
    ),
    case(
        slug="puskesmas-keliling-malam",
        title="Puskesmas Keliling Malam — Layanan Çepat",
        regency="Kota Surabaya",
        sector="Kesehatan",
        summary="Layanan kesehatan dasar pada malam hari.",
        problem="Puskesmas tutup pukul 14.00.\n\nPekerja tidak sempat berobat.",
        stage="uji coba",
        sdgs=[3],
        replicated_by=["35.10"],
    ),
    case(
        slug="sekolah-sungai",
        title="Sekolah Sungai",
        regency="Kota Makassar",
        sector="1.01",
        year=2021,
        summary="Belajar di perahu.",
        keywords=["sungai"],
    ),
]


def empty_the_library():
    for page in InnovationPage.objects.all():
        page.delete()
    for folder in RegencyFolderPage.objects.all():
        folder.delete()
    assert_nothing_written()


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_round_trip_keeps_every_value(library, tmp_path, file_format):
    run_import(write_jsonl(tmp_path, RICH_CASES, name="source.jsonl"))
    first = export("--format", file_format)
    empty_the_library()

    run_import(write_text(tmp_path / f"export.{file_format}", first))
    second = export("--format", file_format)
    assert sorted(second.splitlines()) == sorted(first.splitlines())
    assert Replication.objects.count() == 3
    assert RegencyFolderPage.objects.count() == 3


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_round_trip_reproduces_the_same_export(library, tmp_path, file_format):
    """DESIGN 5: export then import into an empty site reproduces the same export, byte for
    byte."""
    run_import(write_jsonl(tmp_path, RICH_CASES, name="source.jsonl"))
    first = export("--format", file_format)
    empty_the_library()

    run_import(write_text(tmp_path / f"export.{file_format}", first))
    assert export("--format", file_format) == first


def test_exported_texts_match_the_source(library, tmp_path):
    run_import(write_jsonl(tmp_path, RICH_CASES))
    rows = {row["slug"]: row for row in map(json.loads, export().splitlines())}
    source = RICH_CASES[0]
    row = rows["jemput-bola-ktp-el"]
    for key in ("title", "summary", "problem", "solution", "implementation", "contact_name"):
        assert row[key] == source[key]
    assert row["keywords"] == sorted(source["keywords"])
    assert rows["sekolah-sungai"]["year"] == 2021
    assert rows["puskesmas-keliling-malam"]["year"] is None


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- HTTP export of the listing ---------------------------------------------------------------


def test_http_csv_export_follows_the_listing_filters(four_cases, client):
    response = client.get("/inovasi/export.csv", {"hub": "jawa-timur", "sector": "2.12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="inovasi-jipp-')
    assert disposition.endswith('.csv"')
    rows = list(csv.DictReader(StringIO(body(response))))
    assert [row["slug"] for row in rows] == ["surabaya-dukcapil"]
    assert list(rows[0]) == CONTRACT_KEYS


def test_http_jsonl_export_follows_the_listing_filters(four_cases, client):
    response = client.get("/inovasi/export.jsonl?hub=jawa-timur&hub=sulawesi-selatan&sector=1.01")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="inovasi-jipp-')
    assert response["Content-Disposition"].endswith('.jsonl"')
    assert [json.loads(line)["slug"] for line in body(response).splitlines()] == [
        "makassar-sekolah"
    ]


@pytest.mark.parametrize("file_format", ["csv", "jsonl"])
def test_http_export_equals_the_command_export(four_cases, client, file_format):
    response = client.get(f"/inovasi/export.{file_format}", {"sector": ["1.02", "2.12"]})
    expected = export("--format", file_format, "--sector", "1.02", "--sector", "2.12")
    assert body(response) == expected
    assert expected.count("dukcapil") >= 2


def test_http_export_under_the_english_prefix(four_cases, client):
    response = client.get("/en/inovasi/export.csv", {"hub": "jawa-timur"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    slugs = {row["slug"] for row in csv.DictReader(StringIO(body(response)))}
    assert slugs == {"banyuwangi-sehat", "surabaya-dukcapil"}


def test_http_export_with_an_unknown_sort_is_400(library, client):
    response = client.get("/inovasi/export.csv", {"sort": "zzz"})
    assert response.status_code == 400
    assert response.content.decode() == "sort: unknown sort 'zzz'; one of newest, replicated, az\n"


@pytest.mark.parametrize(
    "url",
    [
        "/something-else/export.csv",
        "/inovasi/kabupaten-banyuwangi/export.jsonl",
        "/en/something-else/export.jsonl",
    ],
)
def test_http_export_only_under_the_library(four_cases, client, url):
    assert client.get(url).status_code == 404
