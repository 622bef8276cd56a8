#!/usr/bin/env python3
"""Write the generator golden cases under tests/fixtures/generators/ and record the reference output.

Each case is a tiny kustomization tree (kept below as data, so binary and odd bytes are exact).
For every case this writes <case>/input/... and then runs the reference renderer on the entry
directory (input/overlay when present, else input), storing its stdout as <case>/expected.yaml,
or its stderr as <case>/expected_error.txt when it fails. Run it again after changing a case:

    .venv/bin/python scripts/regen_generator_fixtures.py [--kubectl PATH] [CASE...]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "generators"

BINARY = bytes(range(256))  # not valid UTF-8; long enough for wrapped base64
LONG_TEXT = "0123456789" * 12

CASES: dict[str, dict[str, str | bytes]] = {
    "literals": {
        "kustomization.yaml": f"""\
configMapGenerator:
- name: lit
  literals:
  - plain=value
  - dq="double quoted"
  - sq='single quoted'
  - half="open
  - mixed="x'
  - one="
  - empty=
  - eq=a=b=c
  - spaces=  padded  
  - key with space=v
  - html=<a href="x">&amp;</a>
  - unicode=héllo wörld ✓ 日本
  - num=12
  - yes=yes
  - "multi=line one\\nline two\\n"
  - long={LONG_TEXT}
""",
    },
    "files": {
        "kustomization.yaml": """\
configMapGenerator:
- name: files
  files:
  - app.properties
  - renamed.conf=app.properties
  - sub/dir/nested.txt
  - empty.txt
  - no-newline.txt
  - crlf.txt
""",
        "app.properties": "a=1\nb=2\n",
        "sub/dir/nested.txt": "nested\n",
        "empty.txt": "",
        "no-newline.txt": "no newline at end",
        "crlf.txt": "line1\r\nline2\r\n",
    },
    "files_binary": {
        "kustomization.yaml": """\
configMapGenerator:
- name: bin
  files:
  - short.bin
  - long.bin
  - text.txt
  - bom.txt
secretGenerator:
- name: binsecret
  files:
  - short.bin
  - long.bin
  - text.txt
""",
        "short.bin": b"\xff\xfe\x00\x01",
        "long.bin": BINARY,
        "text.txt": "plain text\n",
        "bom.txt": b"\xef\xbb\xbfwith bom\n",
    },
    "envs": {
        "kustomization.yaml": """\
configMapGenerator:
- name: envs
  envs:
  - a.env
  - b.env
  env: legacy.env
secretGenerator:
- name: envsecret
  envs:
  - a.env
""",
        "a.env": b"\xef\xbb\xbfFIRST=1\n# comment\n\n   \n  INDENTED=2\nNOVALUE\nEMPTY=\nQUOTED=\"kept\"\nSQ='kept too'\n"
        b"TRAIL=trailing   \nCRLF=crlf\r\nEQ=a=b\n=novalue\nSPACE KEY=x\n\t#tab comment\nLAST=no newline",
        "b.env": b"\xef\xbb\xbfB1=bom not on line one? no, it is\nB2=\xef\xbb\xbfbom inside\n\xef\xbb\xbfB3=bom on line three\n",
        "legacy.env": "LEGACY=yes\n",
    },
    "env_long_line": {
        "kustomization.yaml": """\
configMapGenerator:
- name: fits
  envs: [fits.env]
- name: toolong
  envs: [toolong.env]
""",
        "fits.env": "A=1\nB=" + "x" * 65533 + "\nC=3\n",
        "toolong.env": "A=1\nB=" + "x" * 65534 + "\nC=3\n",
    },
    "options": {
        "kustomization.yaml": """\
configMapGenerator:
- name: opts
  literals: [a=1]
  options:
    labels: {app: web, tier: "front"}
    annotations: {note: "hello: world", other: x}
    immutable: true
- name: nohash
  literals: [a=1]
  options:
    disableNameSuffixHash: true
secretGenerator:
- name: sopts
  literals: [a=1]
  options:
    labels: {app: web}
    immutable: true
""",
    },
    "generator_options": {
        "kustomization.yaml": """\
generatorOptions:
  labels: {global: g, shared: from-global}
  annotations: {ga: g}
  immutable: true
configMapGenerator:
- name: inherits
  literals: [a=1]
