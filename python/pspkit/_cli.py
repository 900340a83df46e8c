"""The ``pspkit`` console script: the same command as the Rust binary (``pspkit --help``), run
from the native module."""

from __future__ import annotations

import sys

from ._native import cli_main


def main() -> None:
    """Runs ``pspkit`` with this process's arguments and exits with its code."""
    sys.stdout.flush()
    sys.exit(cli_main(["pspkit", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
