"""``rai-toolkit dashboard PATH``: serve a saved insights folder until Ctrl-C.

The command's logic is :func:`serve_saved_insights` (load, launch, report, wait, stop) so
that the one CLI package can call it as it is.
"""

from __future__ import annotations

import argparse
import sys
import warnings

__all__ = ["add_dashboard_parser", "run_dashboard", "serve_saved_insights"]


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
        "dashboard",
        help="serve a saved Responsible AI dashboard folder",
        description=(
            "Serve a folder written by rai_toolkit.save_insights as the Responsible AI "
            "dashboard, until Ctrl-C. The model is loaded here (skops) and answers the "
            "dashboard's predictions; the dashboard itself runs in rai_toolkit's isolated "
            "runtime. It binds to 127.0.0.1 unless --host and --allow-remote are given; the "
            "dashboard has no authentication."
        ),
    )
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
    return parser


def run_dashboard(args: argparse.Namespace) -> int:
    """Launch the dashboard for ``args.path`` and block until interrupted.

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
    RaiToolkitError
        The folder cannot be opened or served (the CLI prints one ``error:`` line).
    """
    return serve_saved_insights(
        args.path,
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        trusted=getattr(args, "trust", None),
    )


def serve_saved_insights(
    path: str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    allow_remote: bool = False,
    trusted: list[str] | None = None,
) -> int:
    """Load a saved folder, serve it, print its URL and block until Ctrl-C; return 0.

    Parameters
    ----------
    path : str
        Folder written by ``save_insights``.
    host, port, allow_remote
        As for :func:`~rai_toolkit.dashboard.launch_dashboard`.
    trusted : list of str, optional
        Types of ``model.skops`` to trust beyond skops' defaults.

    Returns
    -------
    int
        Exit status 0.

    Raises
    ------
    UnsafeModelError
        The model holds types not trusted by default (the message names ``--trust``).
    RaiToolkitError
        The folder cannot be opened or served.
    """
    from rai_toolkit.dashboard._persistence import load_insights
    from rai_toolkit.dashboard._server import launch_dashboard
    from rai_toolkit.exceptions import SecurityWarning, UnsafeModelError

    try:
        insights = load_insights(path, trusted=trusted)
    except UnsafeModelError as err:
        refused = list(getattr(err, "untrusted_types", []))
        raise UnsafeModelError(
            f"The model of {path!r} holds {len(refused)} type(s) that are not trusted by "
            f"default: {', '.join(refused)}. Review them; if you trust them, add "
            f"--trust {' '.join(refused)}"
        ) from err
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SecurityWarning)
        url = launch_dashboard(insights, host=host, port=port, allow_remote=allow_remote)
    for w in caught:
        if issubclass(w.category, SecurityWarning):
            print(f"warning: {w.message}", file=sys.stderr)
    print(f"Responsible AI dashboard: {url}  (Ctrl-C to stop)", flush=True)
    try:
        url.wait()
    except KeyboardInterrupt:
        print("Stopping the dashboard.", file=sys.stderr)
    finally:
        url.stop()  # raises DashboardError if the runtime had died on its own
    return 0
