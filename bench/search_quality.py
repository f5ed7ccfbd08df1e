"""nDCG@10 of the search on the judged queries (bench/search_judgments.jsonl), per query kind.

    make bench                       # part of the benchmarks
    python bench/search_quality.py [--show-misses]

Builds a fresh database with the demo library (34 cases), rebuilds the index and asks each
available engine (the database engine; Elasticsearch too when ELASTICSEARCH_URL is set) every
judged query. Gains are graded 2^grade - 1; unjudged cases count as not relevant.
"""

import argparse
import json
import math
import subprocess
from collections import defaultdict
from pathlib import Path

from common import fresh_environment, manage, setup_django

JUDGMENTS = Path(__file__).resolve().parent / "search_judgments.jsonl"
K = 10


def dcg(grades):
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:K]))


def ndcg(ranked_slugs, relevant: dict) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(slug, 0) for slug in ranked_slugs]) / ideal if ideal else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="List queries below 0.85.")
    options = parser.parse_args()
    env, _workdir, database = fresh_environment(prefix="jipp-quality-")
    manage(env, "migrate", "-v0")
    manage(env, "load_demo_data", "-v0", stdout=subprocess.DEVNULL)
    manage(env, "search_index", "--rebuild", "--no-progress", stdout=subprocess.DEVNULL)
    setup_django(env)

    from search import service
    from search.query import SearchQuery

    judged = [json.loads(line) for line in JUDGMENTS.read_text(encoding="utf-8").splitlines()]
    print(f"nDCG@{K} over {len(judged)} judged queries, demo library, {database}")
    for name, engine in service.engines().items():
        by_kind = defaultdict(list)
        misses = []
        for item in judged:
            results = engine.search(SearchQuery(text=item["query"], page_size=K))
            slugs = [hit.slug for hit in results.results]
            score = ndcg(slugs, item["relevant"])
            by_kind[item["kind"]].append(score)
            if score < 0.85:
                misses.append((score, item["query"], slugs[:3], item["relevant"]))
        print(f"\n  engine: {name}")
        for kind in sorted(by_kind):
            scores = by_kind[kind]
            print(f"    {kind:12s} {sum(scores) / len(scores):.3f}  ({len(scores)} queries)")
        every = [score for scores in by_kind.values() for score in scores]
        print(f"    {'all':12s} {sum(every) / len(every):.3f}  ({len(every)} queries)")
        if options.show_misses:
            for score, query, top, relevant in sorted(misses):
                print(f"      {score:.2f} {query!r}: top {top}; judged {relevant}")


if __name__ == "__main__":
    main()
