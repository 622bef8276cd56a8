"""End to end through the renderer: the example repo's staging environment synced to git and a directory.

These skip while the renderer cannot build an overlay yet, and run as soon as it can.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.errors import KpyError
from kustomize_py.sync.apps import load_applications, render
from kustomize_py.sync.backends.git import GitBackend
from kustomize_py.sync.backends.memory import MemoryBackend
from kustomize_py.sync.engine import SyncOptions, sync

EXAMPLES = Path(__file__).parent.parent / "examples" / "assets"
STAGING = [a for a in load_applications(EXAMPLES) if a.name.endswith("-staging")]


def rendered(app, root=EXAMPLES):
    try:
        return render(app, root)
    except (KpyError, ImportError) as err:
        if "not supported yet" in str(err) or isinstance(err, ImportError):
            pytest.skip(f"renderer cannot build {app.path} yet: {err}")
        raise


def options(app, **kw):
    return SyncOptions(namespace=app.namespace, create_namespace=app.create_namespace, poll_interval=0, **kw)


@pytest.mark.parametrize("app", STAGING, ids=lambda a: a.name)
def test_staging_app_syncs_and_resyncs_clean(app):
    desired = rendered(app)
    mem = MemoryBackend()
    first = sync(app.name, desired, mem, options(app))
    assert first.ok, first.message
    assert first.count("created") >= len(desired)
    again = sync(app.name, desired, mem, options(app))
    assert again.count("created") == 0 and again.count("configured") == 0
    # the namespace CreateNamespace made is not the app's (Argo CD does not track it): no step on resync
    assert again.count("unchanged") == first.count("created") - (1 if app.create_namespace else 0)


def test_staging_environment_to_a_git_branch(tmp_path):
    repo = tmp_path / "assets"
    shutil.copytree(EXAMPLES, repo)
    h.init_repo(repo)
    h.git(repo, "add", "-A")
    h.git(repo, "commit", "-q", "-m", "assets")
    for app in STAGING:
        assert sync(app.name, rendered(app, repo), GitBackend(repo, "rendered/staging"), options(app)).ok
    tree = h.git(repo, "ls-tree", "-d", "--name-only", "rendered/staging").split()
    assert tree == sorted(a.name for a in STAGING)
    # Change one overlay: only that app's branch folder gets a new commit touching its objects.
    grafana = next(a for a in STAGING if a.name == "grafana-staging")
    kustomization = repo / grafana.path / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "\ncommonAnnotations:\n  example.com/changed: \"yes\"\n")
    before = h.git(repo, "rev-parse", "rendered/staging").strip()
    for app in STAGING:
        sync(app.name, rendered(app, repo), GitBackend(repo, "rendered/staging"), options(app))
    changed = h.git(repo, "diff", "--name-only", before, "rendered/staging").split()
    assert changed and all(path.startswith("grafana-staging/") for path in changed)
