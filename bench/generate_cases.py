"""Generate N realistic-looking innovation cases in the interchange format (JSON Lines).

Used by the import and search benchmarks. Deterministic for a given --seed.

    python bench/generate_cases.py 2000 > /tmp/cases.jsonl
"""

import argparse
import csv
import json
import random
import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference"

SUBJECTS = [
    ("Jemput Bola KTP-el", "2.12", ["ktp-el", "disdukcapil", "jemput bola"]),
    ("Akta Kelahiran Langsung dari Rumah Sakit", "2.12", ["akta kelahiran", "rsud"]),
    ("Posyandu Digital Cegah Stunting", "1.02", ["stunting", "posyandu", "balita"]),
    ("Antrean Daring Puskesmas", "1.02", ["puskesmas", "antrean"]),
    ("Mal Pelayanan Publik Terpadu", "P.02", ["mpp", "ptsp"]),
    ("Perizinan Berusaha Satu Hari", "2.18", ["oss", "nib", "perizinan"]),
    ("Bank Sampah Kelurahan", "2.11", ["sampah", "bank sampah"]),
    ("Pengaduan Warga Terintegrasi SP4N-LAPOR!", "P.02", ["sp4n-lapor", "pengaduan"]),
    ("Layanan Lansia Ramah", "1.06", ["lansia", "sosial"]),
    ("Kartu UMKM Naik Kelas", "2.17", ["umkm", "koperasi"]),
    ("Sekolah Kembali untuk Anak Putus Sekolah", "1.01", ["sekolah", "putus sekolah"]),
    ("Desa Digital", "2.13", ["desa", "pelayanan desa"]),
]
PLACES = ["Kecamatan", "Kelurahan", "Desa", "Puskesmas", "Kantor"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 -- reproducible test data, not secrets
    with (REFERENCE / "regencies.csv").open(encoding="utf-8") as handle:
        regencies = [row["code"] for row in csv.DictReader(handle)]
    for number in range(args.count):
        title, sector, keywords = rng.choice(SUBJECTS)
        regency = rng.choice(regencies)
        place = f"{rng.choice(PLACES)} {rng.randint(1, 40)}"
        adopters = rng.sample([r for r in regencies if r != regency], rng.choice([0, 0, 1, 2]))
        case = {
            "slug": f"kasus-{number:05d}",
            "title": f"{title} {place}",
            "regency": regency,
            "sector": [sector],
            "year": rng.randint(2014, 2025),
            "summary": f"{title} di {place}: layanan lebih cepat dan dekat dengan warga. "
            * rng.randint(1, 4),
            "problem": f"Warga {place} menempuh jarak jauh untuk {title.lower()}.\n\n"
            "Antrean panjang dan berkas sering tidak lengkap.",
            "solution": f"Petugas menerapkan {title.lower()} dengan jadwal tetap.",
            "impact": f"Waktu layanan turun dari {rng.randint(5, 30)} hari menjadi "
            f"{rng.randint(1, 4)} hari.",
            "keywords": keywords,
            "stage": rng.choice(["uji coba", "penerapan", "dilembagakan"]),
            "sdgs": sorted(rng.sample(range(1, 18), rng.randint(1, 3))),
            "replicated_by": adopters,
        }
        sys.stdout.write(json.dumps(case, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
