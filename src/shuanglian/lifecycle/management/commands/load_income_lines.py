from pathlib import Path

from django.core.management.base import BaseCommand

from shuanglian.lifecycle import lines
from shuanglian.lifecycle.services import income_lines_load


class Command(BaseCommand):
    help = (
        "Load the income lines (poverty and monitoring) shipped in lifecycle/data, or a CSV file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=lines.DATA_FILE)

    def handle(self, *args, **options):
        result = income_lines_load(actor=None, path=options["file"])
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )
        for skipped in result.skipped:
            self.stdout.write(f"skipped (province not loaded): {skipped}")
