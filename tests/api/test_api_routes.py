"""Every operation the contract documents is routed to its own handler (issue 13: a POST answered 405 because
a GET declared before it on a parametrised path caught it)."""

import re

import pytest

from config.api import api as casework_api

OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in casework_api.get_openapi_schema()["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)


def test_the_contract_has_operations():
    assert len(OPERATIONS) > 50
    assert ("POST", "/api/v1/cases/allocate-unallocated") in OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_documented_operation_is_routed(client, world, method, path):
    from casework.accounts.tokens import api_token_issue

    token = api_token_issue(user=world.initiative_admin)
    url = re.sub(r"{[^}]+}", "1", path)
    response = client.generic(
        method, url, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code != 405, f"{method} {path} is caught by another route"
