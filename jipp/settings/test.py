"""Test settings: fast hashing, in-memory mail, media in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY

SECRET_KEY = _SECRET_KEY or "django-insecure-jipp-test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="jipp-test-media-")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
# The suite runs on the database engine; tests/search/test_elasticsearch_live.py switches to
# the cluster named by ELASTICSEARCH_URL, when it is set, with an index prefix of its own.
ELASTICSEARCH_TEST_URL = ELASTICSEARCH_URL  # noqa: F405
ELASTICSEARCH_URL = ""
SEARCH_INDEX_PREFIX = "jipp-test"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not SQLite's shared in-memory database: that one locks whole tables and
    # answers "database table is locked" to concurrent writers instead of letting them wait,
    # so the concurrency tests (event registrations) could not run on it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="jipp-test-db-")) / "test.sqlite3")
    }
