"""The Chinese catalogues are complete, compiled, and agree with each other.

Django merges every app's catalogue into one: the same English text translated two ways in two
apps would silently show one app's wording in the other, so such pairs fail here.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?'
    r'(msgstr(?:\[0\])? (?:".*"\n?)+)',
    re.M,
)


def entries(path: Path) -> dict[tuple[str, str], str]:
    text = path.read_text(encoding="utf-8")
    found = {}
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        match = ENTRY.search(block + "\n")
        if not match:
            continue

        def join(part):
            return "".join(re.findall(r'"(.*)"', part or ""))

        msgid = join(match.group(2))
        if msgid:
            found[(join(match.group(1)), msgid)] = join(match.group(3).split(" ", 1)[1])
    return found


def test_every_app_with_text_has_a_catalogue():
    apps = {path.parts[-5] for path in CATALOGUES}
    assert {"core", "accounts"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_not_fuzzy(path):
    text = path.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    untranslated = [msgid for (_, msgid), msgstr in entries(path).items() if not msgstr]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_catalogue_matches_its_source(path, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(path)], check=True)
    with open(fresh, "rb") as new, open(path.with_suffix(".mo"), "rb") as committed:
        assert gettext.GNUTranslations(new)._catalog == gettext.GNUTranslations(committed)._catalog


def test_apps_agree_on_shared_texts():
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    clashes = []
    for path in CATALOGUES:
        app = path.parts[-5]
        for key, msgstr in entries(path).items():
            if key in seen and seen[key][1] != msgstr:
                clashes.append((key[1], seen[key], (app, msgstr)))
            seen.setdefault(key, (app, msgstr))
    assert clashes == []
