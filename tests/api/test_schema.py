"""The OpenAPI schema describes every endpoint without warnings; the docs work offline."""

import pytest
from django.core.management import call_command

from annotations.api import urls as api_urls

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_generates_and_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning (an untyped field, an unknown response) into an error.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_every_operation_documents_its_errors():
    schema = _schema()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 55
    for path, method, operation in operations:
        assert path.endswith("/"), path
        codes = set(operation["responses"])
        assert {"400", "401", "403", "404", "429"} <= codes, (path, method)
        assert any(code.startswith("2") for code in codes), (path, method)
        error = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
    annotation = schema["paths"]["/api/v1/annotations/{id}/"]
    for method in ("put", "patch", "delete"):
        assert {"412", "428"} <= set(annotation[method]["responses"])
        assert any(p["name"] == "If-Match" for p in annotation[method]["parameters"])
    get = annotation["get"]["responses"]["200"]["content"]
    assert 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"' in get
    assert "413" in schema["paths"]["/api/v1/documents/"]["post"]["responses"]


def test_schema_is_served(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/annotations/{id}/submit/" in response.json()["paths"]


def test_swagger_ui_is_served_from_our_own_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


def test_api_urls_all_end_in_a_slash():
    *routes, catch_all = api_urls.urlpatterns
    assert str(catch_all.pattern) == "^"  # a JSON 404 for anything else
    for pattern in routes:
        route = str(pattern.pattern)
        assert route.endswith(("/", "/$")), route
