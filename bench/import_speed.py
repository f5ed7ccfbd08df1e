"""Time `import_innovations` on N generated cases, on a fresh database.

    make bench                                   # SQLite, 2,000 cases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jipp_bench python bench/import_speed.py

Creates a throw-away database (a temporary SQLite file unless DATABASE_URL is set, in which case
that database is dropped and recreated), migrates it, loads the reference data and the demo
site structure, then imports the cases twice: once into the empty library (all new) and once
more (all updates). Prints wall time and cases per second for each.
"""

import argparse
import subprocess
import time

from common import PYTHON, fresh_environment, manage, run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    options = parser.parse_args()
    env, workdir, engine = fresh_environment()
    cases = workdir / "cases.jsonl"
    with cases.open("w", encoding="utf-8") as handle:
        run([PYTHON, "bench/generate_cases.py", str(options.cases)], env, stdout=handle)
    manage(env, "migrate", "-v0")
    manage(env, "load_demo_data", "-v0", stdout=subprocess.DEVNULL)
    print(f"import_innovations, {options.cases} generated cases, {engine}")
    for label in ("new cases", "updates"):
        started = time.perf_counter()
        manage(env, "import_innovations", str(cases), "-v0")
        elapsed = time.perf_counter() - started
        print(f"  {label:10s} {elapsed:7.1f} s  ({options.cases / elapsed:6.1f} cases/s)")


if __name__ == "__main__":
    main()
