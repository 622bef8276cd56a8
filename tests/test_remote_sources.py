"""Generator sources (`files`, `envs`, `env`) that are http(s) URLs: downloaded as the reference's
file loader downloads them, from a local server in a thread (no network), compared byte for byte
with the reference building the same tree against the same server."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from pathlib import Path

import pytest

from kustomize_py.errors import KpyError, RemoteError
from kustomize_py.loader import is_remote_file
from kustomize_py.pipeline import build

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
BINARY = bytes(range(256)) * 2  # not UTF-8: binaryData in a ConfigMap, base64 in a Secret


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files under the server's directory; `/moved/NAME` redirects to `/NAME`; every request's
    path and Authorization header are recorded."""

    seen: list[tuple[str, str | None]]

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path.startswith("/moved/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/moved"):])
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "www"
    (root / "dir").mkdir(parents=True)
    (root / "dir" / "app.properties").write_text("color=blue\nsize: 3\n")
    (root / "top.txt").write_text("top\n")
    (root / "dir" / "a.env").write_text("A=1\n# comment\nB=two words\n")
    (root / "one.env").write_text("C=3\n")
    (root / "dir" / "blob.bin").write_bytes(BINARY)
    seen: list[tuple[str, str | None]] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def _tree(tmp_path: Path, kustomization: str) -> Path:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "kustomization.yaml").write_text(kustomization)
    return app


def _reference(directory: Path) -> subprocess.CompletedProcess[str]:
    if not os.path.exists(REFERENCE):
        pytest.skip("reference kustomize (kubectl 1.33) not installed")
    return subprocess.run([REFERENCE, "kustomize", str(directory)], capture_output=True, text=True, check=False)


def _same_as_reference(directory: Path) -> str:
    out = build(directory).yaml
    done = _reference(directory)
    assert done.returncode == 0, done.stderr
    assert out == done.stdout
    return out


def test_files_with_and_without_key_envs_and_env(tmp_path: Path, server: tuple[str, list]) -> None:
    url, seen = server
    app = _tree(tmp_path, f"""\
configMapGenerator:
- name: settings
  files:
  - {url}/dir/app.properties
  - renamed={url}/top.txt
  - HTTP://127.0.0.1:{url.rsplit(':', 1)[1]}/top.txt
  envs:
  - {url}/dir/a.env
  env: {url}/one.env
""")
    out = _same_as_reference(app)
    assert "app.properties: |\n    color=blue\n    size: 3\n" in out
    assert "renamed: |\n    top\n" in out and "top.txt: |\n    top\n" in out
    assert "A: \"1\"\n  B: two words\n  C: \"3\"\n" in out
    assert ("/one.env", None) in seen


def test_binary_file_in_a_secret_and_a_configmap(tmp_path: Path, server: tuple[str, list]) -> None:
    url, _ = server
    app = _tree(tmp_path, f"""\
secretGenerator:
- name: creds
  files:
  - {url}/dir/blob.bin
configMapGenerator:
- name: blob
  files:
  - {url}/dir/blob.bin
""")
    out = _same_as_reference(app)
    assert "binaryData:\n  blob.bin: |\n    AAECAwQF" in out
    assert "kind: Secret" in out and out.count("AAECAwQF") == 2


