import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuanglian.dashboard import rollups
from shuanglian.regions.models import Region


class Command(BaseCommand):
    help = "Rebuild the dashboard rollups from the base tables (all, or one region's subtree)."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="a region code (2 to 12 digits): only its subtree")
        parser.add_argument(
            "--background", action="store_true", help="queue it for the task worker instead"
        )

    def handle(self, *args, region=None, background=False, **options):
        if region:
            region = region.strip()
            if not (region.isdigit() and 2 <= len(region) <= 12):
                raise CommandError(_("{value} is not a region code.").format(value=region))
            if not Region.objects.filter(code=region.ljust(12, "0")).exists():
                raise CommandError(_("No region with code {code}.").format(code=region))
        if background:
            from shuanglian.dashboard.tasks import rollups_rebuild

            result = rollups_rebuild.enqueue(region=region)
            self.stdout.write(_("Queued as task {id}.").format(id=result.id))
            return
        started = time.perf_counter()

        def progress(chunk: str, done: int, total: int) -> None:
            self.stdout.write(f"{done}/{total} {chunk}", ending="\r" if done < total else "\n")
            self.stdout.flush()

        rows = rollups.rebuild(region=region, progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(
            _("Rollups rebuilt: {rows} village rows in {seconds:.1f} s.").format(
                rows=rows, seconds=seconds
            )
        )
