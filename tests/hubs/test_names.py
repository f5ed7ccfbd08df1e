"""hubs.names: forgiving lookup of provinces and regencies, strict about the result."""

import pytest

from hubs.names import NameNotFound, NameResolver, normalize

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    return NameResolver()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kota Surabaya", "kota surabaya"),
        ("  KOTA   Surabaya  ", "kota surabaya"),
        ("Kab. Banyuwangi", "kabupaten banyuwangi"),
        ("Kab Banyuwangi", "kabupaten banyuwangi"),
        ("kab.banyuwangi", "kabupaten banyuwangi"),
        ("Kota Bau-Bau", "kota bau bau"),
        ("Kota Adm. Jakarta Pusat", "kota administrasi jakarta pusat"),
        ("Kab. Adm. Kepulauan Seribu", "kabupaten administrasi kepulauan seribu"),
        ("DKI Jakarta", "daerah khusus ibukota jakarta"),
        ("Daerah Khusus Jakarta", "daerah khusus ibukota jakarta"),
        ("Daerah Khusus Ibukota Jakarta", "daerah khusus ibukota jakarta"),
        ("DI Yogyakarta", "daerah istimewa yogyakarta"),
        ("DIY", "daerah istimewa yogyakarta"),
        ("Prov. Jawa Timur", "jawa timur"),
        ("Provinsi Jawa Timur", "jawa timur"),
        ("Bélitung Timur", "belitung timur"),
        ("Pulau D'Arcy (Selatan)", "pulau d arcy selatan"),
        # Abbreviations are whole words only.
        ("Kabupaten Dairi", "kabupaten dairi"),
        ("Kabupaten Sidoarjo", "kabupaten sidoarjo"),
        ("Kota Kotamobagu", "kota kotamobagu"),
    ],
)
def test_normalize(name, expected):
    assert normalize(name) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("35", "35"),
        (" 35 ", "35"),
        ("Jawa Timur", "35"),
        ("jawa  timur", "35"),
        ("JAWA-TIMUR", "35"),
        ("Prov. Jawa Timur", "35"),
        ("Provinsi Jawa Timur", "35"),
        ("Jatim", "35"),
        ("Sumsel", "16"),
        ("Sulsel", "73"),
        ("NTT", "53"),
        ("DKI Jakarta", "31"),
        ("Jakarta", "31"),
        ("Daerah Khusus Jakarta", "31"),
        ("DI Yogyakarta", "34"),
        ("DIY", "34"),
        ("Jogja", "34"),
        ("Papua Barat Daya", "96"),
        ("Kepulauan Bangka\u2013Belitung", "19"),
    ],
)
def test_province(names, value, code):
    assert names.province(value).code == code


@pytest.mark.parametrize(("value", "code"), [("D.I. Yogyakarta", "34"), ("D.K.I. Jakarta", "31")])
def test_province_abbreviation_written_with_dots(names, value, code):
    """Names match "regardless of ... dots" (module docstring), so the common spelling with
    dots between the letters of DI/DKI works like "DI Yogyakarta" and "DKI Jakarta"."""
    assert names.province(value).code == code


def test_unknown_province_suggests_the_closest(names):
    with pytest.raises(NameNotFound) as caught:
        names.province("Jawa Timor")
    assert str(caught.value) == "unknown province 'Jawa Timor'; did you mean Jawa Timur (35)?"


def test_unknown_province_without_a_close_name(names):
    with pytest.raises(NameNotFound) as caught:
        names.province("Atlantis")
    assert str(caught.value) == "unknown province 'Atlantis'"


def test_a_regency_is_not_a_province(names):
    with pytest.raises(NameNotFound, match="unknown province"):
        names.province("35.78")
    with pytest.raises(NameNotFound, match="unknown province"):
        names.province("Surabaya")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("35.78", "35.78"),
        ("35.10", "35.10"),
        (" 35.10 ", "35.10"),
        ("Kota Surabaya", "35.78"),
        ("kota surabaya", "35.78"),
        ("Surabaya", "35.78"),
        ("Kabupaten Banyuwangi", "35.10"),
        ("Kab. Banyuwangi", "35.10"),
        ("kabupaten  banyuwangi", "35.10"),
        ("KAB BANYUWANGI", "35.10"),
        ("Banyuwangi", "35.10"),
        ("Kota Lubuklinggau", "16.73"),
        ("Lubuk Linggau", "16.73"),
        ("Kota Bau-Bau", "74.72"),
        ("Kota Baubau", "74.72"),
        ("Kabupaten Bandung", "32.04"),
        ("Kota Bandung", "32.73"),
        ("Bandung Barat", "32.17"),
        ("Jakarta Pusat", "31.71"),
        ("Kota Jakarta Pusat", "31.71"),
        ("Kota Adm. Jakarta Pusat", "31.71"),
        ("Kab. Adm. Kepulauan Seribu", "31.01"),
        ("Kepulauan Seribu", "31.01"),
        ("Kabupaten Kotabaru", "63.02"),
        ("Kota Kotamobagu", "71.74"),
    ],
)
def test_regency(names, value, code):
    assert names.regency(value).code == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Kotabaru", "63.02"),
        ("Kotawaringin Barat", "62.01"),
        ("Kotawaringin Timur", "62.02"),
        ("Kotamobagu", "71.74"),
    ],
)
def test_short_names_that_begin_with_kota(names, value, code):
    """A short name works like "Banyuwangi" does, even when the place's name begins with
    "Kota" (Kabupaten Kotabaru, Kabupaten Kotawaringin Barat, Kota Kotamobagu)."""
    assert names.regency(value).code == code


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("Bandung", ["Kabupaten Bandung (32.04)", "Kota Bandung (32.73)"]),
        ("Malang", ["Kabupaten Malang (35.07)", "Kota Malang (35.73)"]),
        ("bandung", ["Kabupaten Bandung (32.04)", "Kota Bandung (32.73)"]),
    ],
)
def test_ambiguous_short_name_names_every_match(names, value, matches):
    with pytest.raises(NameNotFound) as caught:
        names.regency(value)
    assert str(caught.value) == (
        f"regency {value!r} is ambiguous: it matches {', '.join(matches)}"
    )


def test_unknown_regency_suggests_the_closest(names):
    with pytest.raises(NameNotFound) as caught:
        names.regency("Kabupaten Banyuwangy")
    message = str(caught.value)
    assert message.startswith(
        "unknown regency 'Kabupaten Banyuwangy'; did you mean Kabupaten Banyuwangi (35.10)"
    )
    assert message.endswith("?")
    assert message.count("(") <= 3  # at most three suggestions


def test_unknown_regency_without_a_close_name(names):
    with pytest.raises(NameNotFound) as caught:
        names.regency("Xyzzy Qwerty")
    assert str(caught.value) == "unknown regency 'Xyzzy Qwerty'"


@pytest.mark.parametrize("value", ["99.99", "35.1", "3578", "", "Jawa Timur"])
def test_not_a_regency(names, value):
    with pytest.raises(NameNotFound, match="unknown regency"):
        names.regency(value)


def test_name_not_found_is_a_lookup_error():
    assert issubclass(NameNotFound, LookupError)


def test_resolver_loads_once(django_assert_num_queries):
    with django_assert_num_queries(2):
        names = NameResolver()
    with django_assert_num_queries(0):
        assert names.regency("Kab. Banyuwangi").province_id == names.province("Jatim").pk
        with pytest.raises(NameNotFound):
            names.regency("Bandung")
        with pytest.raises(NameNotFound):
            names.province("Jawa Timor")
