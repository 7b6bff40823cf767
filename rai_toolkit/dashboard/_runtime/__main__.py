"""``python -m rai_toolkit.dashboard._runtime``: build the dashboard runtime now.

``make setup`` runs this so that development and the test suite find the runtime ready.
``--force`` rebuilds it; ``--lock`` regenerates requirements.lock from requirements.in
(maintainers). Prints the runtime's Python on success; exits 2 with one error line if the
runtime cannot be built.
"""

from __future__ import annotations

import argparse
import sys

from rai_toolkit.dashboard._runtime._environment import build_runtime, compile_lock
from rai_toolkit.exceptions import RaiToolkitError


def main(argv: list[str] | None = None) -> int:
    """Build the runtime (or the lock) and print where it is; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m rai_toolkit.dashboard._runtime",
        description="Build the isolated Responsible AI dashboard runtime (Python 3.11).",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if it exists")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--lock", action="store_true", help="regenerate requirements.lock with uv and exit"
    )
    parser.add_argument(
        "--upgrade", action="store_true", help="with --lock: allow newer versions"
    )
    args = parser.parse_args(argv)
    try:
        if args.lock:
            print(compile_lock(upgrade=args.upgrade))
            return 0
        print(build_runtime(force=args.force, progress=not args.quiet))
    except RaiToolkitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
