"""The kpy command line: a dispatcher that imports each subcommand's module only when it runs."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time

if TYPE_CHECKING:
    import argparse
    from typing import Any

# subcommand -> module under kustomize_py.cli; each module has register(subparsers) and run(args).
COMMANDS: dict[str, str] = {
    "build": "build",
    "seal": "seal",
    "unseal": "unseal",
    "sync": "sync",
    "status": "sync",
    "diff": "sync",
    "delete": "delete",
    "check": "check",
    "affected": "affected",
    "apps": "apps",
    "tree": "tree",
    "envdiff": "envdiff",
    "validate": "validate",
    "edit": "edit",
    "create": "create",
}


# Packages a command imports lazily -> the pip install line that brings them (an optional extra,
# or a regular dependency missing from a broken install).
INSTALL_HINTS = {"kubernetes": "'kustomize_py[kube]'", "cryptography": "'cryptography>=41'",
                 "ruamel": "'ruamel.yaml>=0.18'"}


def _command_module(name: str) -> Any:
    # __import__ rather than importlib.import_module: importlib (and the warnings module it pulls)
    # is not otherwise loaded by a plain build.
    return __import__(f"kustomize_py.cli.{name}", fromlist=["run"])


def _parser(only: str | None) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="kpy", description="Kustomize-compatible renderer and GitOps tooling")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        if only is None or only == name:
            _command_module(module).register(sub)
        else:
            sub.add_parser(name, help=f"see `kpy {name} --help`")
    return parser


def main(argv: list[str] | None = None) -> int:
    from kustomize_py.errors import KpyError

    argv = list(sys.argv[1:] if argv is None else argv)
    from kustomize_py.cli.build import simple_args

    args = simple_args(argv)  # `kpy build [DIR]`: no argparse at all
    if args is None:
        first = next((a for a in argv if not a.startswith("-")), None)
        parser = _parser(first if first in COMMANDS else None)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            if exc.code == 2 and first == "build":
                return 1  # a usage error of `kpy build` exits as `kubectl kustomize` does
            raise
    if args.version:
        from kustomize_py import __version__

        print(__version__)
        return 0
    if not args.command:
        parser.print_help()
        return 2
    module = _command_module(COMMANDS[args.command])
    try:
        return int(module.run(args) or 0)
    except KpyError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except RecursionError:
        print("Error: input is nested too deeply", file=sys.stderr)
        return 1
    except Exception as err:
        if os.environ.get("KPY_DEBUG"):
            raise
        install = INSTALL_HINTS.get((getattr(err, "name", None) or "").partition(".")[0])
        if isinstance(err, ModuleNotFoundError) and install:
            print(f"Error: `kpy {args.command}` needs the Python package {err.name!r}, which is not installed: "
                  f"pip install {install}", file=sys.stderr)
            return 1
        print(f"Error: internal error ({type(err).__name__}: {err}); rerun with KPY_DEBUG=1 for details "
              "and please report it", file=sys.stderr)
        return 70
