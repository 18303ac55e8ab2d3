"""`shuanglian screen --region CODE [--user USERNAME]`: run the risk screening of a region in
this process, printing progress (households, rate, time left) and the counts."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shuanglian.core.errors import DomainError
from shuanglian.monitoring.services import screening_run


class Command(BaseCommand):
    help = (
        "Screen the households of a region for relapse risk and flag them (idempotent: running "
        "it again only updates the reasons of open cases)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code, any level")
        parser.add_argument(
            "--user", help="run as this account, within its scope (default: the whole region)"
        )
        parser.add_argument("--batch", type=int, default=2000, help="households per batch")

    def handle(self, *args, region, user=None, batch=2000, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {user!r}")
        started = time.monotonic()

        def progress(run) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            rate = run.screened / elapsed
            left = (run.total or 0) - run.screened
            eta = f"{left / rate:,.0f} s" if rate and run.total else "—"
            self.stdout.write(
                f"  screened {run.screened:>9,} / {run.total or 0:,}  flagged {run.flagged:>7,}  "
                f"{rate:>8,.0f} households/s  ETA {eta}"
            )

        with translation.override("zh-hans"):
            try:
                run = screening_run(
                    actor=actor, region_code=region, progress=progress, batch_size=batch
                )
            except DomainError as error:
                raise CommandError(str(error.message)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Done in {elapsed:.1f} s: {run.screened:,} households screened, {run.flagged:,} "
            f"flagged, {run.created_cases:,} new cases, {run.updated_cases:,} open cases updated."
        )
