"""Exports: the ledger in formats other tools read."""
