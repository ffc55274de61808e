"""How the scoring pages write their figures: rates with %, changes with arrows."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()
DASH = "—"


@register.filter
def rate(value) -> str:
    """75.00 → "75.00%"; no figure → "—"."""
    return DASH if value is None else f"{Decimal(value)}%"


@register.filter
def figure(value) -> str:
    return DASH if value is None else str(value)


@register.filter
def change(value):
    """Against the previous period: ↑ 2.50 (green), ↓ 1.20 (red), = 0, or —."""
    if value is None:
        return DASH
    value = Decimal(value)
    if value > 0:
        return format_html('<span class="up" title="{}">↑ {}</span>', _("较上期上升"), value)
    if value < 0:
        return format_html('<span class="down" title="{}">↓ {}</span>', _("较上期下降"), -value)
    return format_html('<span class="muted">{}</span>', "= 0")