- name: overrides
  literals: [a=1]
  options:
    labels: {shared: from-local, local: l}
    annotations: {la: l}
secretGenerator:
- name: sinherits
  literals: [a=1]
""",
    },
    "generator_options_nohash": {
        "kustomization.yaml": """\
generatorOptions:
  disableNameSuffixHash: true
configMapGenerator:
- name: a
  literals: [a=1]
- name: b
  literals: [b=1]
  options:
    disableNameSuffixHash: false
secretGenerator:
- name: s
  literals: [a=1]
""",
    },
    "secret_types": {
        "kustomization.yaml": """\
secretGenerator:
- name: opaque
  literals: [user=admin, password=s3cr3t]
- name: tls
  type: kubernetes.io/tls
  files: [tls.crt, tls.key]
- name: custom
  type: example.com/custom
  literals: [long={}, b51={}, b52={}, b105={}]
""".format(LONG_TEXT, "x" * 51, "x" * 52, "y" * 105),
        "tls.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "tls.key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
    },
    "empty": {
        "kustomization.yaml": """\
configMapGenerator:
- name: emptycm
secretGenerator:
- name: emptysecret
""",
    },
    "namespaced": {
        "kustomization.yaml": """\
configMapGenerator:
- name: cm
  namespace: team-a
  literals: [a=1]
- name: cm
  namespace: team-b
  literals: [a=1]
secretGenerator:
- name: s
  namespace: team-a
  literals: [a=1]
""",
    },
    "name_transformers": {
        # The hash ignores the name, namespace and labels: same suffix as an untransformed object.
        "kustomization.yaml": """\
namePrefix: pre-
nameSuffix: -suf
namespace: ns1
commonLabels: {team: x}
commonAnnotations: {owner: z}
configMapGenerator:
- name: cm
  literals: [a=1]
secretGenerator:
- name: s
  literals: [a=1]
""",
    },
    "same_kustomization_merge": {
        "kustomization.yaml": """\
configMapGenerator:
- name: cm
  literals: [a=1, b=1]
  options: {labels: {first: "1"}}
- name: cm
  behavior: merge
  literals: [b=2, c=2]
  options: {labels: {second: "2"}}
- name: other
  behavior: bogus
  literals: [x=1]
""",
    },
    "merge_replace": {
        "base/kustomization.yaml": """\
generatorOptions:
  labels: {from-base: "yes"}
configMapGenerator:
- name: merged
  literals: [keep=base, override=base]
  files: [b.bin]
  options:
    labels: {l1: base, l2: base}
    annotations: {a1: base}
    immutable: true
- name: replaced
  literals: [gone=base]
  options:
    annotations: {a1: base}
- name: base-nohash
  literals: [a=1]
  options: {disableNameSuffixHash: true}
- name: overlay-nohash
  literals: [a=1]
secretGenerator:
- name: smerged
  literals: [user=admin, password=old]
  type: example.com/t
- name: sreplaced
  literals: [user=admin]
- name: sempty
""",
        "base/b.bin": b"\xff\xfe",
        "overlay/kustomization.yaml": """\
resources: [../base]
configMapGenerator:
- name: merged
  behavior: merge
  literals: [override=overlay, new=overlay]
  files: [c.bin, b.bin=c.bin]
  options:
    labels: {l2: overlay}
    annotations: {a2: overlay}
- name: replaced
  behavior: replace
  literals: [fresh=overlay]
  options:
    labels: {l3: overlay}
- name: base-nohash
  behavior: merge
  literals: [b=2]
- name: overlay-nohash
  behavior: replace
  literals: [b=2]
  options: {disableNameSuffixHash: true}
secretGenerator:
- name: smerged
  behavior: merge
  literals: [password=new]
- name: sreplaced
  behavior: replace
  literals: [token=abc]
  type: example.com/other
- name: sempty
  behavior: merge
