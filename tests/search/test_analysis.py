"""The Indonesian analysis both engines share (search/analysis.py and search/synonyms/):
the rules files themselves, and what staff's words turn into."""

from collections import defaultdict

import pytest

from search.analysis import (
    GLOSSARY_FILE,
    SYNONYMS_FILE,
    allowed_edits,
    analyze,
    analyze_query,
    edit_distance,
    glossary,
    read_rules,
    stem,
    stopwords,
    synonym_table,
    tokenize,
    translate_english,
)


def terms(text: str) -> set[str]:
    return {term.text for term in analyze(text)}


def canonical(entry: str) -> str:
    """The canonical term of the synonym phrase covering most of `entry`."""
    found = [t for t in analyze(entry) if t.text.startswith("~")]
    assert found, f"{entry!r} matches no synonym group"
    return max(found, key=lambda t: t.end - t.start).text


# --- The rules files --------------------------------------------------------------------------


def test_the_synonyms_file_has_at_least_150_groups_each_term_on_one_line():
    groups = [line.split(",") for line in read_rules(SYNONYMS_FILE)]
    assert len([g for g in groups if len(g) >= 2]) >= 150
    lines_of = defaultdict(set)
    for number, group in enumerate(groups):
        for entry in group:
            lines_of[" ".join(t.text for t in tokenize(entry))].add(number)
    assert {entry: lines for entry, lines in lines_of.items() if len(lines) > 1} == {}


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
        ("e-KTP", "KTP elektronik"),
        ("KK", "Kartu Keluarga"),
        ("KIA", "Kartu Identitas Anak"),
        ("akta", "akte"),
        ("Puskesmas", "pusat kesehatan masyarakat"),
        ("RSUD", "Rumah Sakit Umum Daerah"),
        ("Posyandu", "pos pelayanan terpadu"),
        ("BPJS Kesehatan", "Badan Penyelenggara Jaminan Sosial Kesehatan"),
        ("JKN", "Jaminan Kesehatan Nasional"),
        ("MPP", "Mal Pelayanan Publik"),
        ("PTSP", "Pelayanan Terpadu Satu Pintu"),
        ("OSS", "Online Single Submission"),
        ("NIB", "Nomor Induk Berusaha"),
        ("IMB", "PBG"),
        ("UMKM", "usaha mikro kecil dan menengah"),
        ("SP4N-LAPOR!", "Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional"),
        ("SIPP", "Sistem Informasi Pelayanan Publik"),
        ("SKM", "Survei Kepuasan Masyarakat"),
        ("OPD", "Organisasi Perangkat Daerah"),
        ("Bappeda", "Badan Perencanaan Pembangunan Daerah"),
        ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
        ("stunting", "gagal tumbuh"),
        ("balita", "anak bawah lima tahun"),
        ("lansia", "lanjut usia"),
        ("ASN", "Aparatur Sipil Negara"),
    ],
)
def test_an_acronym_and_its_expansion_meet_on_one_term(short, long):
    assert canonical(short) == canonical(long)


def test_every_glossary_line_maps_english_to_indonesian():
    for line in read_rules(GLOSSARY_FILE):
        english, arrow, indonesian = line.partition("=>")
        assert arrow, f"no '=>' in {line!r}"
        assert english.strip() and indonesian.strip(), line
    mapping, _longest = glossary()
    assert len(mapping) >= 100
    assert translate_english("birth certificate") == "akta kelahiran"
    assert translate_english("Business permit for a small shop").startswith("izin usaha")


# --- Words ------------------------------------------------------------------------------------


def test_a_hyphenated_word_matches_whole_and_split():
    # "Si-Pintar" is in no synonym line: the general rule alone makes it match.
    indexed = terms("Aplikasi Si-Pintar untuk warga")
    assert {"sipintar", "si", "pintar"} <= indexed
    for typed in ("sipintar", "si-pintar", "Si Pintar"):
        query_terms = analyze_query(typed).all_terms()
        assert query_terms & indexed, typed
    # Typed whole, it asks for the whole word first, its longer part as a weaker alternative.
    concept = analyze_query("si-pintar").concepts[0]
    assert concept.terms == {"sipintar": 1.0, "pintar": 0.8}


def test_ktp_el_matches_written_every_way():
    written = ("KTP-el", "KTP el", "e-KTP", "KTP elektronik", "kartu tanda penduduk elektronik")
    assert len({canonical(text) for text in written}) == 1


def test_derived_words_share_a_sastrawi_stem():
    assert stem("pelayanan") == stem("layanan") == stem("melayani") == "layan"
    assert stem("pengaduan") == stem("mengadu")
    assert stem("pendaftaran") == stem("mendaftar") == "daftar"
    # Words Sastrawi gets wrong are kept by the exceptions.
    assert stem("memilah") == "pilah"
    assert stem("sekolah") == "sekolah"
    assert stem("kusuka") == "kusuka"


def test_synonyms_match_words_as_written_not_their_stems():
    # "laporan" stems to "lapor", which is also the name of SP4N-LAPOR!: no match.
    assert not any(t.startswith("~") for t in terms("laporan keuangan warga"))
    assert canonical("Lapor!") == canonical("SP4N-LAPOR!")
    # "jaringan" alone is a network; "dalam jaringan" is "daring" (online).
    assert not any(t.startswith("~") for t in terms("jaringan internet desa"))
    assert canonical("layanan dalam jaringan") == canonical("daring")


def test_question_and_stop_words_do_not_count():
    assert {"bagaimana", "cara", "yang", "untuk", "apa"} <= stopwords()
    assert analyze_query("bagaimana cara yang untuk apa").concepts == []
    question = analyze_query("bagaimana cara mempercepat pembuatan akta kelahiran untuk bayi?")
    assert [c.surface for c in question.concepts] == [
        "mempercepat",
        "pembuatan",
        "akta kelahiran",
        "bayi",
    ]


def test_english_queries_turn_into_indonesian_terms():
    query = analyze_query("birth certificate for newborns")
    assert canonical("akta kelahiran") in query.all_terms()
    assert "bayi" in query.rewritten


def test_typo_distance_counts_a_swap_as_one_edit():
    assert edit_distance("sampha", "sampah", 2) == 1
    assert edit_distance("kesehtan", "kesehatan", 2) == 1
    assert edit_distance("puskesmas", "pusmeskas", 2) == 2
    assert edit_distance("abc", "xyz", 1) == 2  # past the limit: limit + 1
    assert [allowed_edits(word) for word in ("kk", "ktp", "akta", "sampah")] == [0, 1, 1, 2]


def test_the_synonym_table_is_built_from_the_file():
    table = synonym_table()
    assert table.longest >= 5  # "dinas kependudukan dan pencatatan sipil"
    assert table.phrases[("disdukcapil",)] == table.phrases[("dukcapil",)]
