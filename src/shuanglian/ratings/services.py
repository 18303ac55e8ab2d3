"""Writes of the star ratings: the list of stars (administrators), one household's rating and a
village's whole sheet (officers of the village). Everything is checked before the first row is
written, so a refusal leaves nothing behind.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import require_write, user_scope
from shuanglian.core.audit import audit, diff, snapshot
from shuanglian.core.errors import Conflict, Forbidden, InvalidInput
from shuanglian.core.models import AuditAction
from shuanglian.households.models import Household
from shuanglian.ratings.models import (
    DEFAULT_STARS,
    YEAR_MAX,
    YEAR_MIN,
    Star,
    StarAward,
    StarRating,
)
from shuanglian.regions.models import Level, Region

STARS_ADMIN_ONLY = _("Only administrators change the list of stars.")
STAR_NAME_REQUIRED = _("The name of the star is required.")
STAR_NAME_TAKEN = _("There is already a star named {name}.")
STAR_DEACTIVATED = _("{name} is used by ratings: it was taken out of use instead of deleted.")
YEAR_INVALID = _("{value} is not a year between 2000 and 2100.")
DECIDED_ON_REQUIRED = _("The date of the decision is required.")
DECIDED_ON_FUTURE = _("The date of the decision cannot be in the future.")
DECIDED_BEFORE_YEAR = _("A rating for {year} cannot be decided before {year}.")
STAR_UNKNOWN = _("{star} is not a star in use.")
NOT_A_VILLAGE = _("{name} is not a village: ratings are decided by villages.")
SHEET_HOUSEHOLD_UNKNOWN = _("Row {row}: household {id} is not in {village}.")
SHEET_STAR_UNKNOWN = _("Row {row} ({household}): {star} is not a star in use.")
SHEET_NOTE_TOO_LONG = _("Row {row} ({household}): the note is longer than {max} characters.")
NOTE_MAX = 300

RATING_FIELDS = ("household", "year", "decided_on", "note")


def today() -> dt.date:
    return timezone.localdate()


# Stars --------------------------------------------------------------------------------------


def require_star_admin(user) -> None:
    if not user_scope(user).everything:
        raise Forbidden(STARS_ADMIN_ONLY)


def _star_name(name: str, *, star: Star | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(STAR_NAME_REQUIRED, field="name")
    taken = Star.objects.filter(name=name)
    if star is not None:
        taken = taken.exclude(pk=star.pk)
    if taken.exists():
        raise Conflict(STAR_NAME_TAKEN.format(name=name), field="name")
    return name


@transaction.atomic
def star_create(*, actor, name: str, order: int | None = None) -> Star:
    require_star_admin(actor)
    name = _star_name(name)
    if order is None:
        order = (Star.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    star = Star.objects.create(name=name, order=order, active=True)
    audit(
        actor=actor,
        action=AuditAction.CREATE,
        obj=star,
        changes=diff({}, snapshot(star, ("name", "order", "active"))),
        region_code="",
    )
    return star


@transaction.atomic
def star_update(*, actor, star: Star, name: str, order: int, active: bool) -> Star:
    require_star_admin(actor)
    fields = ("name", "order", "active")
    before = snapshot(star, fields)
    star.name, star.order, star.active = _star_name(name, star=star), order, bool(active)
    star.save()
    if changes := diff(before, snapshot(star, fields)):
        audit(actor=actor, action=AuditAction.UPDATE, obj=star, changes=changes, region_code="")
    return star


@transaction.atomic
def star_remove(*, actor, star: Star) -> bool:
    """Delete an unused star; a star that ratings use is taken out of use instead (returns
    False then), so that past ratings keep it."""
    require_star_admin(actor)
    if StarAward.objects.filter(star=star).exists():
        if star.active:
            star.active = False
            star.save(update_fields=["active", "updated_at"])
            audit(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=star,
                changes={"active": [True, False]},
                region_code="",
            )
        return False
    audit(
        actor=actor,
        action=AuditAction.END,
        obj=star,
        changes={"name": [star.name, None]},
        region_code="",
    )
    star.delete()
    return True


def star_defaults_ensure(*, actor) -> list[Star]:
    """The default stars, created when the list is empty (a fresh or flushed database)."""
    if not Star.objects.exists():
        for order, name in enumerate(DEFAULT_STARS, start=1):
            star_create(actor=actor, name=name, order=order)
    return list(Star.objects.filter(active=True))


# Ratings ------------------------------------------------------------------------------------


def parse_year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(YEAR_INVALID.format(value=value), field="year") from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise InvalidInput(YEAR_INVALID.format(value=value), field="year")
    return year


def _decided_on(value: dt.date | None, year: int) -> dt.date:
    if value is None:
        raise InvalidInput(DECIDED_ON_REQUIRED, field="decided_on")
    if value > today():
        raise InvalidInput(DECIDED_ON_FUTURE, field="decided_on")
    if value.year < year:
        raise InvalidInput(DECIDED_BEFORE_YEAR.format(year=year), field="decided_on")
    return value


def _village(village: Region) -> Region:
    if village.level != Level.VILLAGE:
        raise InvalidInput(NOT_A_VILLAGE.format(name=village.name), field="village")
    return village


def _allowed_stars(existing: StarRating | None) -> dict[int, Star]:
    """Stars in use, and the ones the rating already has (a star taken out of use stays on the
    ratings that have it)."""
    stars = {star.pk: star for star in Star.objects.filter(active=True)}
    if existing is not None:
        stars.update({award.star_id: award.star for award in existing.awards.all()})
    return stars


def _star_ids(values: Iterable, allowed: dict[int, Star], error) -> list[int]:
    ids = []
    for value in values:
        try:
            star_id = int(value)
        except (TypeError, ValueError):
            star_id = None
        if star_id not in allowed:
            raise error(value)
        ids.append(star_id)
    return sorted(set(ids), key=lambda pk: (allowed[pk].order, pk))


def _names(star_ids: Sequence[int], stars: dict[int, Star]) -> list[str]:
    return [stars[pk].name for pk in star_ids]


def _write(actor, household, year, star_ids, decided_on, note, existing, stars) -> StarRating:
    """Create or change the rating; one audit row when anything changed."""
    old_ids = (
        sorted((a.star_id for a in existing.awards.all()), key=lambda pk: (stars[pk].order, pk))
        if existing
        else []
    )
    if existing is None:
        rating = StarRating.objects.create(
            household=household, year=year, decided_on=decided_on, note=note, recorded_by=actor
        )
        StarAward.objects.bulk_create([StarAward(rating=rating, star_id=pk) for pk in star_ids])
        changes = diff({}, snapshot(rating, RATING_FIELDS))
        changes["stars"] = [None, _names(star_ids, stars)]
        audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=rating,
            changes=changes,
            region_code=household.village_id,
        )
        return rating
    before = snapshot(existing, RATING_FIELDS)
    existing.decided_on, existing.note = decided_on, note
    changes = diff(before, snapshot(existing, RATING_FIELDS))
    if set(old_ids) != set(star_ids):
        changes["stars"] = [_names(old_ids, stars), _names(star_ids, stars)]
    if not changes:
        return existing
    existing.recorded_by = actor
    existing.save()
    StarAward.objects.filter(rating=existing).exclude(star_id__in=star_ids).delete()
    StarAward.objects.bulk_create(
        [StarAward(rating=existing, star_id=pk) for pk in star_ids if pk not in old_ids]
    )
    audit(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=existing,
        changes=changes,
        region_code=household.village_id,
    )
    return existing


def _existing(households, year: int) -> dict[int, StarRating]:
    ratings = StarRating.objects.filter(household__in=households, year=year).prefetch_related(
        "awards__star"
    )
    return {rating.household_id: rating for rating in ratings}


@transaction.atomic
def star_rating_save(
    *,
    actor,
    household: Household,
    year,
    stars: Iterable,
    decided_on: dt.date | None,
    note: str = "",
) -> StarRating:
    """Record or change a household's rating for a year (one per household and year).

    `household` was fetched through a scoped selector; writing needs the village's registry.
    """
    require_write(actor, household.village_id)
    year = parse_year(year)
    decided_on = _decided_on(decided_on, year)
    note = (note or "").strip()
    existing = _existing([household], year).get(household.pk)
    allowed = _allowed_stars(existing)
    star_ids = _star_ids(
        stars,
        allowed,
        lambda value: InvalidInput(STAR_UNKNOWN.format(star=value), field="stars"),
    )
    return _write(actor, household, year, star_ids, decided_on, note, existing, allowed)


@dataclass
class SheetRow:
    """One household's line of a village's rating sheet."""

    household_id: int
    stars: list = field(default_factory=list)
    note: str = ""


@dataclass
class SheetResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@transaction.atomic
def village_ratings_save(
    *,
    actor,
    village: Region,
    year,
    decided_on: dt.date | None,
    rows: Sequence[SheetRow],
) -> SheetResult:
    """Save a village's sheet in one go: a rating for every household with a star ticked or a
    rating already, one audit row per rating that changed. A bad row refuses the whole sheet
    with a message naming the row and its household."""
    require_write(actor, village.code)
    _village(village)
    year = parse_year(year)
    decided_on = _decided_on(decided_on, year)
    households = {h.pk: h for h in Household.objects.filter(village=village)}
    existing = _existing(list(households.values()), year)
    stars_in_use = _allowed_stars(None)
    planned = []
    result = SheetResult()
    for number, row in enumerate(rows, start=1):
        household = households.get(row.household_id)
        if household is None:
            raise InvalidInput(
                SHEET_HOUSEHOLD_UNKNOWN.format(
                    row=number, id=row.household_id, village=village.short_name
                ),
                field="sheet",
            )
        label = f"{household.number} {household.head_name}"
        current = existing.get(household.pk)
        allowed = {**stars_in_use, **_allowed_stars(current)} if current else stars_in_use
        star_ids = _star_ids(
            row.stars,
            allowed,
            lambda value, number=number, label=label: InvalidInput(
                SHEET_STAR_UNKNOWN.format(row=number, household=label, star=value), field="sheet"
            ),
        )
        note = (row.note or "").strip()
        if len(note) > NOTE_MAX:
            raise InvalidInput(
                SHEET_NOTE_TOO_LONG.format(row=number, household=label, max=NOTE_MAX),
                field="sheet",
            )
        if current is None and not star_ids:
            continue
        if current is not None and _same(current, star_ids, note):
            # The sheet's date applies to the ratings it changes, not to every line on it.
            result.unchanged += 1
            continue
        planned.append((household, star_ids, note, current, allowed))
    for household, star_ids, note, current, allowed in planned:
        _write(actor, household, year, star_ids, decided_on, note, current, allowed)
        if current is None:
            result.created += 1
        else:
            result.changed += 1
    return result


def _same(rating: StarRating, star_ids: Sequence[int], note: str) -> bool:
    return {a.star_id for a in rating.awards.all()} == set(star_ids) and rating.note == note
