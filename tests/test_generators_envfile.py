"""Env-file parsing edge cases (the rules were confirmed against kustomize v5.6.0; see the
`envs` and `env_long_line` golden fixtures for the reference's own rendering)."""

from __future__ import annotations

import pytest

from kustomize_py.errors import GeneratorError
from kustomize_py.generators import parse_env
from kustomize_py.generators.envfile import split_lines


def test_basic_rules() -> None:
    content = (
        b'A=1\n# comment\n\n   \n  B=2\nNOVALUE\nEMPTY=\nQ="kept"\nT=trail   \n'
        b"EQ=a=b\n=skipped\nSPACE KEY =x\n\t#tab comment\nLAST=end"
    )
    assert parse_env(content) == [
        ("A", "1"),
        ("B", "2"),
        ("NOVALUE", ""),
        ("EMPTY", ""),
        ("Q", '"kept"'),
        ("T", "trail   "),
        ("EQ", "a=b"),
        ("SPACE KEY ", "x"),
        ("LAST", "end"),
    ]


def test_crlf_drops_one_cr_only() -> None:
    assert parse_env(b"A=1\r\nB=2\r\r\nC=3\r") == [("A", "1"), ("B", "2\r"), ("C", "3")]


def test_bom_removed_on_first_line_only() -> None:
    assert parse_env(b"\xef\xbb\xbfA=1\n\xef\xbb\xbfB=2\n") == [("A", "1"), ("\ufeffB", "2")]
    # A blank first line still counts as line one.
    assert parse_env(b"\n\xef\xbb\xbfB=2\n") == [("\ufeffB", "2")]
    assert parse_env(b"\xef\xbb\xbf# only a comment\n") == []


def test_go_whitespace_not_python_whitespace() -> None:
    # Unicode spaces are trimmed like Go's unicode.IsSpace; \x1c-\x1f are not spaces to Go.
    assert parse_env("\u00a0\u3000\u2028\vA=1\n".encode()) == [("A", "1")]
    assert parse_env(b"\x1cA=1\n") == [("\x1cA", "1")]


def test_invalid_utf8_names_line_not_content() -> None:
    with pytest.raises(GeneratorError) as info:
        parse_env(b"OK=1\nPASSWORD=\xff\xfehunter2\n", "secrets.env")
    message = str(info.value)
    assert "line 2" in message and "secrets.env" in message
    assert "hunter2" not in message and "PASSWORD" not in message


def test_invalid_utf8_after_a_too_long_line_is_never_seen() -> None:
    content = b"A=1\nB=" + b"x" * 65534 + b"\nBAD=\xff\n"
    assert parse_env(content) == [("A", "1")]


@pytest.mark.parametrize(
    ("content", "expected_lines"),
    [
        (
            b"A=1\n" + b"x" * 65535 + b"\nC=3\n",
            3,
        ),  # 65535 bytes + LF fills the 64 KiB buffer exactly
        (b"A=1\n" + b"x" * 65536 + b"\nC=3\n", 1),  # one more: this line and the rest are dropped
        (b"A=1\n" + b"x" * 65535, 2),  # last line without LF
        (b"A=1\n" + b"x" * 65536, 1),
        (b"A=1\n" + b"x" * 65534 + b"\r\nC=3\n", 3),  # the CR counts toward the limit
        (b"A=1\n" + b"x" * 65535 + b"\r\nC=3\n", 1),
    ],
)
def test_long_line_limit(content: bytes, expected_lines: int) -> None:
    assert len(split_lines(content)) == expected_lines


def test_split_lines_edges() -> None:
    assert split_lines(b"") == []
    assert split_lines(b"\n") == [b""]
    assert split_lines(b"a\n\nb") == [b"a", b"", b"b"]
