import shutil
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from hubs.models import Hub, HubMembership, Province, Regency
from innovations.models import SDG, EvaluationAspect, Sector
from innovations.services import REFERENCE_FOLDER, reference_view_permissions
from tests.factories.hubs import edited_reference_folder

pytestmark = pytest.mark.django_db


def test_exact_counts():
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert Regency.objects.filter(kind=Regency.Kind.KABUPATEN).count() == 416
    assert Regency.objects.filter(kind=Regency.Kind.KOTA).count() == 98
    assert Sector.objects.count() == 34
    assert SDG.objects.count() == 17
    assert EvaluationAspect.objects.count() == 6
    assert Hub.objects.count() == 3


@pytest.mark.parametrize(
    ("slug", "province", "members", "kabupaten", "kota"),
    [
        ("jawa-timur", "Jawa Timur", 38, 29, 9),
        ("sulawesi-selatan", "Sulawesi Selatan", 24, 21, 3),
        ("sumatera-selatan", "Sumatera Selatan", 17, 13, 4),
    ],
)
def test_hub_members_are_the_regencies_of_its_province(slug, province, members, kabupaten, kota):
    hub = Hub.objects.get(slug=slug)
    assert hub.province.name == province
    assert hub.members.count() == members
    assert hub.members.filter(kind="kabupaten").count() == kabupaten
    assert hub.members.filter(kind="kota").count() == kota
    assert not hub.members.exclude(province=hub.province).exists()


@pytest.mark.parametrize(
    ("province", "zone", "abbreviation"),
    [
        ("Jawa Timur", "Asia/Jakarta", "WIB"),
        ("Sulawesi Selatan", "Asia/Makassar", "WITA"),
        ("Papua", "Asia/Jayapura", "WIT"),
        ("Bali", "Asia/Makassar", "WITA"),
        ("Kalimantan Barat", "Asia/Jakarta", "WIB"),
        ("Kalimantan Timur", "Asia/Makassar", "WITA"),
        ("Sumatera Selatan", "Asia/Jakarta", "WIB"),
        ("Maluku Utara", "Asia/Jayapura", "WIT"),
        ("Papua Barat Daya", "Asia/Jayapura", "WIT"),
        ("Kalimantan Utara", "Asia/Makassar", "WITA"),
        ("Nusa Tenggara Timur", "Asia/Makassar", "WITA"),
    ],
)
def test_province_time_zones(province, zone, abbreviation):
    province = Province.objects.get(name=province)
    assert province.time_zone == zone
    assert province.time_zone_abbreviation == abbreviation
    ZoneInfo(province.time_zone)  # a real IANA zone


def test_every_province_has_one_of_the_three_zones():
    zones = dict(Province.objects.values_list("code", "time_zone"))
    assert set(zones.values()) == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
    assert sum(zone == "Asia/Jayapura" for zone in zones.values()) == 8  # Maluku x2, Papua x6


def test_regency_time_zone_is_its_provinces():
    assert Regency.objects.get(name="Kota Makassar").time_zone == "Asia/Makassar"
    assert Regency.objects.get(name="Kota Surabaya").time_zone == "Asia/Jakarta"
    assert Regency.objects.get(name="Kota Jayapura").time_zone == "Asia/Jayapura"


def test_codes_are_strings_and_keep_trailing_zeros():
    assert Regency.objects.get(code="35.10").name == "Kabupaten Banyuwangi"
    assert Regency.objects.get(code="35.78").name == "Kota Surabaya"
    assert Sector.objects.get(code="2.10").name_id == "Pertanahan"
    assert Sector.objects.get(code="3.30").name_id == "Perdagangan"
    assert not Sector.objects.filter(code="2.1").exists()
    assert Sector.objects.get(code="P.02").group == Sector.Group.PENUNJANG


def test_sector_and_sdg_names_follow_the_language():
    from django.utils import translation

    sector = Sector.objects.get(code="1.02")
    with translation.override("id"):
        assert sector.name == "Kesehatan"
    with translation.override("en"):
        assert sector.name == "Health"
        assert str(SDG.objects.get(number=1)) == "1. No Poverty"


def test_evaluation_aspects_in_evaluation_order():
    assert list(EvaluationAspect.objects.values_list("name_id", flat=True)) == [
        "Kebijakan Pelayanan",
        "Profesionalisme SDM",
        "Sarana Prasarana",
        "Sistem Informasi Pelayanan Publik",
        "Konsultasi dan Pengaduan",
        "Inovasi",
    ]


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list())
        for model in [Province, Regency, Hub, HubMembership, Sector, SDG, EvaluationAspect]
    }


def test_load_reference_data_is_idempotent():
    before = _snapshot()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert _snapshot() == before
    output = out.getvalue()
    assert "regencies/cities: 0 created, 0 updated, 514 unchanged" in output
    assert "provinces: 0 created, 0 updated, 38 unchanged" in output
    assert "hub memberships added: 0" in output


def test_load_reference_data_updates_changed_rows(tmp_path):
    folder = edited_reference_folder(
        tmp_path, "regencies.csv", "Kabupaten Fak Fak", "Kabupaten Fakfak"
    )
    out = StringIO()
    call_command("load_reference_data", folder=folder, stdout=out)
    assert "regencies/cities: 0 created, 1 updated, 513 unchanged" in out.getvalue()
    assert Regency.objects.filter(name="Kabupaten Fakfak").exists()


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "regencies.csv",
            "35.78,Kota Surabaya,35,kota",
            "35.78,Kota Surabaya,99,kota",
            "regencies.csv:",
        ),
        (
            "regencies.csv",
            "35.78,Kota Surabaya,35,kota",
            "35.7,Kota Surabaya,35,kota",
            "bad regency code '35.7'",
        ),
        ("sectors.csv", "1.02,Kesehatan", "1.2,Kesehatan", "bad sector code '1.2'"),
        ("sdgs.csv", "17,", "18,", "SDG number must be 1-17"),
        ("provinces.csv", "code,name", "kode,nama", "provinces.csv:1: header"),
    ],
)
def test_bad_reference_file_names_the_line_and_writes_nothing(tmp_path, file, old, new, message):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_FOLDER, folder)
    Regency.objects.filter(code="35.10").update(name="Kabupaten Banyuwangi (lama)")
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", folder=folder, stdout=StringIO())
    assert message in str(error.value)
    assert "nothing was written" in str(error.value)
    # The valid rows before the bad one were not written either.
    assert Regency.objects.get(code="35.10").name == "Kabupaten Banyuwangi (lama)"


def test_regency_line_numbers_point_at_the_bad_line(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_FOLDER, folder)
    path = folder / "regencies.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    bad_line = next(i for i, line in enumerate(lines, start=1) if line.startswith("35.78,"))
    lines[bad_line - 1] = "35.78,Kota Surabaya,35,metropolitan"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"regencies.csv:{bad_line}: unknown kind"):
        call_command("load_reference_data", folder=folder, stdout=StringIO())


def test_editors_and_moderators_may_view_reference_data_only():
    view = set(reference_view_permissions())
    assert len(view) == 6
    for name in ["Editors", "Moderators"]:
        permissions = set(Group.objects.get(name=name).permissions.all())
        assert view <= permissions
        reference_labels = {"hubs", "innovations"}
        changes = [
            p.codename
            for p in permissions
            if p.content_type.app_label in reference_labels and not p.codename.startswith("view_")
        ]
        assert changes == []
