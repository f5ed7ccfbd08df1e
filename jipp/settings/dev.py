"""Local development: DEBUG on, a fixed development-only secret unless one is given."""

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY

DEBUG = True
SECRET_KEY = _SECRET_KEY or "django-insecure-jipp-development-only-key"
