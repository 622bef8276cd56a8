"""Transformers: small functions over lists of resources, each configured like a builtin plugin."""
