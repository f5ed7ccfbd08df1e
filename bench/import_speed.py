"""Time `import_innovations` on N generated cases, on a fresh database.

    make bench                                   # SQLite, 2,000 cases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jipp_bench python bench/import_speed.py

Creates a throw-away database (a temporary SQLite file unless DATABASE_URL is set, in which case
that database is dropped and recreated), migrates it, loads the reference data and the demo
site structure, then imports the cases twice: once into the empty library (all new) and once
more (all updates). Prints wall time and cases per second for each.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    options = parser.parse_args()
    python = sys.executable
    workdir = Path(tempfile.mkdtemp(prefix="jipp-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="jipp.settings.dev", MEDIA_ROOT=str(workdir))
    if "DATABASE_URL" in env:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        engine = "PostgreSQL"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        engine = "SQLite"
    cases = workdir / "cases.jsonl"
    with cases.open("w", encoding="utf-8") as handle:
        run([python, "bench/generate_cases.py", str(options.cases)], env, stdout=handle)
    run([python, "manage.py", "migrate", "-v0"], env)
    run([python, "manage.py", "load_demo_data", "-v0"], env, stdout=subprocess.DEVNULL)
    print(f"import_innovations, {options.cases} generated cases, {engine}")
    for label in ("new cases", "updates"):
        started = time.perf_counter()
        run([python, "manage.py", "import_innovations", str(cases), "-v0"], env)
        elapsed = time.perf_counter() - started
        print(f"  {label:10s} {elapsed:7.1f} s  ({options.cases / elapsed:6.1f} cases/s)")


if __name__ == "__main__":
    main()
