"""Argument parsing that fails with one line: what is wrong, a likely fix, where the help is.

argparse prints a usage block and exits on a bad command line; here every such
problem becomes a :class:`UsageError`, which :func:`rai_toolkit.cli.main`
prints as one ``error:`` line (exit status 2). Unknown options, commands and
choices get a ``did you mean ...?`` from :mod:`difflib`.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

__all__ = [
    "HelpFormatter",
    "Parser",
    "UsageError",
    "add_debug_option",
    "choice",
    "did_you_mean",
    "int_at_least",
    "option_strings",
]


class UsageError(Exception):
    """A malformed command line; ``prog`` names the command whose ``--help`` explains it.

    Parameters
    ----------
    message : str
        What is wrong (and the fix, when one is known).
    prog : str
        The command, e.g. ``"rai-toolkit analyze"``.
    """

    def __init__(self, message: str, *, prog: str) -> None:
        super().__init__(message)
        self.message = message
        self.prog = prog


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest of ``options``, or ``""``.

    Parameters
    ----------
    word : str
        What was typed.
    options : iterable of str
        What would have been valid.

    Returns
    -------
    str
        The suggestion, ready to append to a message.
    """
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def choice(options: Sequence[str], *, what: str) -> Callable[[str], str]:
    """Build an argparse ``type=`` accepting one of ``options``, suggesting the closest otherwise.

    Parameters
    ----------
    options : sequence of str
        Valid values.
    what : str
        What a value is (``"action"``), used in the message.

    Returns
    -------
    callable
        ``str -> str``, raising :class:`argparse.ArgumentTypeError`.
    """

    def parse(value: str) -> str:
        if value not in options:
            hint = did_you_mean(value, options)
            raise argparse.ArgumentTypeError(
                f"unknown {what} {value!r}{hint or ';'} {'C' if hint else 'c'}hoose from: "
                f"{', '.join(options)}"
            )
        return value

    return parse


def int_at_least(minimum: int) -> Callable[[str], int]:
    """Build an argparse ``type=`` for an integer ``>= minimum``.

    Parameters
    ----------
    minimum : int
        Smallest accepted value.

    Returns
    -------
    callable
        ``str -> int``, raising :class:`argparse.ArgumentTypeError`.
    """

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number, received {value!r}"
            ) from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, received {number}")
        return number

    return parse


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every option ``parser`` accepts (``--out``, ``-h``, ...).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser.

    Returns
    -------
    list of str
        Option strings, in the order they were added.
    """
    return [s for action in parser._actions for s in action.option_strings]


def _looks_like_option(token: str) -> bool:
    if not token.startswith("-") or token == "-":
        return False
    try:
        float(token)
    except ValueError:
        return True
    return False  # a negative number is a value


class HelpFormatter(argparse.HelpFormatter):
    """Wrap one-paragraph descriptions; print text that holds line breaks as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text.strip():
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose errors are :class:`UsageError`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Raise :class:`UsageError` instead of printing usage and exiting."""
        raise UsageError(message, prog=self.prog)

    def parse_command_line(self, argv: Sequence[str]) -> argparse.Namespace:
        """Parse ``argv``; unknown options and stray arguments are usage errors.

        Parameters
        ----------
        argv : sequence of str
            The arguments of this command.

        Returns
        -------
        argparse.Namespace
            The parsed arguments.

        Raises
        ------
        UsageError
            For an unknown option (with the closest known one), a missing or
            malformed argument, or an unexpected extra argument.
        """
        known = option_strings(self)
        for token in argv:
            if token == "--":
                break
            name = token.split("=", 1)[0]
            if not _looks_like_option(name) or name in known:
                continue
            if self.allow_abbrev and sum(s.startswith(name) for s in known if s[:2] == "--") == 1:
                continue  # an unambiguous abbreviation of a long option, as argparse allows
            raise UsageError(f"unknown option {name!r}{did_you_mean(name, known)}", prog=self.prog)
        args, extras = self.parse_known_args(list(argv))
        if extras:
            raise UsageError(f"unexpected argument {extras[0]!r}", prog=self.prog)
        return args


def add_debug_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--debug`` (show the traceback of an internal error) unless ``parser`` has it.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    """
    if "--debug" not in option_strings(parser):
        parser.add_argument(
            "--debug",
            action="store_true",
            help="on an internal error, print the traceback (also: RAI_TOOLKIT_DEBUG=1)",
        )
