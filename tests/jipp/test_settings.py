"""Settings are read from the environment; each case runs Django in a fresh process."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "-production-secret-for-tests-only-" + "x" * 30,
    "ALLOWED_HOSTS": "jipp.example.go.id",
    "SITE_BASE_URL": "https://jipp.example.go.id",
}


def run_django(settings_module, code, **env):
    """Run `code` after django.setup() with only the given deploy variables set."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "ELASTICSEARCH_URL",
            "MEDIA_ROOT",
            "SITE_BASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(settings_module, names, **env):
    code = (
        "import json\nfrom django.conf import settings\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = run_django(settings_module, code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_secret_key():
    result = run_django("jipp.settings.production", "print('started')")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    env = dict(PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = run_django(
        "jipp.settings.production",
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')",
        **env,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


def test_defaults_are_an_embedded_site():
    values = read_settings(
        "jipp.settings.dev",
        ["DATABASES", "CACHES", "EMAIL_BACKEND", "ELASTICSEARCH_URL", "LANGUAGE_CODE"],
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"].endswith("db.sqlite3")
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["ELASTICSEARCH_URL"] == ""
    assert values["LANGUAGE_CODE"] == "id"


def test_deploy_values_come_from_the_environment(tmp_path):
    values = read_settings(
        "jipp.settings.production",
        [
            "DATABASES",
            "CACHES",
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_USE_TLS",
            "ELASTICSEARCH_URL",
            "MEDIA_ROOT",
            "ALLOWED_HOSTS",
            "WAGTAILADMIN_BASE_URL",
            "TIME_ZONE",
            "USE_TZ",
        ],
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://jipp:secret@db.internal:5433/jipp",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.go.id:587",
        ELASTICSEARCH_URL="https://es.internal:9200",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "jipp")
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
        "KEY_PREFIX": "jipp",
    }
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("smtp.example.go.id", 587)
    assert values["EMAIL_USE_TLS"] is True
    assert values["ELASTICSEARCH_URL"] == "https://es.internal:9200"
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")
    assert values["ALLOWED_HOSTS"] == ["jipp.example.go.id"]
    assert values["WAGTAILADMIN_BASE_URL"] == "https://jipp.example.go.id"
    assert values["TIME_ZONE"] == "Asia/Jakarta"
    assert values["USE_TZ"] is True


def _redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_redis_url_gives_a_working_cache():
    result = run_django(
        "jipp.settings.dev",
        "from django.core.cache import cache\n"
        "cache.set('jipp-settings-test', 'tersimpan', 30)\n"
        "print(cache.get('jipp-settings-test'))\n"
        "cache.delete('jipp-settings-test')",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tersimpan"
