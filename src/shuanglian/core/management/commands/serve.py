"""`shuanglian serve`: the production server — gunicorn, with WhiteNoise serving static files.

It does not migrate: schema changes are a deliberate step (`shuanglian migrate`) in production.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    # gunicorn's usual rule of thumb, capped: a registry app is I/O bound on its database.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


class ShuanglianServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from shuanglian.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Shuanglian with gunicorn (collects static files first; does not migrate)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("SHUANGLIAN_WORKERS", 0)) or default_workers(),
            help="worker processes (default: 2 × cores + 1, at most 8; env SHUANGLIAN_WORKERS)",
        )
        parser.add_argument(
            "--timeout", type=int, default=120, help="seconds before a stuck worker is restarted"
        )

    def handle(self, *args, host, port, workers, timeout, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)
        # Workers are forked: a connection opened here (by the demo, say) must not be shared.
        connections.close_all()
        if host not in ("127.0.0.1", "localhost", "::1") and settings.ALLOWED_HOSTS == [
            "127.0.0.1",
            "localhost",
            "[::1]",
        ]:
            self.stdout.write(
                self.style.WARNING(
                    "ALLOWED_HOSTS only admits localhost: set ALLOWED_HOSTS to the names "
                    "clients use."
                )
            )
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Serving Shuanglian on http://{bind}/ with {workers} workers (Ctrl-C stops)"
            )
        )
        self.stdout.flush()
        ShuanglianServer(
            {
                "bind": bind,
                "workers": workers,
                "timeout": timeout,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": os.environ.get("LOG_LEVEL", "info").lower(),
                "proc_name": "shuanglian",
            }
        ).run()
