"""GitOps repo tooling: workload/overlay discovery, the file dependency graph, affected overlays, checks."""
