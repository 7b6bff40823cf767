"""The shared option blocks: every flag a command maps a parameter to is one it accepts."""

from __future__ import annotations

import importlib

import pytest

from rai_toolkit.cli._main import COMMANDS, _command_parser
from rai_toolkit.cli._options import AUDIT, MODEL_INPUT, STANDARDS, flags
from rai_toolkit.cli._parser import option_strings


@pytest.mark.parametrize("name", list(COMMANDS))
def test_flags_name_options_of_the_command(name):
    module = importlib.import_module(COMMANDS[name][0])
    accepted = set(option_strings(_command_parser(name, module)))
    mapped = {flag for flag in getattr(module, "FLAGS", {}).values() if flag.startswith("--")}
    assert mapped <= accepted, mapped - accepted


def test_flags_come_from_the_declarations():
    assert flags(MODEL_INPUT, out="--out") == {
        "model_file": "--model", "allow_pickle": "--trust-pickle", "trusted": "--trust",
        "out": "--out",
    }  # fmt: skip
    audit = flags(AUDIT)
    assert audit["categories"] == "--category" and audit["exclusion_justification"] == (
        "--justification"
    )


def test_standards_are_the_audit_rooms():
    from rai_toolkit.audit._result import STANDARDS as AUDIT_STANDARDS

    assert STANDARDS == AUDIT_STANDARDS
