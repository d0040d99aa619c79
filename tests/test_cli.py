"""Fast tier: the command line itself (arguments, help, version); the batch it drives is
tested through the engine elsewhere."""

from __future__ import annotations

import pytest


def test_every_command_line_argument_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    from autograder import __version__
    from autograder.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            assert action.help, f"autograder {name}: {action.dest} has no help"
    with pytest.raises(SystemExit):
        parser.parse_args(["--version"])
    assert __version__ in capsys.readouterr().out
