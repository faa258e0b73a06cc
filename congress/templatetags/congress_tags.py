"""Template helpers shared by every app."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def accessible_widget(field):
    """Render a bound field's widget tied to its help text and errors for screen readers
    (aria-describedby, aria-invalid), keeping what the user typed."""
    attrs = {}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def progress_bar(percent, label=""):
    """An accessible progress bar without inline styles (CSP-friendly): a native <progress>."""
    try:
        value = max(0, min(100, int(percent or 0)))
    except (TypeError, ValueError):
        value = 0
    return format_html(
        '<progress class="progress-bar" max="100" value="{}" aria-label="{}">{}%</progress>',
        value,
        label,
        value,
    )
