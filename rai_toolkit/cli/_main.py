"""``rai-toolkit``: dispatch to a command module, and turn every failure into one line and a code.

Adding a command
----------------
Write ``rai_toolkit/cli/_<name>.py`` with

* ``DESCRIPTION``: what the command does, shown by ``rai-toolkit NAME --help``;
* ``add_arguments(parser) -> None``: the command's arguments (the blocks of
  :mod:`rai_toolkit.cli._options` for options other commands share);
* ``run(args) -> int``: the handler, returning an exit status;
* optionally ``FLAGS``: ``{library parameter: this command's flag}``, so that
  a rai_toolkit error naming a parameter (its ``argument`` attribute) ends with
  the flag that sets it (:func:`rai_toolkit.cli._options.flags` builds it
  from the shared blocks a command adds),

and register it in :data:`COMMANDS`. Only the module of the command being run
is imported; import pandas and the analysis rooms inside ``run``, never at
module level, so that ``rai-toolkit --version`` and ``--help`` stay instant.
Raise :class:`~rai_toolkit.exceptions.RaiToolkitError` subclasses for bad
input; print through :mod:`rai_toolkit.cli._console`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from types import ModuleType

from rai_toolkit.cli._console import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE_CLOSED,
    one_line,
    print_error,
    warnings_as_lines,
)
from rai_toolkit.cli._parser import Parser, UsageError, add_debug_option, did_you_mean
from rai_toolkit.exceptions import ArgumentError, RaiToolkitError

__all__ = ["COMMANDS", "main"]

PROG = "rai-toolkit"

#: Command name -> (module defining ``add_parser`` and ``run``, one-line summary).
COMMANDS: dict[str, tuple[str, str]] = {
    "datasets": ("rai_toolkit.cli._datasets", "list and inspect the bundled datasets"),
    "analyze": (
        "rai_toolkit.cli._analyze",
        "assess a saved model on a data file and write an HTML report",
    ),
    "demo": (
        "rai_toolkit.cli._demo",
        "train the reference model on bundled UCI Adult and write its report",
    ),
    "dashboard": ("rai_toolkit.cli._dashboard", "serve a saved Responsible AI dashboard folder"),
    "audit": (
        "rai_toolkit.cli._audit",
        "NYC Local Law 144 / EEOC bias audit of selections or scores in a data file",
    ),
    "bundle": (
        "rai_toolkit.cli._bundle",
        "assess a saved model and write the (signed) evidence bundle zip",
    ),
    "keygen": ("rai_toolkit.cli._keygen", "make an Ed25519 key pair for signing bundles"),
    "verify": (
        "rai_toolkit.cli._verify",
        "check an evidence bundle's hashes and signature, naming the first file that differs",
    ),
    "diff": (
        "rai_toolkit.cli._diff",
        "compare two saved fairness reports: what changed, what got significantly worse",
    ),
}

#: Environment variable that, when set to 1/true/yes, shows tracebacks of internal errors.
DEBUG_ENV = "RAI_TOOLKIT_DEBUG"

_EXIT_STATUSES = f"""\
exit status:
  0    success
  1    analyze --fail-on: a named fairness criterion failed (the report was written);
       diff --fail-on-worse: a criterion got significantly worse;
       verify: a file differs, the signature fails or the bundle is unreadable
  {EXIT_ERROR}    usage error, or input refused with a clear message (nothing written)
  {EXIT_INTERNAL}    internal error: a bug to report; --debug shows the traceback
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
  {EXIT_PIPE_CLOSED}  stdout closed early (e.g. piped into `head`)
