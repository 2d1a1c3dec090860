"""The command line (typer): the only package that parses options and prints.

``main`` is the console script: ``lfk --version`` answers without importing typer or any command;
``lfk lint`` with the same command line over the same inputs as a recorded run prints that run's report
without importing typer either (:mod:`lfk.cli.replay`), and so does ``lfk lint --changed-since REV`` with
plain options (:func:`lfk.cli.lintrun.changed_since`); everything else goes to :func:`lfk.cli.main.main`,
which imports only the command being run.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from lfk import __version__

        sys.stdout.write(f"lfk {__version__}\n")
        return 0
    from lfk.cli import replay

    code = replay.replay(args)
    if code is not None:
        return code
    if args[:1] == ["lint"] and any(a == "--changed-since" or a.startswith("--changed-since=") for a in args):
        from lfk.cli import lintrun

        code = lintrun.changed_since(args)
        if code is not None:
            return code
    from lfk.cli.main import main as run

    replay.begin(args)
    try:
        return run(argv)
    finally:
        replay.end()


entry = main  # the same function, under a name that importing the submodule ``lfk.cli.main`` does not shadow
