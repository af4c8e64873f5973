"""The generated registry of tests/targets, reused by the report tests."""

from tests.targets.conftest import AS_OF, generated, registry  # noqa: F401
