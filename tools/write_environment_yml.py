"""Write environment.yml from requirements/dev.lock so conda users get the same pins.

Run through ``make lock``. The conda file takes Python :data:`PYTHON` from conda and
every other package, pinned exactly as in the lock, from PyPI through pip;
``tests/test_environment.py`` checks that the two files agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "dev.lock"
#: Python of the development environment (the dev lock is resolved for 3.12 and newer).
PYTHON = "3.13"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def read_lock(path: Path) -> list[tuple[str, str]]:
    """Return (name, version) pairs pinned in a pip-compile/uv style lock file."""
    pins = []
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins.append((match.group(1).lower(), match.group(2)))
    return pins


def render(pins: list[tuple[str, str]]) -> str:
    """Render environment.yml text for ``pins``."""
    lines = [
        "# Generated from requirements/dev.lock by tools/write_environment_yml.py (make lock).",
        "# Do not edit by hand: change pyproject.toml, then run `make lock`.",
        "name: rai-toolkit",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON}",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {name}=={version}" for name, version in pins]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write environment.yml at the project root from the dev lock."""
    pins = read_lock(LOCK)
    if not pins:
        print(f"{LOCK} has no pins", file=sys.stderr)
        return 1
    (ROOT / "environment.yml").write_text(render(pins))
    print(f"environment.yml: {len(pins)} pinned packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
