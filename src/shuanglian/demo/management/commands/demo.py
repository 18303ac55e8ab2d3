"""`shuanglian demo`: build the Guojia town demo (idempotently), then serve it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from shuanglian.core.errors import DomainError
from shuanglian.demo.services import (
    DEFAULT_HOUSEHOLDS_PER_VILLAGE,
    DEFAULT_PASSWORD,
    ScenarioMismatch,
    demo_build,
)


class Command(BaseCommand):
    help = (
        "Build the Guojia town (郭嘉镇, 秦安县) demo: Gansu regions, 22 units and their cadres "
        "paired with villages, generated households with members and incomes, cadres paired "
        "with poor households, their 2012 plans, measures, visits, deeds and projects, the "
        "推进会 of 2012-08-14 with every unit's report draft, and the admin login. Running it "
        "again adds only what is missing. Then serve it like `shuanglian serve` unless --no-serve."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="build only, do not serve")
        parser.add_argument(
            "--households-per-village",
            type=int,
            default=DEFAULT_HOUSEHOLDS_PER_VILLAGE,
            help=f"households in each village of 郭嘉镇 (default {DEFAULT_HOUSEHOLDS_PER_VILLAGE})",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="password of the demo accounts when they are created (default %(default)s)",
        )
        parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
        parser.add_argument("--port", type=int, default=8000, help="port to serve on")

    def handle(self, *args, **options):
        per_village = options["households_per_village"]
        if not 1 <= per_village <= 9999:
            raise CommandError("--households-per-village must be between 1 and 9999")
        self.stdout.write(self.style.MIGRATE_HEADING("Building the Guojia town demo (郭嘉镇)"))
        try:
            result = demo_build(
                households_per_village=per_village,
                password=options["password"],
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except (DomainError, ScenarioMismatch) as error:
            raise CommandError(f"The demo could not be built: {error}") from None

        if result.created_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built in {result.seconds:.1f} s: {result.units_created} units, "
                    f"{result.cadres_created} cadres, {result.village_pairings_created} village "
                    f"pairings, {result.households_created} households with "
                    f"{result.members_created} members, {result.household_pairings_created} "
                    "household pairings created."
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"2012 work: {result.projects_created} projects with "
                    f"{result.fundings_created} funding entries, {result.village_plans_created} "
                    f"village plans, {result.household_plans_created} household plans with "
                    f"{result.measures_created} measures, {result.visits_created} visits "
                    f"({result.follow_ups_created} follow-ups), {result.deeds_created} deeds, "
                    f"{result.meetings_created} meeting with {result.reports_created} report "
                    f"drafts and {result.decisions_created} decisions created."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The demo was already complete; nothing was created ({result.seconds:.1f} s)."
                )
            )
        self._print_login(result, options)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def _print_login(self, result, options) -> None:
        url = f"http://{options['host']}:{options['port']}/"
        password = options["password"] if result.admin_password_ok else "(unchanged)"
        lines = [
            "",
            "=" * 64,
            f"  Shuanglian demo: {url}"
            + ("  (start it with: shuanglian serve)" if options["no_serve"] else ""),
            f"  User: admin        Password: {password}",
            "  Same password: qinan (秦安县 officer), guojia (郭嘉镇 officer), longcheng (陇城镇",
            "  officer), xuanchuan (县委宣传部 unit administrator), cadre (a 县委宣传部 cadre),",
            "  viewer (秦安县, read-only)",
            "=" * 64,
        ]
        for line in lines:
            self.stdout.write(self.style.SUCCESS(line) if line.startswith("  ") else line)
        if not result.admin_password_ok:
            self.stdout.write(
                self.style.WARNING(
                    "The admin account already existed with another password; it was kept. "
                    "Change it with: shuanglian changepassword admin"
                )
            )
