"""Regressions found by rendering real-world repositories (scripts/realworld_diff.py), each reduced
to a tiny tree. Expected output comes from kustomize v5.6.0 and is committed under
tests/fixtures/realworld/<case>/expected.yaml; with the reference present it is checked live too.

Regenerate the fixtures: `.venv/bin/python -m tests.test_realworld_regressions`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import KpyError
from tests.transformer_fixtures import reference_error

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
FIXTURES = Path(__file__).parent / "fixtures" / "realworld"

_DEPLOYMENT_WITH_BLANKS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
  x:
spec:
  blank:
  explicit: null
  tilde: ~
  tagged: !!null ""
  flow: {a: null, b: , c: ~}
  template:
    metadata:
      annotations:
    spec:
      containers:
      - name: c
        image: nginx
        args:
        env:
        - name: A
          value:
      tolerations:
      - key: k
        value:
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          requiredDuringSchedulingIgnoredDuringExecution:
"""

_SMP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
"""

# Each case: files of the tree (relative path -> text) and the directory to build.
CASES: dict[str, dict[str, str]] = {
    # helm-rendered charts often print `annotations:` with nothing after it (argo-cd redis-ha,
    # istio gateways): the reference drops empty or null metadata.annotations from every resource.
    "empty_annotations_dropped": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            patches:
            - target: {name: last-removed}
              patch: '[{"op": "remove", "path": "/metadata/annotations/x"}]'
            - patch: |
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: smp-deleted
                  annotations:
                    x: null
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: Service
            metadata:
              name: blank
              annotations:
              labels:
            spec:
              type: ClusterIP
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: empty-map
              annotations: {}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: empty-list
              annotations: []
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: last-removed
              annotations: {x: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: smp-deleted
              annotations: {x: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: values
              annotations: {a: , b: null, c: ~, d: 1}
            """,
    },
    # kyaml's strategic merge keeps a resource's `key: null` / `key: ~` but drops `key:` written
    # with no value, everywhere the walk goes (maps and merge-keyed lists, not atomic lists).
    "smp_drops_blank_nulls": {
        "kustomization.yaml": "resources: [r.yaml]\npatches: [{path: p.yaml}]\n",
        "r.yaml": _DEPLOYMENT_WITH_BLANKS,
        "p.yaml": _SMP,
    },
    # A JSON patch round-trips the resource through JSON in the reference, so blank nulls become
    # explicit ones that a later strategic merge keeps.
    "json6902_makes_blank_nulls_explicit": {
        "base/kustomization.yaml": """\
            resources: [r.yaml]
            patches:
            - target: {kind: Deployment}
              patch: '[{"op": "add", "path": "/spec/added", "value": 1}]'
            """,
        "base/r.yaml": _DEPLOYMENT_WITH_BLANKS,
        "kustomization.yaml": "resources: [base]\npatches: [{path: p.yaml}]\n",
        "p.yaml": _SMP,
    },
    # Without any strategic merge, blank nulls print as `null` like explicit ones.
    "blank_nulls_without_patch": {
        "kustomization.yaml": "resources: [r.yaml]\nnamespace: ns\n",
        "r.yaml": _DEPLOYMENT_WITH_BLANKS,
    },
    # In a flow mapping an empty value prints as "", yet strategic merge still treats it as a blank
    # null: dropped from the resource, and a delete in the patch.
    "flow_blank_values": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            patches:
            - patch: |
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: patched}
                data: {a: , b: null}
                spec: {y: }
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: patched
            data: {a: "1", b: "2", c: "3"}
            spec: {x: 1, y: 2, z: }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: plain
              annotations: {a: , b: c}
            spec:
              map: {b: , c: 1}
              single: {b}
              pairs: [b: ]
              explicit: {? b}
            """,
    },
    # kubeflow/pipelines: a plain `=` in the kustomization (a replacement delimiter) is text, not
    # YAML 1.1's !!value type.
    "kustomization_plain_equals": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            commonAnnotations: {sep: =}
            replacements:
            - source: {kind: ConfigMap, name: src, fieldPath: data.host}
              targets:
              - select: {kind: ConfigMap, name: dst}
                fieldPaths: [data.url]
                options: {delimiter: =, index: 1}
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: src}
            data: {host: db}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: dst}
            data: {url: host=old, eq: =}
            """,
    },
    # Null list items are accepted (the reference's "empty item" check never fires).
    "null_list_items": {
        "kustomization.yaml": "resources: [r.yaml]\n",
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data:
              k: v
            spec:
              flow: [null, ~]
              block:
              -
              - a
              - null
            """,
    },
    # onedr0p/home-ops, opendatahub, redhat-cop tekton tasks: the reference writes each resource
    # with go-yaml v3 before printing it, and that emitter puts an empty line before every
    # more-indented line of a folded (`>`) scalar whose text starts unindented. Top-level
    # annotations escape (they are re-set from a string map); a JSON patch settles it earlier.
    "folded_scalar_roundtrip": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            patches:
            - target: {name: jp}
              patch: '[{"op": "add", "path": "/data/added", "value": "x"}]'
            - patch: |
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: sm
                  annotations:
                    fromPatch: >-
                      a
                        b
                data:
                  fromPatch: >-
                    p
                      q
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: sm
              annotations:
                own: >-
                  exists(c,
                    c.image
                  )
              labels:
                l: >-
                  a
                    b
            data:
              cel: >-
                object.spec.exists(c,
                  c.image.startsWith("x")
                )
              clip: >
                one
                two

                three
                  more
                four
              keep: >+
                a
                  b

              lead: >2-
                  starts indented
                then normal
              leadnl: >-

                after blank
                  more
              blanks: >-
                a

                  b


                c
              tab: >-
                a
                \tb
              uni: >-
                h\u00e9llo
                  w\u00f6rld
              spaceBreak: >-
                a
                  b\x20
                c
              single: >-
                plain
                folded
            spec:
              list:
              - >-
                a
                  b
                c
              - name: n
                deep:
                  deeper: >-
                    a
                      %s
                    c
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: jp
              annotations:
                own: >-
                  a
                    b
            data:
              k: >-
                a
                  b
            """ % ("word " * 20 + "end"),
    },
    # onedr0p/home-ops helm values: go-yaml lets an anchor be defined again, and an alias takes
    # the latest definition (libyaml refuses the second one).
    "anchor_redefined": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            patches: [{path: p.yaml}]
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: &app web
              labels: {app: *app}
            data:
              - &name A
              - *name
              - &name B
              - *name
            env:
              - name: &name FIRST
                value: *name
              - name: &name SECOND
                value: *name
                from: &ref {key: k1}
              - ref: *ref
                other: &ref [x]
                again: *ref
            """,
        "p.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web
              annotations: {a: &v one, b: *v, c: &v two, d: *v}
            """,
    },
    # xunholy/k8s-gitops: `resources: []` is not an empty kustomization (an empty list is not
    # Go's zero value), while `bases: []` or `namespace: ""` alone would be.
    "kustomization_empty_list_fields": {
        "kustomization.yaml": "resources: [placeholder, maps, r.yaml]\n",
        "placeholder/kustomization.yaml": """\
            ---
            # yaml-language-server: $schema=https://json.schemastore.org/kustomization
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: []
            """,
        "maps/kustomization.yaml": "commonLabels: {}\nnamespace: ''\nbases: []\n",
        "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    },
    # Helm-style values in flow collections: a plain timestamp with a time part keeps its text
    # there (the reference's go-yaml v3 round trip quotes scalars holding ':' in flow context),
    # while a date alone, or any timestamp in block context, is normalized.
    "flow_timestamps_keep_text": {
        "kustomization.yaml": "resources: [r.yaml]\n",
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ts, annotations: {when: 2001-12-14 21:59:43}}
            spec:
              flow: [2001-12-14t21:59:43.10-05:00, 2001-12-14T21:59:43+00:00, 2001-1-4, a:b]
              map: {a: 2001-12-14T21:59:43.000Z, b: 2002-12-14, c: [2001-12-14T1:2:3Z]}
              block: 2001-12-14t21:59:43.10-05:00
              seq:
              - 2001-12-14T21:59:43+00:00
              - {k: 2001-12-14 21:59:43}
            """,
    },
    # kustomize's kyaml testdata: a file holding only a ResourceList (or List) with `items` or
    # `functionConfig` is unwrapped by the reader (items kept, function config dropped); with a
    # second document it stays a resource. Nameless *List resources print `metadata: {}`.
    "resource_list_unwrapped": {
        "kustomization.yaml": "resources: [fn.yaml, list.yaml, two.yaml, items.yaml]\n",
        "fn.yaml": """\
            kind: ResourceList
            apiVersion: config.kubernetes.io/v1
            functionConfig:
              apiVersion: example.com/v1alpha1
              kind: JavaSpringBoot
              metadata: {name: ""}
            """,
        "list.yaml": "kind: List\napiVersion: v1\nfunctionConfig: {a: 1}\n",
        "two.yaml": """\
            kind: ResourceList
            apiVersion: config.kubernetes.io/v1
            functionConfig: {kind: X}
            ---
            apiVersion: v1
            kind: FooList
            spec: 1
            """,
        "items.yaml": """\
            ---
            kind: ResourceList
            functionConfig: {kind: X}
            items:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
            results: []
            """,
    },
    # istio testdata: in a flow collection go-yaml v3 reads `001:db8::` and `a:` (':' before a
    # flow indicator) as plain text, where libyaml refuses them.
    "flow_scalars_ending_in_colon": {
        "kustomization.yaml": "resources: [r.yaml]\n",
        "r.yaml": """\
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: full, namespace: default}
            spec:
              addresses: [1.2.3.4, 001:db8::, fe80::]
              hosts: ["example.com", a:, b:c, x::y]
              map: {a: x::, b: c:, c: [it's:], d: e}
              spaced: [ab:  , c]
            """,
    },
    # go-yaml v3 accepts the escape `\\'` in double-quoted scalars (libyaml refuses it).
    "double_quoted_escaped_quote": {
        "kustomization.yaml": "resources: [r.yaml]\n",
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: q}
            data:
              cmd: "echo \\'hi\\' \\\\'"
              list: ["it\\'s", "\\\\\\\\"]
            """,
    },
    # bank-of-anthos: a JSON patch adds /metadata/annotations/<key> to a ServiceAccount with no
    # annotations. The reference holds its build bookkeeping (previous ids from `patches`, name
    # affixes, generator behaviour) as annotations then, so the map exists; patchesJson6902 on a
    # plain resource still fails (not tested here).
    "json_patch_adds_first_annotation": {
        "base/kustomization.yaml": "resources: [sa.yaml]\n",
        "base/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n",
        "mid/kustomization.yaml": "namePrefix: p-\nresources: [../base]\n",
        "kustomization.yaml": """\
            resources: [mid]
            components: [comp]
            configMapGenerator:
            - {name: c, literals: [a=b]}
            patchesJson6902:
            - target: {version: v1, kind: ServiceAccount, name: p-sa}
              patch: '[{"op": "add", "path": "/metadata/annotations/affixed", "value": "1"}]'
            - target: {version: v1, kind: ConfigMap, name: c}
              patch: '[{"op": "add", "path": "/metadata/annotations/generated", "value": "1"}]'
            patches:
            - target: {kind: ServiceAccount}
              patch: |-
                - op: add
                  path: /metadata/annotations/iam.gke.io~1gcp-service-account
                  value: gke@example.iam.gserviceaccount.com
            - target: {kind: Secret}
              patch: '[{"op": "remove", "path": "/metadata/annotations"}]'
            """,
        "comp/kustomization.yaml": """\
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            resources: [s.yaml]
            """,
        "comp/s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
    },
    # Annotations a `patches:` strategic merge adds keep their source text (0x20 stays "0x20"); a
    # null one (~, null, blank) deletes the target's annotation.
    "patch_annotation_text": {
        "kustomization.yaml": """\
            resources: [cm.yaml]
            patches:
            - path: p.yaml
            - patch: |-
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                  annotations:
                    w: 0x1F
                    y: 1e3
            """,
        "cm.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              annotations:
                x: 0x10
                r: keep
                s: keep
                t: keep
            """,
        "p.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              annotations:
                p: 0x20
                q: 1.50
                r: ~
                s:
                t: null
                u: ~
                v: 0o17
            """,
    },
    # Under the deprecated patchesStrategicMerge the same null annotations are set as their text
    # ("~", "", "null"); a blank annotation of the patched resource itself is dropped.
    "patches_strategic_merge_annotation_text": {
        "kustomization.yaml": """\
            resources: [cm.yaml]
            patchesStrategicMerge:
            - p.yaml
            """,
        "cm.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              annotations:
                x: 0x10
                r: keep
                blank:
            """,
        "p.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              annotations:
                p: 0x20
                q: 1.50
                r: ~
                s:
                t: null
            """,
    },
    # cloudnative-pg's OLM CSV has `createdAt:` with no value: printed "" as read, but "null"
    # once a JSON patch has round-tripped the resource through JSON (numbers print as values).
    "json_patch_annotation_values": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            patches:
            - target: {name: patched}
              patch: '[{"op": "add", "path": "/data", "value": {}}]'
            - patch: |
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: merged, annotations: {q: "1"}}
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: patched
              annotations: {blank: , tilde: ~, hex: 0x10, flt: 1.50, big: 1e3, t: true, s: "str"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: plain
              annotations: {blank: , tilde: ~, hex: 0x10, flt: 1.50, big: 1e3, t: true, s: "str"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: merged
              annotations: {tilde: ~, hex: 0x10, t: true}
            """,
    },
    # keptn lifecycle-toolkit: `labels: [{Pairs: ...}]`. The reference decodes the kustomization with
    # encoding/json, so every struct key matches its field ignoring case; keys landing on the same
    # field apply in sorted order (a later map or struct merges in, a later scalar wins).
    "kustomization_keys_ignore_case": {
        "kustomization.yaml": """\
            resources: [r.yaml]
            labels:
            - Pairs: {a: "1"}
              IncludeSelectors: true
              pairs: {b: "2"}
            commonLabels: {c: d}
            CommonLabels: {e: f}
            configMapGenerator:
            - Name: gen
              Literals: [k=v]
              Options: {DisableNameSuffixHash: true, Labels: {l: m}}
            GeneratorOptions: {Annotations: {ga: gb}}
            images:
            - Name: nginx
              newTag: "kept"
              NewTag: "lost"
            patches:
            - Target: {Kind: ConfigMap}
              Patch: '[{"op": "add", "path": "/data/z", "value": "zz"}]'
            - target: {kind: ConfigMap}
              Target: {name: no-such}
              patch: '[{"op": "add", "path": "/data/never", "value": "x"}]'
            replicas:
            - Name: d
              Count: 3
            replacements:
            - Source: {Kind: ConfigMap, Name: cm, FieldPath: data.a}
              Targets:
              - Select: {Kind: Deployment}
                FieldPaths: [metadata.annotations.copied]
                Options: {Create: true}
            """,
        "r.yaml": """\
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm}
            data: {a: b}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec: {containers: [{name: c, image: nginx}]}
            """,
    },
}

# Trees the reference refuses; kpy must refuse them too (with a KpyError).
REFUSED: dict[str, dict[str, str]] = {
    # external-secrets docs: go-yaml v3 has no `\\/` escape (libyaml reads it as '/').
    "double_quoted_slash_escape": {
        "kustomization.yaml": "resources: [r.yaml]\n",
        "r.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {re: "^app1\\/.+$"}\n',
    },
    "json_slash_escape": {
        "kustomization.yaml": "resources: [r.json]\n",
        "r.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"u": "a\\/b"}}\n',
    },
}

_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1'}\n"

# Trees both refuse, with the reference's words: (files, the start of its message, which kpy's
# must have even when the reference is absent). With the reference present, kpy's whole message must equal its
# own (after `error: `). Found on real repositories: redhat-cop/patch-operator's tilt overlay names a
# missing patchesJson6902 file; the reference fails configuring its plugins, showing their config.
WORDED: dict[str, tuple[dict[str, str], str]] = {
    "json6902_missing_patch_file": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatchesJson6902:\n"
                              "- target: {version: v1, kind: ConfigMap, name: a}\n  path: nope.yaml\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchJson6902Transformer with config: `\npath: nope.yaml\ntarget:\n"
       "  kind: ConfigMap\n  name: a\n  version: v1\n`: evalsymlink failure on "),
    "json6902_no_target_name": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatchesJson6902:\n"
                              "- target: {version: v1, kind: ConfigMap}\n  path: p.yaml\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchJson6902Transformer with config: `\npath: p.yaml\ntarget:\n  kind: ConfigMap\n  version: v1\n"
       "`: must specify the target name"),
    # kpy used to apply an empty op list as nothing at all
    "json6902_empty_operations": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatchesJson6902:\n"
                              "- target: {version: v1, kind: ConfigMap, name: a}\n  patch: '[]'\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchJson6902Transformer with config: `\njsonOp: '[]'\ntarget:\n  kind: ConfigMap\n  name: a\n  version: v1\n"
       "`: patch appears to be empty; file=, JsonOp=[]"),
    "patches_empty_list_is_both_kinds": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a}\n  patch: '[]'\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchTransformer with config: `\npatch: '[]'\ntarget:\n  name: a\n"
       "`: illegally qualifies as both an SM and JSON patch: [patch: \"[]\"]"),
    "patches_comment_only": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a}\n  path: p.yaml\n",
        "p.yaml": "# nothing yet\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchTransformer with config: `\npath: p.yaml\ntarget:\n  name: a\n"
       "`: illegally qualifies as both an SM and JSON patch: [path: \"p.yaml\"]"),
    "patches_unparseable": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a}\n"
                              "  options: {allowNameChange: true}\n  patch: 'metadata: {name: a}'\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchTransformer with config: `\noptions:\n  allowNameChange: true\npatch: 'metadata: {name: a}'\ntarget:\n  name: a\n"
       "`: unable to parse SM or JSON patch from [patch: \"metadata: {name: a}\"]"),
    "patches_neither_patch_nor_path": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a}\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchTransformer with config: `\ntarget:\n  name: a\n"
       "`: must specify one of patch and path in\ntarget:\n  name: a"),
    "patches_mapping_without_resource": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a}\n  patch: '{}'\n",
        "cm.yaml": _CM,
    }, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    # gcp-compute-persistent-disk-csi-driver's node-labeler overlay: the message had a
    # `patchesStrategicMerge: ` of its own, which the reference does not print
    "patches_strategic_merge_no_target": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatchesStrategicMerge:\n- p.yaml\n",
        "p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: zz}\ndata: {a: b}\n",
        "cm.yaml": _CM,
    }, "no matches for Id ConfigMap.v1.[noGrp]/zz.[noNs]; failed to find unique target for patch "
       "ConfigMap.v1.[noGrp]/zz.[noNs]"),
    # every transformer is configured before any runs: the missing file wins over a patch that
    # would fail to apply earlier
    "patches_configured_before_any_runs": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a}\n  patch: |-\n"
                              "    - {op: remove, path: /data/nope}\n- target: {name: a}\n  path: nope.yaml\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchTransformer with config: `\npath: nope.yaml\ntarget:\n  name: a\n"
       "`: failed to get the patch file from path(nope.yaml): evalsymlink failure on '"),
    "json6902_configured_before_strategic_merge_runs": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatchesStrategicMerge:\n- |\n  apiVersion: v1\n"
                              "  kind: ConfigMap\n  metadata: {name: zz}\n"
                              "patchesJson6902:\n- target: {name: a}\n  path: nope.yaml\n",
        "cm.yaml": _CM,
    }, "trouble configuring builtin PatchJson6902Transformer with config: `\npath: nope.yaml\ntarget:\n"
       "  name: a\n`: evalsymlink failure on '"),
    # the field is named before the message; the reference's message has no ` in <field>`
    "unknown_selector_field": ({
        "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- target: {name: a, nmae: b}\n  patch: '[]'\n",
        "cm.yaml": _CM,
    }, 'invalid Kustomization: json: unknown field "nmae"'),
    # kubeflow-style `crds:` lists: every failure is prefixed with the list as Go prints it, and a
    # file that is not a map of definitions is refused with encoding/json's words
    "crds_not_definitions": ({
        "kustomization.yaml": "resources: [cm.yaml]\ncrds: [cm.yaml, other.yaml]\n",
        "cm.yaml": _CM,
    }, "loading CRDs [cm.yaml other.yaml]: unable to parse open API definition from 'cm.yaml': error "
       "unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type "
       "accumulator.OpenAPIDefinition"),
    "crds_a_list": ({
        "kustomization.yaml": "resources: [cm.yaml]\ncrds: [list.yaml]\n",
        "list.yaml": "- a\n",
        "cm.yaml": _CM,
    }, "loading CRDs [list.yaml]: unable to parse open API definition from 'list.yaml': error "
       "unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type "
       "accumulator.nameToApiMap"),
    "crds_malformed_yaml": ({
        "kustomization.yaml": "resources: [cm.yaml]\ncrds: [bad.yaml]\n",
        "bad.yaml": "a: [\n",
        "cm.yaml": _CM,
    }, "loading CRDs [bad.yaml]: unable to parse open API definition from 'bad.yaml': error converting "
       "YAML to JSON: yaml: line 1: did not find expected node content"),
    "crds_missing_file": ({
        "kustomization.yaml": "resources: [cm.yaml]\ncrds: [missing.yaml]\n",
        "cm.yaml": _CM,
    }, "loading CRDs [missing.yaml]: evalsymlink failure on "),
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def reference_output(tree: Path) -> str:
    proc = subprocess.run([REFERENCE, "kustomize", str(tree)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_fixture(case: str, tmp_path: Path) -> None:
    write_tree(tmp_path, CASES[case])
    expected = (FIXTURES / case / "expected.yaml").read_text()
    assert kustomize_py.build(tmp_path, warn=lambda m: None).yaml == expected


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_matches_reference(case: str, tmp_path: Path) -> None:
    if not os.access(REFERENCE, os.X_OK):
        pytest.skip("reference kustomize not installed")
    write_tree(tmp_path, CASES[case])
    assert reference_output(tmp_path) == (FIXTURES / case / "expected.yaml").read_text()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_like_reference(case: str, tmp_path: Path) -> None:
    write_tree(tmp_path, REFUSED[case])
    with pytest.raises(KpyError):
        kustomize_py.build(tmp_path, warn=lambda m: None)
    if os.access(REFERENCE, os.X_OK):
        proc = subprocess.run([REFERENCE, "kustomize", str(tmp_path)], capture_output=True, text=True,
                              timeout=60, check=False)
        assert proc.returncode != 0


@pytest.mark.parametrize("case", sorted(WORDED))
def test_refused_in_reference_words(case: str, tmp_path: Path) -> None:
    files, part = WORDED[case]
    write_tree(tmp_path, files)
    with pytest.raises(KpyError) as info:
        kustomize_py.build(tmp_path, warn=lambda m: None)
    assert info.value.message.startswith(part)
    reference = reference_error(tmp_path)
    if reference is not None:
        assert info.value.message.rstrip("\n") == reference


# Trees built from their subdirectory `k`, reaching out of it (found on
# kubernetes-sigs/cluster-api-provider-azure's flavors and argo-cd's e2e test data): the load
# restriction's message names no path before it, and a kustomization file that is a link leading
# out of the root is not found at all. (files, the start of kpy's message).
OUTSIDE: dict[str, tuple[dict[str, str], str]] = {
    "patch_file_outside_root": ({
        "k/kustomization.yaml": "resources: [cm.yaml]\npatches:\n- path: ../p.yaml\n",
        "k/cm.yaml": _CM,
        "p.yaml": _CM,
    }, "trouble configuring builtin PatchTransformer with config: `\npath: ../p.yaml\n`: failed to get "
       "the patch file from path(../p.yaml): security; file '"),
    "crds_file_outside_root": ({
        "k/kustomization.yaml": "resources: [cm.yaml]\ncrds: [../p.yaml]\n",
        "k/cm.yaml": _CM,
        "p.yaml": _CM,
    }, "loading CRDs [../p.yaml]: security; file '"),
    "kustomization_file_links_outside_root": ({
        "k/kustomization.yaml": "-> ../base/kustomization.yaml",
        "base/kustomization.yaml": "resources: [cm.yaml]\n",
        "base/cm.yaml": _CM,
    }, "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '"),
}


@pytest.mark.parametrize("case", sorted(OUTSIDE))
def test_outside_root_in_reference_words(case: str, tmp_path: Path) -> None:
    files, part = OUTSIDE[case]
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        if text.startswith("-> "):
            (tmp_path / rel).symlink_to(text.removeprefix("-> "))
        else:
            (tmp_path / rel).write_text(text)
    with pytest.raises(KpyError) as info:
        kustomize_py.build(tmp_path / "k", warn=lambda m: None)
    assert info.value.message.startswith(part)
    reference = reference_error(tmp_path / "k")
    if reference is not None:
        assert info.value.message.rstrip("\n") == reference


def regenerate() -> None:
    """Write every case's expected.yaml from the reference."""
    import tempfile

    for case, files in sorted(CASES.items()):
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(Path(tmp), files)
            out = reference_output(Path(tmp))
        target = FIXTURES / case
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        (target / "expected.yaml").write_text(out)
        print(f"wrote {target / 'expected.yaml'}")


if __name__ == "__main__":
    regenerate()


@pytest.mark.parametrize("name", ["{a: b}", "[a]"])
def test_a_name_that_is_a_map_or_list_is_missing_like_the_reference(tmp_path: Path, name: str) -> None:
    # kubectl 1.33 kustomize: "missing metadata.name in object {{v1 ConfigMap} ...}", exit 1
    from kustomize_py import build
    from kustomize_py.errors import KpyError

    (tmp_path / "cm.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n")
    (tmp_path / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    with pytest.raises(KpyError, match="missing metadata.name"):
        build(tmp_path)
