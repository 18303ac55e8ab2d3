"""`shuanglian serve`: the production server — gunicorn, with WhiteNoise serving static files,
and the background task worker (django-tasks-db's `db_worker`: imports run there) beside it.

It does not migrate: schema changes are a deliberate step (`shuanglian migrate`) in production.
"""

import os
import subprocess
import sys

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
        parser.add_argument(
            "--no-tasks",
            action="store_false",
            dest="tasks",
            help="do not start the background task worker (run `shuanglian db_worker` elsewhere)",
        )

    def handle(self, *args, host, port, workers, timeout, tasks=True, **options):
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
        worker = start_task_worker() if tasks else None
        try:
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
        finally:
            if worker is not None:
                stop_task_worker(worker)


def start_task_worker() -> subprocess.Popen:
    """The task worker as a child process: its own interpreter, not a fork of gunicorn's
    arbiter, so neither shares the other's database connections or signal handlers."""
    return subprocess.Popen([sys.executable, "-m", "shuanglian.manage", "db_worker", "--no-reload"])


def stop_task_worker(worker: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM lets the worker finish its current task's step and exit; after `grace` seconds
    it is killed (the chunks an import committed stay: importing the same file again resumes
    after them)."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
