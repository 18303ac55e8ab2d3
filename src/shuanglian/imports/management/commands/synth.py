"""`shuanglian synth --households N [--province 62] [--region PREFIX] --out DIR [--seed S]
[--format csv|xlsx|both] [--no-incomes]`: write synthetic household registry files."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shuanglian.imports.synth import DEFAULT_SEED, write_synth

FORMATS = {"csv": ("csv",), "xlsx": ("xlsx",), "both": ("csv", "xlsx")}


class Command(BaseCommand):
    help = (
        "Write realistic household import files (valid ID numbers, plausible names and incomes, "
        "the real village codes of the shipped region file), deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--province", default="62", help="two-digit province code")
        parser.add_argument(
            "--region", default="", help="only villages whose code starts with this prefix"
        )
        parser.add_argument("--out", type=Path, required=True, help="directory to write into")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("--no-incomes", action="store_true", help="do not write incomes.csv")

    def handle(self, *args, households, province, region, out, seed, format, **options):
        if households < 1:
            raise CommandError("--households must be at least 1")
        if region and not region.startswith(province):
            raise CommandError(f"--region {region} is not inside province {province}")
        started = time.monotonic()

        def progress(done: int, members: int) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            share = done / households
            eta = elapsed / share - elapsed if share else 0
            self.stdout.write(
                f"  {done:>10,} households  {members:>11,} members  "
                f"{done / elapsed:>8,.0f} households/s  {share:>6.1%}  ETA {eta:,.0f} s"
            )

        try:
            result = write_synth(
                households=households,
                out=out,
                province=province,
                region=region,
                seed=seed,
                formats=FORMATS[format],
                incomes=not options["no_incomes"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        files = [p for p in (result.csv, *result.xlsx, result.incomes) if p]
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.households:,} households ({result.members:,} members) in "
                f"{time.monotonic() - started:.1f} s: " + ", ".join(str(p) for p in files)
            )
        )
