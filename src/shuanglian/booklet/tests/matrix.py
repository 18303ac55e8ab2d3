"""The booklet app's rows of the permission matrix: whoever sees a household reads and downloads
its booklet; revealing its ID numbers needs the reveal permission (administrators here)."""

from shuanglian.core.tests.test_permission_matrix import ADMIN, Route

HOUSEHOLDS = ("household_g", "household_l")

WRITES = {
    ("booklet_reveal", "household_g"): {ADMIN},
    ("booklet_reveal", "household_l"): {ADMIN},
}

B = "/booklet/households/{pk}"
PAGES = {
    "booklet:household": Route(f"{B}/", "read", HOUSEHOLDS),
    "booklet:reveal": Route(f"{B}/reveal/", "booklet_reveal", HOUSEHOLDS, ("get", "post")),
    "booklet:docx": Route(f"{B}/booklet.docx", "read", HOUSEHOLDS),
}


def extend_world(world, admin) -> None:
    """The booklet reads the other apps' records: nothing of its own to add."""
