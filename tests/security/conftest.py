"""The security tests reuse the process fixtures of the fault tests."""
from tests.reliability.conftest import private_queue, pytest_runtest_makereport, stack  # noqa: F401
