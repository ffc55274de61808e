"""A case's state badges, drawn in Python: a list draws them fifty times a page."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from civicgrid.cases.models import Pending, State

register = template.Library()


@register.simple_tag
def case_state(case) -> str:
    """The state, then 超期 when the view marked the case late, then the pending request."""
    # State(…).label, not get_state_display(): Django rebuilds the choices on every call.
    html = format_html(
        '<span class="badge state state-{}">{}</span>', case.state, _label(State, case.state)
    )
    if getattr(case, "late", False):
        html += format_html(' <span class="badge badge-bad">{}</span>', _("超期"))
    if case.pending:
        label = _label(Pending, case.pending)
        html += format_html(' <span class="badge badge-warn">{}</span>', label)
    return mark_safe(html)


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:  # a value the code no longer knows: shown as stored
        return value
