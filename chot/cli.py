"""The single `chot` entry point: every command module under chot.commands registers itself."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

import chot.commands
from chot.failure import fail

Handler = Callable[[argparse.Namespace], int]


class CommandTree:
    """Collects subcommands; `group("bench")` gives the sub-parsers of `chot bench …`."""

    def __init__(self, root: argparse.ArgumentParser) -> None:
        self._subparsers = root.add_subparsers(dest="command", metavar="COMMAND")
        self._groups: dict[str, Any] = {}

    def command(self, name: str, handler: Handler, help: str, group: str | None = None,
                **kwargs: Any) -> argparse.ArgumentParser:
        """Add `chot [group] name`; the handler takes the parsed namespace, returns an exit code."""
        parent = self._subparsers if group is None else self.group(group)
        parser: argparse.ArgumentParser = parent.add_parser(name, help=help, description=help,
                                                            **kwargs)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, help: str | None = None) -> Any:
        """The sub-parsers of a command group, created on first use."""
        if name not in self._groups:
            parser = self._subparsers.add_parser(name, help=help or f"{name} commands")
            parser.set_defaults(handler=_group_usage(parser))
            self._groups[name] = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")
        return self._groups[name]


def _group_usage(parser: argparse.ArgumentParser) -> Handler:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def build_parser() -> argparse.ArgumentParser:
    """The full `chot` parser; command modules keep heavy imports inside their handlers."""
    parser = argparse.ArgumentParser(
        prog="chot", description="chốt kiểm soát: checkpoint kiosk system")
    tree = CommandTree(parser)
    for module in sorted(pkgutil.iter_modules(chot.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"chot.commands.{module.name}").register(tree)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `chot` with argv; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except ValueError as exc:
        # The last net under every command: a config or file problem found deep inside a
        # component still ends as its bilingual message and reason code, not a traceback.
        from infra.config import ConfigProblem
        from screening.files import FileProblem

        if isinstance(exc, ConfigProblem | FileProblem):
            return fail(str(exc), exc.reason)
        raise


if __name__ == "__main__":
    sys.exit(main())
