"""`shuanglian alerts_refresh [--kind KIND ...]`: open and close alerts, with progress."""

import time

from django.core.management.base import BaseCommand

from shuanglian.alerts.services import alerts_refresh
from shuanglian.alerts.sources import SOURCES


class Command(BaseCommand):
    help = "Bring the alerts up to date: open new ones, close those whose condition ended."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=sorted(SOURCES), dest="kinds")

    def handle(self, *args, kinds=None, **options):
        started = time.monotonic()
        wanted = kinds or list(SOURCES)
        done = 0

        def progress(kind: str, opened: int, closed: int) -> None:
            nonlocal done
            done += 1
            self.stdout.write(
                f"[{done}/{len(wanted)}] {kind}: {opened} opened, {closed} closed "
                f"({time.monotonic() - started:.1f} s)"
            )

        run = alerts_refresh(kinds=wanted, progress=progress)
        opened = sum(item["opened"] for item in run.counts.values())
        closed = sum(item["closed"] for item in run.counts.values())
        self.stdout.write(f"Done: {opened} opened, {closed} closed.")
