"""Start-up cost of `kpy build`: a local build must not import what only remote, sealed or sync
work needs, and the cheap checks that keep those imports away must agree with the exact ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kustomize_py import pipeline, remote

# Modules a two-document local build has no use for; each one costs milliseconds at every start.
NOT_ON_RENDER_PATH = ("kustomize_py.remote", "urllib.request", "http.client", "ssl", "email", "attr",
                      "attrs", "importlib.resources", "subprocess", "tempfile", "inspect", "argparse",
                      "shutil", "pathlib", "urllib.parse", "ipaddress", "contextlib", "importlib.util")

_FRAGMENTS = ["https://", "http://", "hTTp://", "ssh://", "file://", "git::", "GIT::", "git@", "bob@",
              "github.com", "GitHub.com", "gitlab.com", "github.com:", "/", "//", ":", "?ref=v1", "org",
              "repo.git", "..", ".", "base", "-", "1", "@", "a-b@", "_x@", "://"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=6).map("".join))
def test_cheap_remote_check_agrees_with_remote_module(path: str) -> None:
    assert pipeline._is_remote(path) == remote.is_remote(path)


def test_cheap_remote_check_on_known_entries() -> None:
    remote_entries = ["https://github.com/org/repo//base?ref=v1", "github.com/org/repo/path",
                      "git@github.com:org/repo.git", "ssh://git@host/org/repo", "git::https://h/o/r",
                      "https://example.com/file.yaml", "file:///tmp/repo"]
    local_entries = ["base", "../base", "deploy.yaml", "/abs/dir", "./github.com-stuff", "a/b/c.yaml"]
    for path in remote_entries + local_entries:
        assert pipeline._is_remote(path) == remote.is_remote(path), path
    assert all(pipeline._is_remote(p) for p in remote_entries)


def test_local_build_imports_only_the_render_path(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    (base / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text("resources:\n- ../base\nnamePrefix: p-\nnamespace: ns\n")
    code = ("import io, sys\n"
            "from kustomize_py.cli import main\n"
            "real, sys.stdout = sys.stdout, io.StringIO()\n"
            f"rc = main(['build', {str(overlay)!r}])\n"
            "out, sys.stdout = sys.stdout, real\n"
            "modules = sorted(sys.modules)\n"
            "import json\n"
            "print(json.dumps([rc, out.getvalue(), modules]))\n")
    # -S with an explicit path: what a regular (non-editable) install imports. An editable
    # install's import hook, run from a .pth file by `site`, would load pathlib and friends itself.
    import os

    import yaml

    paths = [str(Path(pipeline.__file__).parents[1]), str(Path(yaml.__file__).parents[1])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                          env=env)
    rc, text, modules = json.loads(done.stdout)
    assert rc == 0 and "name: p-c" in text and "namespace: ns" in text
    loaded = [m for m in NOT_ON_RENDER_PATH if m in modules]
    assert not loaded, f"a local build imported {loaded}"


def test_emitter_character_classes_match_their_negated_definitions() -> None:
    # emit.py spells two negated classes as positive ranges (much cheaper to compile at start-up),
    # and uses small ASCII-only classes for ASCII strings: each must select exactly the code points
    # of the definition, over every character its strings can hold.
    import re

    from kustomize_py.yaml import emit

    printable = emit._PRINTABLE_CLASS
    unicode = emit._alphabet("\u2028")
    assert emit._alphabet("plain ascii") is emit._ASCII and unicode is not emit._ASCII
    for alphabet, every in ((unicode, "".join(map(chr, range(sys.maxunicode + 1)))),
                            (emit._ASCII, "".join(map(chr, range(128))))):
        assert alphabet.nonprintable.findall(every) == re.findall(f"[^\n{printable}]", every)
        assert alphabet.double_escaped.findall(every) == re.findall(f'[^{printable}]|["\\\\]', every)
        assert alphabet.control.findall(every) == re.findall("[\x7f-\x84\x86-\x9f\ufffe\uffff]", every)
        assert alphabet.line_break.findall(every) == re.findall("[\r\n\x85\u2028\u2029]", every)


def test_simple_build_args_match_the_real_parser() -> None:
    # `kpy build [DIR]` skips argparse; it must produce exactly what the parser would.
    from kustomize_py.cli import _parser
    from kustomize_py.cli.build import simple_args

    for argv in (["build"], ["build", "overlays/prod"], ["build", ""], ["build", "dir with space"]):
        fast = simple_args(argv)
        assert fast is not None, argv
        assert vars(fast) == vars(_parser("build").parse_args(argv)) == vars(_parser(None).parse_args(argv))
    for argv in (["build", "-o", "x"], ["build", "a", "b"], ["build", "--all", "r"], ["-h", "build"], [],
                 ["build", "--"], ["sync"], ["build", "-"]):
        assert simple_args(argv) is None, argv


def test_command_line_errors_and_help_still_come_from_argparse(capsys) -> None:
    import pytest

    from kustomize_py.cli import main

    assert main(["build", "a", "b"]) == 1  # exits 1 like kubectl kustomize, argparse's message
    assert "unrecognized arguments: b" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in ("build", "seal", "sync", "check", "envdiff"))
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    assert "--load-restrictor" in capsys.readouterr().out


def test_default_field_specs_take_the_json_fast_path() -> None:
    # defaults.yaml is written in JSON syntax so that every build reads it with json.loads; an edit
    # in YAML style would still load, only slower - this test points it out.
    import json

    from kustomize_py.fieldspecs import load_data
    from kustomize_py.yaml import load

    path = Path(pipeline.__file__).parent / "fieldspecs" / "defaults.yaml"
    text = path.read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(True) if not line.startswith("#"))
    assert json.loads(body) == load(text, str(path)) == load_data("defaults.yaml")
