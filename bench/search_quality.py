"""nDCG@10 of the search on judged queries, per query kind, per judgment file and engine.

    make bench                       # part of the benchmarks
    python bench/search_quality.py [--judgments FILE ...] [--show-misses]

Builds a fresh database with the demo library (34 cases), rebuilds the index and asks each
available engine (the database engine; Elasticsearch too when ELASTICSEARCH_URL is set, under
the index prefix SEARCH_INDEX_PREFIX, by default `jipp-bench-quality`) every judged query.
Gains are graded 2^grade - 1; unjudged cases count as not relevant. An Elasticsearch that
cannot be reached or built is reported as unavailable and the other engines still run.

Judgment files are JSON Lines of {"query", "kind", "relevant": {slug: grade}, "note"}. By
default bench/search_judgments.jsonl, and bench/search_judgments_holdout.jsonl when it exists
(queries written apart from the tuning of the analysis: the honest score). For each file the
queries scoring below 0.5 are listed with their top 5, so weak spots show.
"""

import argparse
import json
import math
import os
import subprocess
from collections import defaultdict
from pathlib import Path

from common import PYTHON, ROOT, fresh_environment, manage, setup_django

BENCH = Path(__file__).resolve().parent
DEFAULT_JUDGMENTS = [BENCH / "search_judgments.jsonl", BENCH / "search_judgments_holdout.jsonl"]
K = 10
WEAK = 0.5  # queries below this are listed
MISS = 0.85  # --show-misses lists queries below this


def dcg(grades):
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:K]))


def ndcg(ranked_slugs, relevant: dict) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(slug, 0) for slug in ranked_slugs]) / ideal if ideal else 0.0


def read_judgments(path: Path) -> list[dict]:
    judged = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            raise SystemExit(f"{path}: line {number}: not JSON ({error})") from None
        missing = {"query", "kind", "relevant"} - set(item)
        if missing:
            raise SystemExit(f"{path}: line {number}: missing {', '.join(sorted(missing))}")
        judged.append(item)
    return judged


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def rebuild(env, engine: str) -> str | None:
    """Rebuild one engine's index; None, or why it failed."""
    done = subprocess.run(
        [PYTHON, "manage.py", "search_index", "--rebuild", "--no-progress", "--engine", engine],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def score_engine(engine, judged):
    """{kind: [scores]} and [(score, item, top slugs)] for one file; raises EngineUnavailable."""
    from search.query import SearchQuery

    by_kind, scored = defaultdict(list), []
    for item in judged:
        results = engine.search(SearchQuery(text=item["query"], page_size=K))
        slugs = [hit.slug for hit in results.results]
        score = ndcg(slugs, item["relevant"])
        by_kind[item["kind"]].append(score)
        scored.append((score, item, slugs))
    return by_kind, scored


def report(by_kind, scored, show_misses):
    for kind in sorted(by_kind):
        scores = by_kind[kind]
        print(f"      {kind:12s} {sum(scores) / len(scores):.3f}  ({len(scores)} queries)")
    every = [score for scores in by_kind.values() for score in scores]
    print(f"      {'all':12s} {sum(every) / len(every):.3f}  ({len(every)} queries)")
    threshold = MISS if show_misses else WEAK
    weak = sorted((s for s in scored if s[0] < threshold), key=lambda s: s[0])
    if weak:
        print(f"      below {threshold}:")
    for score, item, slugs in weak:
        print(f"        {score:.2f} [{item['kind']}] {item['query']!r}: top {slugs[:5]}")
        print(f"             judged {item['relevant']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--judgments",
        action="append",
        type=Path,
        metavar="FILE",
        help="A judgment file (repeatable). Default: bench/search_judgments.jsonl and, if it "
        "exists, bench/search_judgments_holdout.jsonl.",
    )
    parser.add_argument(
        "--show-misses", action="store_true", help=f"List the queries below {MISS}, not {WEAK}."
    )
    options = parser.parse_args()
    main_file, holdout = DEFAULT_JUDGMENTS
    paths = options.judgments or [main_file, *([holdout] if holdout.exists() else [])]
    files = [(path, read_judgments(path)) for path in paths]

    env, _workdir, database = fresh_environment(prefix="jipp-quality-")
    env.setdefault("SEARCH_INDEX_PREFIX", "jipp-bench-quality")  # not the dev index
    # The demo site is loaded with the database engine only: an unreachable Elasticsearch
    # would cost a failed write per change. Each engine is then rebuilt on its own.
    database_only = {**env, "ELASTICSEARCH_URL": ""}
    manage(database_only, "migrate", "-v0")
    manage(database_only, "load_demo_data", "-v0", stdout=subprocess.DEVNULL)
    failed = {"database": rebuild(database_only, "database")}
    if failed["database"]:
        raise SystemExit(f"database index not rebuilt: {failed['database']}")
    if env.get("ELASTICSEARCH_URL"):
        failed["elasticsearch"] = rebuild(env, "elasticsearch")
    setup_django(env)

    from search import service

    print(f"nDCG@{K}, demo library, {database}")
    for path, judged in files:
        print(f"  {shown(path)}: {len(judged)} judged queries")
    for name, engine in service.engines().items():
        print(f"\n  engine: {name}")
        if failed.get(name):
            print(f"    unavailable: index not rebuilt: {failed[name]}")
            continue
        for path, judged in files:
            print(f"    {shown(path)}")
            try:
                by_kind, scored = score_engine(engine, judged)
            except service.EngineUnavailable as error:
                print(f"      unavailable: {error}")
                break
            report(by_kind, scored, options.show_misses)
    if not os.environ.get("ELASTICSEARCH_URL"):
        print("\n  (Elasticsearch not measured: set ELASTICSEARCH_URL to include it)")


if __name__ == "__main__":
    main()
