from django import template

from search import service

register = template.Library()


@register.simple_tag
def similar_cases(page, limit=5):
    """Cases most like `page`, from the search index ("Inovasi serupa")."""
    return service.similar_cases(page, limit)
