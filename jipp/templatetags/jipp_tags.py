from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """The site's top-level sections: live, public children of the root shown in menus."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return {"home": None, "sections": [], "current": None}
    home = site.root_page.specific
    return {
        "home": home,
        "sections": home.get_children().live().public().in_menu().specific(),
        "current": context.get("page"),
        "request": request,
    }


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the current page in every language.

    Computed while the request's own language is active, so the current path resolves
    correctly; the query string is kept.
    """
    path = context["request"].get_full_path()
    current = get_language()
    return {
        "languages": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    }
