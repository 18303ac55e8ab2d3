from django import template
from django.utils.html import format_html

from shuanglian.dashboard import selectors
from shuanglian.projects.models import ProjectStatus

register = template.Library()


@register.simple_tag
def card(element_id, label, value, href="", note=""):
    """One figure: its label, its value (a link to the list it counts, when there is one)."""
    shown = (
        format_html('<a class="text-decoration-none" href="{}">{}</a>', href, value)
        if href
        else value
    )
    return format_html(
        '<div class="col"><div class="card h-100"><div class="card-body py-2">'
        '<div class="small text-body-secondary">{}</div>'
        '<div class="fs-4 fw-semibold" id="{}">{}</div>{}</div></div></div>',
        label,
        element_id,
        shown,
        format_html('<div class="small text-body-secondary">{}</div>', note) if note else "",
    )


@register.simple_tag
def project_statuses():
    return ProjectStatus.choices


@register.inclusion_tag("dashboard/_cadre_figures.html", takes_context=True)
def cadre_figures(context, cadre):
    """The cadre's own figures on their home page (only ever for the cadre's own account)."""
    request = context.get("request")
    if cadre is None or request is None or cadre.user_id != request.user.pk:
        return {"f": None}
    return {"f": selectors.cadre_figures(cadre)}
