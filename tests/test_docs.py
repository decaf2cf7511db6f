"""The README documents every setting, every role and every page (Datasette's habit).

Issue 8, defect 6: three variables the code read were in no README table
(``GRIDMAP_STATIC_DIR``, ``GRIDMAP_STATIC_URL``, ``GRIDMAP_LIVE_TRIM``). Each test
fails with the list of what is missing, so a new setting, role or page is documented
when it is added.
"""

from __future__ import annotations

import re
from pathlib import Path

from gridmap.access import PERMISSIONS
from gridmap.domain import Role
from gridmap.settings import Settings, variables

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The README's ``## title`` section (up to the next ``## ``)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def _table_first_cells(text: str) -> str:
    """The first cells of every table row in ``text``, joined (where a table names its subject)."""
    return "\n".join(line.split("|")[1] for line in text.splitlines() if line.startswith("|") and "|" in line[1:])


def test_every_setting_is_in_the_configuration_table() -> None:
    documented = _table_first_cells(_section("Configuration"))
    missing = [name for name in variables() if f"`{name}`" not in documented]
    assert not missing, ("settings read by gridmap.settings.Settings but not in the README's Configuration "
                         f"table: {', '.join(missing)}")


def test_the_settings_list_is_complete() -> None:
    """Sanity: the fields name their variables, and there are the ones the issue counted."""
    assert {"GRIDMAP_STATIC_DIR", "GRIDMAP_STATIC_URL", "GRIDMAP_LIVE_TRIM"} <= set(variables())
    assert Settings().session_idle_minutes == 30


def test_every_role_is_in_the_roles_table() -> None:
    documented = _table_first_cells(_section("Sign-in, roles and jurisdiction"))
    roles = {role.value for role in Role} | {str(role) for role in PERMISSIONS}
    missing = sorted(role for role in roles if f"`{role}`" not in documented)
    assert not missing, f"roles missing from the README's roles table: {', '.join(missing)}"


def test_every_page_is_listed() -> None:
    pages = sorted(path.name for path in (REPO / "pages").glob("*.py") if not path.name.startswith("_"))
    assert pages, "pages/ has pages"
    missing = [name for name in pages if f"`pages/{name}`" not in README]
    assert not missing, f"pages missing from the README: {', '.join(missing)}"
