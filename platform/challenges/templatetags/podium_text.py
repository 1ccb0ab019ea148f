"""Markdown for challenge texts, sanitised (organizers write it; participants read it)."""

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(name="markdown")
def render_markdown(text: str) -> str:
    html = md.markdown(text or "", extensions=["tables", "fenced_code"])
    return mark_safe(nh3.clean(html))
