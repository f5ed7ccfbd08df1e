"""Bilingual content helpers.

Content is written in Indonesian; some fields have an optional English twin. When English is
the active language and the twin is filled, readers get the English text; otherwise Indonesian.
"""

from django.utils.translation import get_language


def english_active() -> bool:
    return (get_language() or "id").split("-")[0] == "en"


class TranslatedField:
    """Descriptor that reads `en_field` in English when it is filled, else `id_field`.

    >>> class Sector(models.Model):
    ...     name_id = models.CharField(...)
    ...     name_en = models.CharField(...)
    ...     name = TranslatedField("name_id", "name_en")
    """

    def __init__(self, id_field: str, en_field: str):
        self.id_field = id_field
        self.en_field = en_field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if english_active():
            value = getattr(instance, self.en_field)
            if value:
                return value
        return getattr(instance, self.id_field)