""",
        "overlay/c.bin": b"\xfa\xfb\xfc",
    },
    "merge_plain_resource": {
        "base/kustomization.yaml": "resources: [cm.yaml]\n",
        "base/cm.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
  namespace: default
  labels: {p: q}
  annotations: {an: base}
data:
  int: 1
  bool: true
  str: "text"
""",
        "overlay/kustomization.yaml": """\
resources: [../base]
configMapGenerator:
- name: plain
  behavior: merge
  literals: [added=1]
  options: {labels: {o: v}}
""",
    },
    "merge_prefixed_base": {
        # The overlay names the base object as it was before namePrefix/namespace; the merged
        # object keeps the base's current name and namespace.
        "base/kustomization.yaml": (
            "namePrefix: p-\nnamespace: default\n"
            "configMapGenerator:\n- name: cm\n  literals: [a=1]\n"
        ),
        "overlay/kustomization.yaml": (
            "resources: [../base]\n"
            "configMapGenerator:\n- name: cm\n  behavior: merge\n  literals: [b=1]\n"
        ),
    },
    "error_merge_other_namespace": {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cm\n  literals: [a=1]\n",
        "overlay/kustomization.yaml": (
            "resources: [../base]\nconfigMapGenerator:\n- name: cm\n  namespace: other\n"
            "  behavior: merge\n  literals: [b=1]\n"
        ),
    },
    # ----- errors -----
    "error_duplicate_key": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  envs: [a.env]\n  literals: [A=2]\n",
        "a.env": "A=1\n",
    },
    "error_duplicate_file_key": {
        "kustomization.yaml": "secretGenerator:\n- name: s\n  files: [a.txt, sub/a.txt]\n",
        "a.txt": "1",
        "sub/a.txt": "2",
    },
    "error_literal_no_equals": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  literals: [novalue]\n",
    },
    "error_literal_leading_equals": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  literals: ['=v']\n",
    },
    "error_no_name": {
        "kustomization.yaml": "secretGenerator:\n- literals: [a=1]\n",
    },
    "error_missing_file": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  files: [missing.txt]\n",
    },
    "error_missing_env": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  envs: [missing.env]\n",
    },
    "error_file_outside_root": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  files: [../outside.txt]\n",
        "../outside.txt": "outside\n",
    },
    "error_file_is_directory": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  files: [sub]\n",
        "sub/f.txt": "x",
    },
    "error_file_missing_key": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  files: ['=a.txt']\n",
        "a.txt": "x",
    },
    "error_file_missing_path": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  files: ['k=']\n",
    },
    "error_file_two_equals": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  files: ['a=b=c.txt']\n",
    },
    "error_env_invalid_utf8": {
        "kustomization.yaml": "configMapGenerator:\n- name: cm\n  envs: [bad.env]\n",
        "bad.env": b"OK=1\nBAD=\xff\xfe\n",
    },
    "error_merge_missing": {
        "base/kustomization.yaml": "configMapGenerator:\n- name: cm\n  literals: [a=1]\n",
        "overlay/kustomization.yaml": "resources: [../base]\nconfigMapGenerator:\n- name: other\n  behavior: merge\n  literals: [a=1]\n",
    },
    "error_create_existing": {
        "base/kustomization.yaml": "secretGenerator:\n- name: s\n  literals: [a=1]\n",
        "overlay/kustomization.yaml": "resources: [../base]\nsecretGenerator:\n- name: s\n  literals: [a=2]\n",
    },
}


def write_case(name: str, files: dict[str, str | bytes]) -> Path:
    case = OUT / name
    shutil.rmtree(case, ignore_errors=True)
    # "../x" entries land beside input/, to test the load restriction.
    for rel, content in files.items():
        path = (case / "input" / rel).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    return case


def entry_dir(case: Path) -> Path:
    overlay = case / "input" / "overlay"
    return overlay if overlay.is_dir() else case / "input"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubectl", default=REFERENCE)
    parser.add_argument("cases", nargs="*")
    opts = parser.parse_args()
    for name in opts.cases or sorted(CASES):
        case = write_case(name, CASES[name])
        run = subprocess.run(
            [opts.kubectl, "kustomize", str(entry_dir(case))], capture_output=True, check=False
        )
        if run.returncode == 0:
            (case / "expected.yaml").write_bytes(run.stdout)
            print(f"{name}: ok")
        else:
            # Absolute paths differ between machines; keep the message readable and stable.
            err = run.stderr.decode("utf-8", "replace").replace(str(case), "<case>")
            err = re.sub(r"0x[0-9a-f]{6,}", "0x...", err)  # Go pointers change on every run
            (case / "expected_error.txt").write_text(err)
            print(f"{name}: error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
