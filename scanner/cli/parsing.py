"""The argument parser every command is added to: usage mistakes are tool
failures (exit 3, one line), not argparse's exit 2, which means ``block``."""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn, TypeAlias

from ..errors import ConfigError


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments; our contract says 3 with one line."""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(f"{self.prog}: {message}")


# what each command module's add_parsers receives (argparse has no public name for it)
Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"
Command: TypeAlias = Callable[[argparse.Namespace], int]
