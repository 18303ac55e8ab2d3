"""`shuanglian import FILE --kind KIND --user USERNAME [--mode validate|valid|all]
[--errors OUT.xlsx]`: import a registry file as that user, with progress and counts.
KIND: households (the default), units, cadres, village_pairings, household_pairings, incomes."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shuanglian.core.errors import DomainError
from shuanglian.imports.kinds import import_records
from shuanglian.imports.layouts import LAYOUTS, write_error_report
from shuanglian.imports.models import ImportKind, ImportMode
from shuanglian.imports.services import IMPORT_NOTHING_CHANGED

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Import a registry file (.xlsx, .xls, .ods or .csv) of one kind. Importing the same "
        "file again after an interrupted run resumes it."
    )
    # The import touches no URL, template or admin: skipping the checks saves seconds per start.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.HOUSEHOLDS)
        parser.add_argument("--user", required=True, help="the account the import runs as")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.VALID)
        parser.add_argument("--errors", type=Path, help="write the problems to this .xlsx")

    def handle(self, *args, file, kind, user, mode, errors=None, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}")
        started = time.monotonic()
        said_resumed = False

        def progress(job) -> None:
            nonlocal said_resumed
            if job.resumed_from and not said_resumed:
                self.stdout.write(f"resumed from row {job.resumed_from}")
                said_resumed = True
            rate = job.rows_read / max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"  read {job.rows_read:>9,}  checked {job.rows_validated:>9,}  "
                f"written {job.rows_written:>9,}  {rate:>8,.0f} rows/s"
            )

        with translation.override("zh-hans"):
            try:
                result = import_records(
                    kind=kind, actor=actor, path=file, mode=mode, progress=progress
                )
            except DomainError as error:
                raise CommandError(str(error.message)) from None
            job = result.job
            if result.resumed_from and not said_resumed:
                self.stdout.write(f"resumed from row {result.resumed_from}")
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"{job.get_status_display()} in {elapsed:.1f} s "
                f"({job.rows_read / max(elapsed, 1e-6):,.0f} rows/s): {job.message}"
            )
            if kind == ImportKind.HOUSEHOLDS:
                self.stdout.write(
                    f"households: {job.households_created} created, "
                    f"{job.households_updated} updated."
                )
            if mode != ImportMode.VALIDATE and not result.changed and not result.problems:
                self.stdout.write(str(IMPORT_NOTHING_CHANGED))
            for problem in result.problems[:SHOWN_PROBLEMS]:
                self.stdout.write(f"  row {problem.row} [{problem.column}] {problem.message}")
            if len(result.problems) > SHOWN_PROBLEMS:
                self.stdout.write(f"  ... {len(result.problems) - SHOWN_PROBLEMS} more")
            if errors and result.problems:
                write_error_report(result.problems, errors, LAYOUTS[kind])
                self.stdout.write(f"Problems written to {errors}")
