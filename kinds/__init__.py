"""Homework kinds: one folder each, listed once in ``kinds.registry.REGISTRY``.

``kinds.base`` holds the contract; CONTRIBUTING.md says how to add a kind.
"""
