"""Bitnami sealed-secrets, offline: kubeseal's hybrid codec, scopes, SealedSecret objects and checks.

Importing this package does not import `cryptography`; the functions that need it load it on use.
"""

from kustomize_py.sealed.bulk import SealOutcome, find_sources, seal_all
from kustomize_py.sealed.check import Finding, check_sealed_scopes
from kustomize_py.sealed.codec import (
    decrypt,
    decrypt_item,
    encrypt,
    encrypt_item,
    fingerprint,
    load_certificate,
    load_private_keys,
)
from kustomize_py.sealed.manifest import dump, dump_kubeseal, parse_objects, seal_secret, unseal
from kustomize_py.sealed.merge import merge_into
from kustomize_py.sealed.reencrypt import Reencrypted, reencrypt_text
from kustomize_py.sealed.validate import Verdict, validate_objects
from kustomize_py.sealed.scope import (
    ANNOTATION_CLUSTER_WIDE,
    ANNOTATION_NAMESPACE_WIDE,
    CLUSTER_WIDE,
    NAMESPACE_WIDE,
    SCOPES,
    STRICT,
    encryption_label,
    scope_from_annotations,
)

__all__ = [
    "ANNOTATION_CLUSTER_WIDE",
    "ANNOTATION_NAMESPACE_WIDE",
    "CLUSTER_WIDE",
    "NAMESPACE_WIDE",
    "SCOPES",
    "STRICT",
    "Finding",
    "Reencrypted",
    "SealOutcome",
    "Verdict",
    "check_sealed_scopes",
    "decrypt",
    "decrypt_item",
    "dump",
    "dump_kubeseal",
    "encrypt",
    "encrypt_item",
    "encryption_label",
    "find_sources",
    "fingerprint",
    "load_certificate",
    "load_private_keys",
    "merge_into",
    "parse_objects",
    "reencrypt_text",
    "scope_from_annotations",
    "seal_all",
    "seal_secret",
    "unseal",
    "validate_objects",
]
