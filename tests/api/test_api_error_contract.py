"""The contract documents every error answer each operation can give, all with the one error body (issue 13).

What an operation may answer follows from the contract itself: a token → 401 and 403 (and 429, the locked-out
address); a record named in the path, or an id in the query or the body → 404; input → 422; a body → 400 (not
JSON) and 413 (too large); a write → 409. The answers the server gives are checked against the contract too.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from config.api import api as casework_api

ERROR_BODY = {"detail", "errors"}


def _contract() -> dict:
    # As a client reads it: every key is text.
    return json.loads(json.dumps(casework_api.get_openapi_schema()))


def _resolve(contract: dict, node: dict) -> dict:
    while "$ref" in node:
        node = contract["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _names(contract: dict, node: dict, seen: frozenset = frozenset()) -> set[str]:
    """Every property name under a schema, nested ones included."""
    ref = node.get("$ref")
    if ref in seen:
        return set()
    node = _resolve(contract, node)
    seen = seen | {ref}
    names = set(node.get("properties", {}))
    children = [*node.get("properties", {}).values(), *node.get("anyOf", ()), *node.get("allOf", ())]
    if isinstance(node.get("items"), dict):
        children.append(node["items"])
    for child in children:
        names |= _names(contract, child, seen)
    return names


def _expected(contract: dict, method: str, operation: dict) -> set[int]:
    expected = set()
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if operation.get("security"):
        expected |= {401, 403, 429}
    named = {p["name"] for p in parameters if p["in"] != "path"}
    if body:
        for content in body["content"].values():
            named |= _names(contract, content["schema"])
    if any(p["in"] == "path" for p in parameters) or any(n.endswith(("_id", "_ids")) for n in named):
        expected.add(404)
    if parameters or body:
        expected.add(422)
    if body:
        expected |= {400, 413}
    if method != "get":
        expected.add(409)
    return expected


def _operations(contract: dict):
    for path, operations in contract["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", method, operation


def test_every_operation_documents_each_error_answer_it_can_give():
    contract = _contract()
    missing = {}
    for name, method, operation in _operations(contract):
        documented = {int(status) for status in operation["responses"]}
        lacking = _expected(contract, method, operation) - documented
        if lacking:
            missing[name] = sorted(lacking)
    assert not missing, f"Operations that do not document an error answer they can give: {missing}"


def test_every_error_answer_has_the_one_error_body_and_says_what_it_means():
    contract = _contract()
    wrong = []
    for name, _method, operation in _operations(contract):
        for status, answer in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = _resolve(contract, answer["content"]["application/json"]["schema"])
            if not ERROR_BODY <= set(schema["properties"]) or not ERROR_BODY <= set(schema["required"]):
                wrong.append(f"{name} {status}: not the error body")
            if not answer.get("description") or answer["description"] == "Conflict":
                wrong.append(f"{name} {status}: no description of its own")
    assert not wrong, wrong


def test_an_operations_own_error_answer_keeps_its_description():
    contract = _contract()
    search = contract["paths"]["/api/v1/people/search"]["get"]["responses"]["429"]
    assert "Too many searches of the index by you" in search["description"]
    assert "Too many failed tokens from your address" in search["description"]
    stage = contract["paths"]["/api/v1/cases/{case_id}/stage"]["post"]["responses"]["409"]
    assert stage["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/WarningsOut"}


def _validator(contract: dict, path: str, method: str, status: int):
    schema = contract["paths"][path][method]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]
    return lambda body: jsonschema.validate(body, {**schema, "components": contract["components"]})


@pytest.fixture
def contract(db):
    return _contract()


def test_the_answers_the_server_gives_have_the_documented_body(client, api, world, contract, settings):
    path = "/api/v1/cases/{case_id}/stage"
    as_practitioner = {"HTTP_AUTHORIZATION": f"Bearer {api(world.practitioner).token}"}
    answers = {
        401: client.post("/api/v1/cases/1/stage", "{}", content_type="application/json"),
        400: client.post(
            "/api/v1/cases/1/stage", "not json", content_type="application/json", **as_practitioner
        ),
        422: client.post(
            "/api/v1/cases/1/stage", '{"stage": 3}', content_type="application/json", **as_practitioner
        ),
        404: client.post(
            "/api/v1/cases/1/stage",
            '{"stage": "assessment"}',
            content_type="application/json",
            **as_practitioner,
        ),
        413: client.post(
            "/api/v1/cases/1/stage",
            json.dumps({"note": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}),
            content_type="application/json",
            **as_practitioner,
        ),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.content[:200])
        _validator(contract, path, "post", status)(response.json())


def test_a_stale_stage_move_is_a_409_without_warnings_that_the_contract_allows(api, world, contract):
    from casework.allocation.services import case_accept
    from tests.factories import CaseFactory

    case = case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    response = api(world.practitioner).post(
        f"/cases/{case.pk}/stage", {"stage": "assessment", "version": case.version + 5}
    )
    assert response.status_code == 409, response.content
    assert "warnings" not in response.json()
    _validator(contract, "/api/v1/cases/{case_id}/stage", "post", 409)(response.json())