def test_redirect_is_followed(tmp_path: Path, server: tuple[str, list]) -> None:
    url, seen = server
    app = _tree(tmp_path, f"configMapGenerator:\n- name: c\n  files:\n  - t={url}/moved/top.txt\n")
    assert "t: |\n    top\n" in _same_as_reference(app)
    assert [p for p, _ in seen] == ["/moved/top.txt", "/top.txt"] * (len(seen) // 2)


def test_query_with_equals_sign_splits_like_a_key(tmp_path: Path, server: tuple[str, list]) -> None:
    # `URL?a=b` is `key=path` to the reference: key `URL?a`, local file `b`
    url, seen = server
    app = _tree(tmp_path, f"configMapGenerator:\n- name: c\n  files:\n  - {url}/top.txt?a=b\n")
    with pytest.raises(KpyError, match=r"evalsymlink failure on '.*/app/b'"):
        build(app)
    assert seen == []
    assert _reference(app).returncode != 0


@pytest.mark.parametrize("path,words", [
    ("/missing.txt", "HTTP Error: status code 404 (Not Found)"),
    # two path segments also parse as a git URL: the reference then calls it a repository
    ("/dir/missing.txt", "URL is a git repository"),
])
@pytest.mark.parametrize("field", ["files", "envs"])
def test_http_error_status(tmp_path: Path, server: tuple[str, list], path: str, words: str, field: str) -> None:
    url, _ = server
    app = _tree(tmp_path, f"configMapGenerator:\n- name: c\n  {field}:\n  - {url}{path}\n")
    with pytest.raises(RemoteError) as info:
        build(app)
    text = str(info.value)
    kind = "file sources" if field == "files" else "env source files"
    assert text.startswith(f"{app}/kustomization.yaml: loading KV pairs: {kind}: [{url}{path}]: {words}")
    assert info.value.field == field
    done = _reference(app)
    assert done.returncode != 0 and f"loading KV pairs: {kind}: [{url}{path}]: {words}" in done.stderr


def test_credentials_become_basic_auth_and_never_show(tmp_path: Path, server: tuple[str, list]) -> None:
    url, seen = server
    host = url.removeprefix("http://")
    app = _tree(tmp_path, f"configMapGenerator:\n- name: c\n  files:\n  - t=http://me:s3cret@{host}/moved/top.txt\n")
    assert "t: |\n    top\n" in _same_as_reference(app)
    # bWU6czNjcmV0 is base64("me:s3cret"); the redirected request does not carry it
    assert seen[:2] == [("/moved/top.txt", "Basic bWU6czNjcmV0"), ("/top.txt", None)]
    app = _tree(tmp_path, f"configMapGenerator:\n- name: c\n  files:\n  - http://me:s3cret@{host}/nope\n")
    with pytest.raises(RemoteError) as info:
        build(app)
    assert "s3cret" not in str(info.value) and "me:***@" in str(info.value)


def test_in_memory_build_refuses_unless_allowed(server: tuple[str, list]) -> None:
    url, seen = server
    files = {"app/kustomization.yaml": f"configMapGenerator:\n- name: c\n  files:\n  - {url}/top.txt\n"}
    with pytest.raises(RemoteError) as info:
        build("app", files=files)
    assert str(info.value) == (
        f"/app/kustomization.yaml: field files: loading KV pairs: file sources: [{url}/top.txt]: "
        f"remote '{url}/top.txt' refused: an in-memory build fetches nothing unless allow_remote=True")
    assert seen == []
    assert "top.txt: |\n    top\n" in build("app", files=files, allow_remote=True).yaml


def test_disk_build_with_allow_remote_false_refuses(tmp_path: Path, server: tuple[str, list]) -> None:
    url, seen = server
    app = _tree(tmp_path, f"secretGenerator:\n- name: s\n  env: {url}/one.env\n")
    with pytest.raises(RemoteError, match=r"remote '.*/one.env' refused: allow_remote=False") as info:
        build(app, allow_remote=False)
    assert info.value.path == f"{app}/kustomization.yaml" and info.value.field == "envs"  # `env` is folded in
    assert seen == []


def test_generator_plugin_sources_fetch_too(tmp_path: Path, server: tuple[str, list]) -> None:
    url, _ = server
    app = _tree(tmp_path, "generators:\n- gen.yaml\n")
    (app / "gen.yaml").write_text(f"apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: p\n"
                                  f"files:\n- {url}/top.txt\n")
    assert "top.txt: |\n    top\n" in _same_as_reference(app)


@pytest.mark.parametrize("path,remote", [
    # the reference's own IsRemoteFile table (api/internal/loader/fileloader_test.go)
    ("https://raw.githubusercontent.com/kubernetes-sigs/kustomize/master/examples/helloWorld/configMap.yaml", True),
    ("https:/raw.githubusercontent.com/kubernetes-sigs/kustomize/master/examples/helloWorld/configMap.yaml", True),
    ("https://github.com/kubernetes-sigs/kustomize//examples/helloWorld/", True),
    ("github.com/kubernetes-sigs/kustomize//examples/helloWorld/", False),
    ("ssh://git@github.com/kubernetes-sigs/kustomize.git", False),
    ("pod.yaml", False),
    # Go's url.Parse lowercases the scheme, and fails on control characters and bad escapes
    ("HtTp://example.com/a", True),
    ("http://example.com/a\tb", False),
    ("http://example.com/%zz", False),
    ("http-files/a.txt", False),
])
def test_is_remote_file(path: str, remote: bool) -> None:
    assert is_remote_file(path) is remote


def test_component_with_a_dashboard_url(tmp_path: Path, server: tuple[str, list]) -> None:
    # the shape of redhat-cop/gitops-catalog gpu-operator-certified/instance/components/
    # monitoring-dashboard: a Component whose configMapGenerator names a JSON file by URL (behind
    # a redirect, as GitHub's /raw/ URLs are), keyed by the URL's last path element
    url, _ = server
    (tmp_path / "www" / "dir" / "dashboard.json").write_text('{\n  "title": "GPU",\n  "panels": []\n}\n')
    component = tmp_path / "dashboard"
    component.mkdir()
    (component / "kustomization.yaml").write_text(f"""\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
generatorOptions:
  labels:
    console.openshift.io/dashboard: "true"
  disableNameSuffixHash: true
configMapGenerator:
  - name: gpu-dashboard
    namespace: openshift-config-managed
    files:
      - {url}/moved/dir/dashboard.json
""")
    app = _tree(tmp_path, "components:\n- ../dashboard\n")
    out = _same_as_reference(app)
    assert "  dashboard.json: |\n    {\n      \"title\": \"GPU\",\n" in out
    assert "  name: gpu-dashboard\n  namespace: openshift-config-managed\n" in out
