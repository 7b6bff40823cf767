"""``rai-toolkit dashboard PATH``: serve a saved insights folder until Ctrl-C.

``rai_toolkit.cli`` adds :func:`add_dashboard_arguments` and calls :func:`run_dashboard`.
"""

from __future__ import annotations

import argparse
import sys
import warnings

__all__ = ["DESCRIPTION", "add_dashboard_arguments", "add_dashboard_parser", "run_dashboard"]


#: What ``rai-toolkit dashboard --help`` says the command does.
DESCRIPTION = (
    "Serve a folder written by rai_toolkit.save_insights as the Responsible AI "
    "dashboard, until Ctrl-C. The model is loaded here (skops) and answers the "
    "dashboard's predictions; the dashboard itself runs in rai_toolkit's isolated "
    "runtime. It binds to 127.0.0.1 unless --host and --allow-remote are given; the "
    "dashboard has no authentication."
)


def add_dashboard_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of the ``dashboard`` command to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's parser; its default ``handler`` becomes ``"dashboard"``.
    """
    parser.add_argument("path", metavar="PATH", help="folder written by save_insights")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (no authentication: anyone reaching it sees the data)",
    )
    parser.add_argument(
        "--trust",
        nargs="+",
        metavar="TYPE",
        default=None,
        help="extra types to trust in the folder's model.skops (review them first)",
    )
    parser.set_defaults(handler="dashboard", parser=parser)


def add_dashboard_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``dashboard`` subcommand to ``subparsers``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``parser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser (its default ``handler`` is ``"dashboard"``).
    """
    parser = subparsers.add_parser(
        "dashboard", help="serve a saved Responsible AI dashboard folder", description=DESCRIPTION
    )
    add_dashboard_arguments(parser)
    return parser


def run_dashboard(args: argparse.Namespace) -> int:
    """Launch the dashboard for ``args.path`` and block until interrupted.

    The folder's model is loaded here (skops) and answers the dashboard's predictions;
    the dashboard runs in the isolated runtime.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``path``, ``host``, ``port``, ``allow_remote`` and ``trust``.

    Returns
    -------
    int
        Exit status 0.

    Raises
    ------
    UnsafeModelError
        The model holds types not trusted by default (the message names ``--trust``).
    RaiToolkitError
        The folder cannot be opened or served, or the runtime died while serving.
    """
    from rai_toolkit.dashboard._server import launch_dashboard
    from rai_toolkit.exceptions import SecurityWarning, UnsafeModelError

    options = {"host": args.host, "port": args.port, "allow_remote": args.allow_remote}
    trusted = getattr(args, "trust", None)
    if trusted:
        options["trusted"] = list(trusted)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SecurityWarning)
        try:
            url = launch_dashboard(args.path, **options)
        except UnsafeModelError as err:
            refused = list(getattr(err, "untrusted_types", []))
            raise UnsafeModelError(
                f"The model of {args.path!r} holds {len(refused)} type(s) that are not "
                f"trusted by default: {', '.join(refused)}. Review them; if you trust them, "
                f"add --trust {' '.join(refused)}"
            ) from err
    for w in caught:
        if issubclass(w.category, SecurityWarning):
            print(f"WARNING: {w.message}", file=sys.stderr)
    print(f"Responsible AI dashboard: {url}  (Ctrl-C to stop)", flush=True)
    try:
        url.wait()
    except KeyboardInterrupt:
        print("Stopping the dashboard.", file=sys.stderr)
    finally:
        url.stop()  # raises DashboardError if the runtime had died on its own
    return 0
