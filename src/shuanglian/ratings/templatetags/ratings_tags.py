"""The household page's panel of star ratings:
`{% load ratings_tags %}{% ratings_panel household %}`.
"""

from django import template
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from shuanglian.core.access import can_write
from shuanglian.ratings.selectors import household_ratings

register = template.Library()


@register.inclusion_tag("ratings/panel.html", takes_context=True)
def ratings_panel(context, household):
    user = context["request"].user
    ratings = household_ratings(user=user, household=household)
    # The booklet is another app: linked only when it is installed.
    booklet = apps.is_installed("shuanglian.booklet")
    this_year = timezone.localdate().year
    return {
        "household": household,
        "ratings": ratings,
        "year": this_year,
        # The village's page of the household's latest rating, else of this year.
        "village_year": ratings[0].year if ratings else this_year,
        "can_rate": can_write(user, household.village_id),
        "booklet_url": reverse("booklet:household", args=[household.pk]) if booklet else None,
    }
