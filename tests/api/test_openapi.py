"""The API answers what its OpenAPI document says: every path of the document is called and
its answers validated against their schemas (JSON Schema 2020-12, as OpenAPI 3.1 says)."""
import re

import pytest
from jsonschema import Draft202012Validator

from app.api import openapi
from app.auth.roles import Role
from tests import factories


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    return response.json


def validate(document, schema, instance):
    """Validate against `schema` with the document's components at hand for its $refs."""
    Draft202012Validator({**schema, "components": document["components"]}).validate(instance)


def test_the_document_is_openapi_3_1_and_its_schemas_are_json_schema(document):
    assert document["openapi"].startswith("3.1")
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    assert document == openapi.document() | {}  # what is served is the module's document


# A query each list refuses (400): the pagination's for the lists, the level for the figures.
BAD_QUERY = {"/api/v1/tableau-de-bord": "?niveau=canton"}


def _urls(path: str, world) -> list[str]:
    ids = {"dossier_id": world.signed.id, "fiche_id": world.fiche.id}
    return [re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)]


def test_every_path_answers_what_the_document_says(client, world, bearer, document):
    headers = bearer(factories.user_with_role(Role.ANCT))
    paths = document["paths"]
    assert len(paths) >= 8
    for path, item in paths.items():
        operation = item["get"]
        assert set(item) == {"get"}, f"{path}: read-only API, GET only"
        for url in _urls(path, world):
            response = client.get(url, headers=headers)
            assert str(response.status_code) in operation["responses"], (url, response.status_code)
            assert response.status_code == 200, url
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            validate(document, schema, response.json)
            if "resultats" in response.json:
                assert response.json["resultats"], f"{url}: nothing to validate in an empty list"
                paged = client.get(url + "?limite=1", headers=headers)
                validate(document, schema, paged.json)
                assert paged.json["suivant"], url
            if operation.get("security") == []:
                continue
            refused = client.get(url)
            assert refused.status_code == 401
            validate(document, operation["responses"]["401"]["content"]["application/json"]["schema"],
                     refused.json)
        if "{" in path:
            missing = client.get(re.sub(r"{\w+}", "2147483000", path), headers=headers)
            assert missing.status_code == 404
            validate(document, operation["responses"]["404"]["content"]["application/json"]["schema"],
                     missing.json)
        elif "400" in operation["responses"]:
            bad = client.get(path + BAD_QUERY.get(path, "?limite=0"), headers=headers)
            assert bad.status_code == 400
            validate(document, operation["responses"]["400"]["content"]["application/json"]["schema"], bad.json)


def test_every_api_route_is_in_the_document(app, document):
    served = {re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown"}
    assert served == set(document["paths"])


def test_an_unknown_address_of_the_api_answers_json(client, bearer, document):
    headers = bearer(factories.user_with_role(Role.ANCT))
    response = client.get("/api/v1/dosiers", headers=headers)
    assert response.status_code == 404 and response.is_json
    validate(document, {"$ref": "#/components/schemas/Erreur"}, response.json)
    assert client.get("/api/v1/dosiers").status_code == 401


def test_the_dashboard_figures_are_the_pages_at_a_level_and_a_date(client, world, bearer, document):
    from datetime import date

    from app.tableaux.figures import figures

    dep = world.signed.departement_code
    prefecture = factories.user_with_role(Role.PREFECTURE, departement_code=dep)
    schema = document["paths"]["/api/v1/tableau-de-bord"]["get"]["responses"]["200"]["content"]["application/json"]
    url = f"/api/v1/tableau-de-bord?niveau=departement&code={dep}&date=2024-12-31"
    answer = client.get(url, headers=bearer(prefecture))
    assert answer.status_code == 200
    validate(document, schema["schema"], answer.json)
    assert answer.json == figures("departement", dep, date(2024, 12, 31), prefecture).as_dict()
    assert answer.json["au"] == "2024-12-31" and answer.json["code"] == dep
    other = factories.departement().code
    assert client.get(f"/api/v1/tableau-de-bord?niveau=departement&code={other}",
                      headers=bearer(prefecture)).status_code == 404
    national = client.get("/api/v1/tableau-de-bord", headers=bearer(prefecture))
    assert national.status_code == 403 and national.json["statut"] == 403
    for query in ("?niveau=canton", "?niveau=region", "?date=31/12/2024"):
        assert client.get("/api/v1/tableau-de-bord" + query, headers=bearer(prefecture)).status_code == 400
