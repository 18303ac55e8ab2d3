"""`shuanglian template KIND [--out FILE]`: the .xlsx users fill in for an import of KIND."""

from pathlib import Path

from django.core.management.base import BaseCommand

from shuanglian.imports.layouts import LAYOUTS, write_template
from shuanglian.imports.models import ImportKind


class Command(BaseCommand):
    help = "Write the import template of a kind of records (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("--out", type=Path, help="file to write (default: KIND-template.xlsx)")

    def handle(self, *args, kind, out=None, **options):
        path = write_template(out or Path(f"{kind}-template.xlsx"), LAYOUTS[kind])
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
