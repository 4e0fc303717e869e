from casework.cases.tests.conftest import active_case, risk, unallocated  # noqa: F401
