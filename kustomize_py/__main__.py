"""`python -m kustomize_py` runs the kpy command line."""

from kustomize_py.cli import main

raise SystemExit(main())
