from shuanglian.units import services
from shuanglian.units.models import UnitKind, UnitLevel


def unit(*, actor, name="县委宣传部", region="620522000000", kind=UnitKind.PARTY_GOVERNMENT, **kw):
    return services.unit_create(
        actor=actor,
        name=name,
        kind=kind,
        level=kw.pop("level", UnitLevel.COUNTY),
        home_region_code=region,
        **kw,
    )


def cadre(*, actor, unit, name="孙旺奎", **kw):
    return services.cadre_create(actor=actor, unit=unit, name=name, **kw)
