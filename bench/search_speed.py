"""Latency of the search API at N generated cases, next to Wagtail's own database search.

    make bench                                  # SQLite, 20,000 cases
    python bench/search_speed.py --cases 5000 --repeat 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jipp_bench python bench/search_speed.py

Imports N generated cases (bench/generate_cases.py) with `import_innovations` into a fresh
database, rebuilds the search index, then times GET /api/v2/search/ (with facets) for a fixed
query mix through Django's test client, and `InnovationPage.objects.live().search(q)` (Wagtail
8's database search backend) for a few short queries, each in its own process with a time cap:
at 20,000 cases Wagtail's search takes seconds to minutes per query. With ELASTICSEARCH_URL
set the API answers from Elasticsearch (index prefix SEARCH_INDEX_PREFIX, by default
`jipp-bench-speed`); the report names the engine the API said it used.
"""

import argparse
import os
import resource
import statistics
import subprocess
import time
from collections import Counter

from common import PYTHON, ROOT, fresh_environment, manage, run, setup_django

QUERY_MIX = [
    {"q": "ktp"},
    {"q": "e-KTP keliling"},
    {"q": "disdukcapil"},
    {"q": "mpp"},
    {"q": "layanan"},
    {"q": "pelayanan desa"},
    {"q": "sampah surabaya"},
    {"q": "akta kelahrian"},
    {"q": "birth certificate"},
    {"q": "bagaimana cara mengurangi antrean panjang di puskesmas"},
    {"q": "stunting", "sector": "1.02"},
    {"q": "umkm", "hub": "jawa-timur"},
    {"q": "perizinan", "year": ["2019", "2020"], "stage": "penerapan"},
    {"q": "posyandu balita", "page": "2"},
    {"q": "pengaduan", "sort": "newest"},
    {"q": "", "province": "35"},
    {"q": ""},
]
WAGTAIL_QUERIES = ["ktp", "sampah", "mpp"]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def imported_cases(url: str) -> int:
    """Innovation cases in an existing PostgreSQL database (0 if it has none, or no tables)."""
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM innovations_innovationpage").fetchone()
    except psycopg.Error:
        return 0
    return row[0]


def wagtail_search_time(env, query, cap):
    code = (
        "import time; from innovations.models import InnovationPage as P; "
        f"t = time.perf_counter(); list(P.objects.live().search({query!r})[:10]); "
        "print(time.perf_counter() - t)"
    )
    try:
        done = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", code],
            env=env,
            cwd=str(ROOT),
            capture_output=True,
            text=True,
            timeout=cap + 30,  # + start-up of the process
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    seconds = float(done.stdout.strip().splitlines()[-1])
    return seconds if seconds <= cap else None


def after_a_write(client):
    """The first searches after the index changed (a case re-indexed, as a publish does):
    each process reads the facet table and the common terms' postings again."""
    from innovations.models import InnovationPage
    from search import service

    page_id = InnovationPage.objects.live().order_by("pk").values_list("pk", flat=True).first()
    print("\n  first searches after an index write (one case re-indexed)")
    for params in ({"q": "layanan"}, {"q": "ktp"}, QUERY_MIX[9]):
        service.sync_pages(service.database_engine(), {page_id})
        began = time.perf_counter()
        client.get("/api/v2/search/", params)
        print(f"    {(time.perf_counter() - began) * 1000:7.1f} ms  {params}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each query.")
    parser.add_argument("--wagtail-cap", type=float, default=60, help="Seconds per query.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the imported cases for the next run: the SQLite database in .cache/bench/, "
        "or the PostgreSQL database of DATABASE_URL (not dropped when it holds them).",
    )
    options = parser.parse_args()
    postgresql = "DATABASE_URL" in os.environ
    cached = ROOT / ".cache" / "bench" / f"search-{options.cases}.sqlite3"
    if options.reuse and not postgresql:
        cached.parent.mkdir(parents=True, exist_ok=True)
    env, workdir, database = fresh_environment(
        prefix="jipp-search-bench-",
        sqlite_path=cached if options.reuse and not postgresql else None,
        keep_postgresql=options.reuse,
    )
    env.setdefault("SEARCH_INDEX_PREFIX", "jipp-bench-speed")  # not the dev index
    if postgresql:
        reuse = options.reuse and imported_cases(env["DATABASE_URL"]) >= options.cases
    else:
        reuse = options.reuse and cached.exists() and cached.stat().st_size > 0
    print(f"search at {options.cases:,} generated cases (+34 demo cases), {database}")
    if not reuse:
        if not postgresql:
            cached.unlink(missing_ok=True)
        cases = workdir / "cases.jsonl"
        with cases.open("w", encoding="utf-8") as handle:
            run([PYTHON, "bench/generate_cases.py", str(options.cases)], env, stdout=handle)
        manage(env, "migrate", "-v0")
        manage(env, "load_demo_data", "-v0", stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        manage(env, "import_innovations", str(cases), "-v0", stdout=subprocess.DEVNULL)
        print(f"  import (with index sync)   {time.perf_counter() - started:7.1f} s")
    else:
        manage(env, "migrate", "-v0")
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "manage.py", "search_index", "--rebuild", "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    print(f"  search_index --rebuild     {time.perf_counter() - started:7.1f} s")
    if done.returncode:  # Elasticsearch unreachable, say: the API answers from the database
        print(f"    {done.stderr.strip().splitlines()[-1]}")

    setup_django(env)
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    timings = []
    per_query = []
    answered_by = Counter()  # the engine each API response names (it may fall back)
    notices = set()
    for params in QUERY_MIX:
        began = time.perf_counter()
        response = client.get("/api/v2/search/", params)  # warm-up, and a sanity check
        first = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{params}: HTTP {response.status_code} {response.content[:300]!r}")
        body = response.json()
        answered_by[body["engine"]] += 1
        if body.get("notice"):
            notices.add(body["notice"])
        total = body["total"]
        samples = []
        for _ in range(options.repeat):
            began = time.perf_counter()
            timed = client.get("/api/v2/search/", params)
            samples.append((time.perf_counter() - began) * 1000)
            answered_by[timed.json()["engine"]] += 1
        timings += samples
        per_query.append((params, total, statistics.median(samples), max(samples), first))
    engines = ", ".join(
        f"{name} engine" if count == sum(answered_by.values()) else f"{name} engine: {count}"
        for name, count in sorted(answered_by.items())
    )
    print(f"\n  /api/v2/search/ ({engines}), {len(timings)} requests")
    for notice in sorted(notices):
        print(f"    notice: {notice}")
    for share in (0.5, 0.95, 0.99):
        print(f"    p{round(share * 100)}  {percentile(timings, share):7.1f} ms")
    print("    (per query: median and max of the timed runs; first: the untimed first run, the")
    print("    very first one reading the index's facet table into this process)")
    for params, total, median, worst, first in per_query:
        print(
            f"    {median:7.1f} ms median {worst:7.1f} ms max {first:7.1f} ms first"
            f"  {total:6d} hits  {params}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"    peak memory of this process: {peak:.0f} MB")
    after_a_write(client)

    print(f"\n  Wagtail's database search, first 10 results, cap {options.wagtail_cap:.0f} s")
    for query in WAGTAIL_QUERIES:
        seconds = wagtail_search_time(env, query, options.wagtail_cap)
        shown = f"{seconds * 1000:9.1f} ms" if seconds is not None else "  over the cap"
        print(f"    {shown}  {query!r}")


if __name__ == "__main__":
    main()
