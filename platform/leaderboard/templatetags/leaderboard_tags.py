from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def percent(value):
    return f"{round(float(value) * 100)}%" if value is not None else ""


@register.filter
def humanize_method(value):
    return str(value or "").replace("_", " ")
