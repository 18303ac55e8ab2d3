"""Typed helpers that read settings from the environment, each with a working default."""

import base64
import os
import secrets
import sys
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str, path: Path, make) -> str:
    """The value of `name`, or one kept in `path`, created on first use.

    A fresh machine must work without configuration (the embedded default), so a missing secret is
    generated once into var/ and reused; production sets the variable instead.
    """
    value = os.environ.get(name)
    if value:
        return value
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value + "\n")
    path.chmod(0o600)
    print(
        f"shuanglian: {name} is not set; generated a local one in {path}. "
        "Set it in the environment for production.",
        file=sys.stderr,
    )
    return value


def new_field_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)
