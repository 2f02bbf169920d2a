"""Fixtures of the store tests: the PostgreSQL cluster the center's tests use."""

from tests.center.conftest import postgres  # noqa: F401 - a fixture, found by name
