"""Shared set-up of the benchmarks: a throw-away database, and management commands on it."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def manage(env, *args, **kwargs):
    return run([PYTHON, "manage.py", *args], env, **kwargs)


def fresh_environment(prefix="jipp-bench-", sqlite_path=None, keep_postgresql=False):
    """Environment variables for a new, empty database; returns (env, workdir, engine name).

    SQLite by default (a file in a temporary folder, or `sqlite_path`); with DATABASE_URL set,
    that PostgreSQL database is dropped and recreated, unless `keep_postgresql` and it exists.
    """
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="jipp.settings.dev", MEDIA_ROOT=str(workdir))
    if "DATABASE_URL" in env:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not (keep_postgresql and exists):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}"')
        return env, workdir, "PostgreSQL"
    path = Path(sqlite_path) if sqlite_path else workdir / "bench.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{path}"
    return env, workdir, "SQLite"


def setup_django(env):
    """Use the benchmark's database in this process too."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
