from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JippConfig(AppConfig):
    name = "jipp"
    verbose_name = _("Situs JIPP")
