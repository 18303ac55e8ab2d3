"""Writes to member units and their cadres."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shuanglian.core.access import require_unit_write, require_write
from shuanglian.core.audit import audit_create, audit_update, snapshot
from shuanglian.core.errors import Conflict, InvalidInput
from shuanglian.core.personal import apply_id_number, apply_phone, seal_id_number, seal_phone
from shuanglian.dashboard import rollups
from shuanglian.regions.selectors import region_for_input
from shuanglian.units.models import Cadre, CadreRank, Unit, UnitKind, UnitLevel
from shuanglian.units.selectors import UNIT_KIND_INVALID, UNIT_LEVEL_INVALID, visible_cadres

UNIT_NAME_REQUIRED = _("The unit needs a name.")
UNIT_DUPLICATE = _("A unit named {name} already exists in {region}.")
CADRE_NAME_REQUIRED = _("The cadre needs a name.")
CADRE_RANK_INVALID = _("{value} is not a rank.")
CADRE_DUPLICATE_ID = _("A cadre with ID number {masked} is already registered: {name} of {unit}.")
CADRE_STILL_PAIRED = _(
    "{cadre} is still the responsible cadre of {count} households: give them another cadre or "
    "end those pairings first."
)
CADRE_DUPLICATE_ID_ELSEWHERE = _(
    "A cadre with ID number {masked} is already registered in a unit outside your area."
)

UNIT_FIELDS = ("name", "short_name", "kind", "level", "home_region", "leader_name", "leader_post")
CADRE_FIELDS = (
    "unit",
    "name",
    "position",
    "rank",
    "is_active",
    "phone_index",
    "phone_masked",
    "id_number_index",
    "id_number_masked",
)


def _choice(value: str, choices, message, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(message.format(value=value), field=field)
    return value


def _unit_values(
    actor, *, name, short_name, kind, level, home_region_code, leader_name, leader_post, unit=None
):
    name = (name or "").strip()
    if not name:
        raise InvalidInput(UNIT_NAME_REQUIRED, field="name")
    if unit is not None and (home_region_code or "").strip() == unit.home_region_id:
        # Staying where it is: a unit administrator edits the unit without seeing its region.
        region = unit.home_region
    else:
        region = region_for_input(user=actor, code=home_region_code, field="home_region")
        require_write(actor, region.code)
    return {
        "name": name,
        "short_name": (short_name or "").strip(),
        "kind": _choice(kind, UnitKind, UNIT_KIND_INVALID, "kind"),
        "level": _choice(level, UnitLevel, UNIT_LEVEL_INVALID, "level"),
        "home_region": region,
        "leader_name": (leader_name or "").strip(),
        "leader_post": (leader_post or "").strip(),
    }


def _save_unit(unit: Unit) -> None:
    duplicate = Unit.objects.filter(name=unit.name, home_region=unit.home_region).exclude(
        pk=unit.pk
    )
    if duplicate.exists():
        raise Conflict(UNIT_DUPLICATE.format(name=unit.name, region=unit.home_region), field="name")
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict(
            UNIT_DUPLICATE.format(name=unit.name, region=unit.home_region), field="name"
        ) from None


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    kind: str,
    level: str,
    home_region_code: str,
    short_name: str = "",
    leader_name: str = "",
    leader_post: str = "",
) -> Unit:
    values = _unit_values(
        actor,
        name=name,
        short_name=short_name,
        kind=kind,
        level=level,
        home_region_code=home_region_code,
        leader_name=leader_name,
        leader_post=leader_post,
    )
    unit = Unit(**values)
    _save_unit(unit)
    audit_create(actor=actor, obj=unit, fields=UNIT_FIELDS)
    return unit


@transaction.atomic
def unit_update(
    *,
    actor,
    unit: Unit,
    name: str,
    kind: str,
    level: str,
    home_region_code: str,
    short_name: str = "",
    leader_name: str = "",
    leader_post: str = "",
) -> Unit:
    require_unit_write(actor, unit)
    values = _unit_values(
        actor,
        name=name,
        short_name=short_name,
        kind=kind,
        level=level,
        home_region_code=home_region_code,
        leader_name=leader_name,
        leader_post=leader_post,
        unit=unit,
    )
    before = snapshot(unit, UNIT_FIELDS)
    for key, value in values.items():
        setattr(unit, key, value)
    _save_unit(unit)
    audit_update(actor=actor, obj=unit, before=before, fields=UNIT_FIELDS)
    return unit


def _check_cadre_id(actor, sealed, *, exclude_pk=None) -> None:
    other = (
        Cadre.objects.select_related("unit")
        .filter(id_number_index=sealed.index)
        .exclude(pk=exclude_pk)
        .first()
    )
    if other is None:
        return
    # Who holds the number is only said to someone who may see that cadre anyway.
    if visible_cadres(actor).filter(pk=other.pk).exists():
        message = CADRE_DUPLICATE_ID.format(masked=sealed.masked, name=other.name, unit=other.unit)
    else:
        message = CADRE_DUPLICATE_ID_ELSEWHERE.format(masked=sealed.masked)
    raise Conflict(message, field="id_number")


def _cadre_values(*, name, position, rank):
    name = (name or "").strip()
    if not name:
        raise InvalidInput(CADRE_NAME_REQUIRED, field="name")
    if rank:
        _choice(rank, CadreRank, CADRE_RANK_INVALID, "rank")
    return {"name": name, "position": (position or "").strip(), "rank": rank or ""}


@transaction.atomic
def cadre_create(
    *,
    actor,
    unit: Unit,
    name: str,
    position: str = "",
    rank: str = "",
    phone: str = "",
    id_number: str = "",
) -> Cadre:
    require_unit_write(actor, unit)
    cadre = Cadre(unit=unit, **_cadre_values(name=name, position=position, rank=rank))
    apply_phone(cadre, seal_phone(phone) if phone.strip() else None)
    if id_number.strip():
        _, sealed = seal_id_number(id_number)
        _check_cadre_id(actor, sealed)
        apply_id_number(cadre, sealed)
    cadre.save()
    audit_create(actor=actor, obj=cadre, fields=CADRE_FIELDS)
    rollups.refresh(cadres=[cadre.pk])
    return cadre


_UNCHANGED = object()


@transaction.atomic
def cadre_update(
    *,
    actor,
    cadre: Cadre,
    name: str,
    position: str = "",
    rank: str = "",
    is_active: bool = True,
    phone=_UNCHANGED,
    id_number=_UNCHANGED,
) -> Cadre:
    """Update a cadre. Phone and ID number change only when given ("" clears them)."""
    require_unit_write(actor, cadre.unit)
    before = snapshot(cadre, CADRE_FIELDS)
    for key, value in _cadre_values(name=name, position=position, rank=rank).items():
        setattr(cadre, key, value)
    if cadre.is_active and not is_active:
        # A household must not keep an inactive responsible cadre: hand it over first.
        paired = cadre.household_pairings.filter(end_date__isnull=True).count()
        if paired:
            raise Conflict(CADRE_STILL_PAIRED.format(cadre=cadre, count=paired), field="is_active")
    cadre.is_active = is_active
    if phone is not _UNCHANGED:
        apply_phone(cadre, seal_phone(phone) if phone.strip() else None)
    if id_number is not _UNCHANGED:
        sealed = None
        if id_number.strip():
            _, sealed = seal_id_number(id_number)
            _check_cadre_id(actor, sealed, exclude_pk=cadre.pk)
        apply_id_number(cadre, sealed)
    cadre.save()
    audit_update(actor=actor, obj=cadre, before=before, fields=CADRE_FIELDS)
    rollups.refresh(cadres=[cadre.pk])
    return cadre