"""


def _version() -> str:
    """Return the toolkit version: ``rai_toolkit.__version__``, else the installed metadata."""
    import rai_toolkit._version

    version = getattr(rai_toolkit._version, "__version__", None)
    if version is None:  # e.g. a stale editable install that maps rai_toolkit as a namespace
        from importlib.metadata import version as installed_version

        version = installed_version("rai-toolkit")
    return str(version)


def _top_parser() -> Parser:
    width = max(len(name) for name in COMMANDS)
    listing = "\n".join(f"  {name:<{width}}  {summary}" for name, (_, summary) in COMMANDS.items())
    parser = Parser(
        prog=PROG,
        usage=f"{PROG} [-h] [--version] [--debug] COMMAND [ARGS ...]",
        description="Fairness, explanations and Responsible AI reports for tabular models.",
        epilog=(
            f"commands:\n{listing}\n\n`{PROG} COMMAND --help` describes a command.\n\n"
            + _EXIT_STATUSES
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    add_debug_option(parser)
    return parser


def _command_parser(name: str, module: ModuleType) -> Parser:
    parser = Parser(prog=f"{PROG} {name}", description=module.DESCRIPTION, epilog=_EXIT_STATUSES)
    module.add_arguments(parser)
    add_debug_option(parser)
    return parser


def _parse(parser: Parser, argv: Sequence[str]) -> argparse.Namespace | int:
    """Parse, or return the exit status of ``--help`` / ``--version``."""
    try:
        return parser.parse_command_line(argv)
    except SystemExit as exit_:  # --help and --version print, then exit
        code = exit_.code
        return code if isinstance(code, int) else EXIT_OK


def _run(argv: list[str], flags: dict[str, str]) -> int:
    split = next((i for i, token in enumerate(argv) if not token.startswith("-")), len(argv))
    top = _parse(_top_parser(), argv[:split])
    if isinstance(top, int):
        return top
    if split == len(argv):
        raise UsageError(f"no command given; choose one of: {', '.join(COMMANDS)}", prog=PROG)
    name, rest = argv[split], argv[split + 1 :]
    if name not in COMMANDS:
        raise UsageError(
            f"unknown command {name!r}{did_you_mean(name, COMMANDS) or ';'} commands are: "
            f"{', '.join(COMMANDS)}",
            prog=PROG,
        )
    module = importlib.import_module(COMMANDS[name][0])
    args = _parse(_command_parser(name, module), rest)
    if isinstance(args, int):
        return args
    flags.update(getattr(module, "FLAGS", {}))
    with warnings_as_lines():
        return int(module.run(args))


def describe_error(err: BaseException, flags: Mapping[str, str]) -> str:
    """Return the one-line message of a rai_toolkit error, with the flag of its parameter.

    Library messages name function parameters (``n_boot``), never flags; when
    the error says which parameter is at fault (its ``argument`` attribute) and
    this command sets it with a flag, the flag is appended.

    Parameters
    ----------
    err : BaseException
        The error.
    flags : mapping
        ``{library parameter: flag}`` of the running command.

    Returns
    -------
    str
        The message on one line.
    """
    message = one_line(err)
    argument = getattr(err, "argument", None)
    flag = flags.get(argument) if isinstance(argument, str) else None
    if flag and flag not in message:
        message = f"{message} (on the command line: {flag})"
    return message


def _internal_error(err: BaseException) -> str:
    detail = one_line(err)[:300]
    return (
        f"internal error ({type(err).__name__}{': ' + detail if detail else ''}). rai_toolkit "
        f"did not expect this: rerun with --debug (or {DEBUG_ENV}=1) to see the traceback, and "
        f"report it to the rai_toolkit maintainers with the command you ran."
    )


def _debug(argv: Sequence[str]) -> bool:
    options = argv[: argv.index("--")] if "--" in argv else argv
    env = os.environ.get(DEBUG_ENV, "").strip().lower()
    return "--debug" in options or env in ("1", "true", "yes", "on")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rai-toolkit`` command line.

    Parameters
    ----------
    argv : sequence of str or None, default=None
        Arguments without the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 success; 1 ``analyze --fail-on`` criterion failed,
        ``diff --fail-on-worse`` criterion significantly worse, or ``verify``
        found a differing file, a failed signature or an unreadable bundle; 2
        usage error or input refused by rai_toolkit (one ``error:`` line on
        stderr, nothing written); 3 internal error (one ``error: internal
        error ...`` line; ``--debug`` or ``RAI_TOOLKIT_DEBUG=1`` adds the
        traceback); 130 interrupted; 141 stdout closed early (e.g. ``| head``).

    Raises
    ------
    ArgumentError
        If ``argv`` is a string rather than a list of arguments.

    Examples
    --------
    >>> from rai_toolkit.cli import main
    >>> main(["--version"])
    rai-toolkit 0.1.0
    0
    """
    if isinstance(argv, str | bytes):
        raise ArgumentError(
            f"argv must be a list of arguments, e.g. ['datasets', 'list']; received the string "
            f"{argv!r}. Split it first (shlex.split)."
        )
    arguments = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    flags: dict[str, str] = {}
    try:
        status = _run(arguments, flags)
        sys.stdout.flush()  # a closed pipe fails here, inside the try, not at interpreter exit
        return status
    except UsageError as err:
        print_error(f"{err.message} (see `{err.prog} --help`)")
        return EXIT_ERROR
    except RaiToolkitError as err:
        print_error(describe_error(err, flags))
        return EXIT_ERROR
    except KeyboardInterrupt:
        print_error("interrupted; no output of this run was kept.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # stdout piped into e.g. `head`, which closed early
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_PIPE_CLOSED
    except Exception as err:
        if _debug(arguments):
            traceback.print_exc()
        print_error(_internal_error(err))
        return EXIT_INTERNAL
