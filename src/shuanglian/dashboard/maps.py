"""County outlines for the map of a city's counties (shipped GeoJSON, see data/extract_counties.py).

Only county outlines exist (township outlines are not published in an open package), so a map is
drawn for a city (its counties) and for a county (its own outline is not drawn: no township
outlines); a region without outlines gets no map.
"""

import json
from functools import cache
from pathlib import Path

from shuanglian.regions.models import Level

DATA = Path(__file__).resolve().parent / "data"


@cache
def _counties(province: str) -> dict[str, dict]:
    path = DATA / f"counties-{province}.geojson"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {feature["properties"]["code"]: feature for feature in data["features"]}


def outlines(region, children) -> dict | None:
    """A FeatureCollection of the children's outlines (a city's counties), or None."""
    if region.level != Level.CITY:
        return None
    counties = _counties(region.code[:2])
    features = [counties[child.code] for child, _figures in children if child.code in counties]
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features}
