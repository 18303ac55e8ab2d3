"""Pages of the star ratings: a village's sheet for a year, its summary and honour list, one
household's rating, and the list of stars. Thin: the selectors scope, the services decide.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shuanglian.core.access import can_write, require_write
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.forms import submit
from shuanglian.households.selectors import household_get
from shuanglian.ratings import selectors, services
from shuanglian.ratings.forms import (
    RatingForm,
    SheetForm,
    StarForm,
    StarUpdateForm,
    VillageFindForm,
)
from shuanglian.ratings.models import YEAR_MAX, YEAR_MIN
from shuanglian.regions.models import Level
from shuanglian.regions.selectors import region_get, region_search

SHEET_SAVED = _("The ratings of {year} were saved: {created} new, {changed} changed.")
RATING_SAVED = _("The rating of {year} was saved.")
STAR_ADDED = _("{name} was added to the stars.")
STAR_SAVED = _("{name} was saved.")
STAR_DELETED = _("{name} was deleted.")
MIN_NOT_A_NUMBER = _("{value} is not a number of stars.")


def _village(request, code):
    return selectors.require_village(region_get(user=request.user, code=code))


def _year(year: int) -> int:
    # A year out of range in the address is an address that does not exist.
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise NotFound(services.YEAR_INVALID.format(value=year), field="year")
    return year


@login_required
def index(request):
    """Find a village by name or code; one match goes straight to its summary."""
    form = VillageFindForm(request.GET or None)
    year = timezone.localdate().year
    villages = []
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        found = region_search(user=request.user, q=form.cleaned_data["q"])
        villages = [r for r in found if r.level == Level.VILLAGE]
        if len(villages) == 1:
            return redirect("ratings:village_summary", code=villages[0].code, year=year)
    return render(
        request,
        "ratings/index.html",
        {"form": form, "villages": villages, "year": year, "searched": bool(request.GET.get("q"))},
    )


def _sheet_page(request, village, year, *, form, posted=None, status=200):
    lines = selectors.village_sheet(user=request.user, village=village, year=year)
    if posted is not None:
        # After a refusal the grid shows what the user ticked, not what is stored.
        for line in lines:
            line.star_ids = posted.get(line.household.pk, (set(), ""))[0]
            line.posted_note = posted.get(line.household.pk, (set(), ""))[1]
    context = {
        "village": village,
        "year": year,
        "lines": lines,
        "stars": selectors.stars_in_use(),
        "form": form,
        "can_write": can_write(request.user, village.code),
        "note_max": services.NOTE_MAX,
    }
    return render(request, "ratings/sheet.html", context, status=status)


@login_required
def village_sheet(request, code, year):
    village = _village(request, code)
    year = _year(year)
    form = SheetForm(initial={"decided_on": timezone.localdate()})
    return _sheet_page(request, village, year, form=form)


def _posted_rows(post) -> tuple[list[services.SheetRow], dict]:
    rows, posted = [], {}
    for value in post.getlist("household"):
        household_id = int(value) if value.isdigit() else -1
        stars = post.getlist(f"stars_{value}")
        note = post.get(f"note_{value}", "")
        rows.append(services.SheetRow(household_id=household_id, stars=stars, note=note))
        posted[household_id] = ({int(s) for s in stars if s.isdigit()}, note)
    return rows, posted


@login_required
@require_POST
def village_sheet_save(request, code, year):
    village = _village(request, code)
    year = _year(year)
    require_write(request.user, village.code)
    form = SheetForm(request.POST)
    rows, posted = _posted_rows(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.village_ratings_save(
            actor=request.user,
            village=village,
            year=year,
            decided_on=data["decided_on"],
            rows=rows,
        ),
    )
    if outcome.saved:
        result = outcome.value
        messages.success(
            request,
            SHEET_SAVED.format(year=year, created=result.created, changed=result.changed),
        )
        return redirect("ratings:village_summary", code=village.code, year=year)
    return _sheet_page(request, village, year, form=form, posted=posted, status=outcome.status)


@login_required
def village_summary(request, code, year):
    village = _village(request, code)
    year = _year(year)
    summary = selectors.village_summary(user=request.user, village=village, year=year)
    context = {
        "village": village,
        "year": year,
        "summary": summary,
        "can_write": can_write(request.user, village.code),
    }
    return render(request, "ratings/summary.html", context)


@login_required
def honour_list(request, code, year):
    village = _village(request, code)
    year = _year(year)
    raw = request.GET.get("min", "").strip()
    min_stars, error, honours = None, None, []
    try:
        if raw and not raw.isdigit():
            raise InvalidInput(MIN_NOT_A_NUMBER.format(value=raw), field="min")
        min_stars = int(raw) if raw else None
        honours = selectors.honour_list(
            user=request.user, village=village, year=year, min_stars=min_stars
        )
    except InvalidInput as err:
        error = err.message
    context = {
        "village": village,
        "year": year,
        "honours": honours,
        "min_stars": min_stars,
        "stars": selectors.stars_in_use(),
        "error": error,
    }
    return render(request, "ratings/honour.html", context, status=400 if error else 200)


@login_required
def household_rating(request, pk, year):
    household = household_get(user=request.user, pk=pk)
    year = _year(year)
    require_write(request.user, household.village_id)
    current = next(
        (
            r
            for r in selectors.household_ratings(user=request.user, household=household)
            if r.year == year
        ),
        None,
    )
    stars = selectors.stars_in_use()
    if current is not None:
        stars += [a.star for a in current.awards.all() if not a.star.active]
    initial = {"decided_on": timezone.localdate()}
    if current is not None:
        initial = {
            "decided_on": current.decided_on,
            "note": current.note,
            "stars": [str(a.star_id) for a in current.awards.all()],
        }
    form = RatingForm(request.POST or None, initial=initial, stars=stars)
    outcome = submit(
        request,
        form,
        lambda data: services.star_rating_save(
            actor=request.user,
            household=household,
            year=year,
            stars=data["stars"],
            decided_on=data["decided_on"],
            note=data["note"],
        ),
    )
    if outcome.saved:
        messages.success(request, RATING_SAVED.format(year=year))
        return redirect(reverse("households:detail", args=[household.pk]) + "#star-ratings")
    context = {
        "form": form,
        "household": household,
        "year": year,
        "title": _("Star rating of {name} for {year}").format(name=household.head_name, year=year),
        "cancel_url": reverse("households:detail", args=[household.pk]),
    }
    return render(request, "ratings/rating_form.html", context, status=outcome.status)


# The list of stars (administrators) -----------------------------------------------------------


@login_required
def stars(request):
    services.require_star_admin(request.user)
    form = StarForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.star_create(
            actor=request.user, name=data["name"], order=data["order"]
        ),
    )
    if outcome.saved:
        messages.success(request, STAR_ADDED.format(name=outcome.value.name))
        return redirect("ratings:stars")
    return render(
        request,
        "ratings/stars.html",
        {"form": form, "stars": selectors.stars_all()},
        status=outcome.status,
    )


@login_required
def star_update(request, pk):
    services.require_star_admin(request.user)
    star = selectors.star_get(pk=pk)
    form = StarUpdateForm(
        request.POST or None,
        initial={"name": star.name, "order": star.order, "active": star.active},
    )
    outcome = submit(
        request,
        form,
        lambda data: services.star_update(
            actor=request.user,
            star=star,
            name=data["name"],
            order=data["order"],
            active=data["active"],
        ),
    )
    if outcome.saved:
        messages.success(request, STAR_SAVED.format(name=star.name))
        return redirect("ratings:stars")
    context = {
        "form": form,
        "title": _("Edit star {name}").format(name=star.name),
        "cancel_url": reverse("ratings:stars"),
    }
    return render(request, "ratings/form.html", context, status=outcome.status)


@login_required
@require_POST
def star_remove(request, pk):
    services.require_star_admin(request.user)
    star = selectors.star_get(pk=pk)
    name = star.name
    if services.star_remove(actor=request.user, star=star):
        messages.success(request, STAR_DELETED.format(name=name))
    else:
        messages.warning(request, services.STAR_DEACTIVATED.format(name=name))
    return redirect("ratings:stars")
