"""API responses say how long the server worked on them (Server-Timing); pages do not."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db
TIMING = re.compile(r'app;dur=(\d+\.\d), cpu;dur=(\d+\.\d), db;dur=(\d+\.\d);desc="(\d+)"')


def test_api_responses_carry_the_servers_time_cpu_and_queries(desk):
    client = client_for(desk.editor)
    client.get("/api/v1/workspaces/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/annotations/?document={desk.document.pk}")
    assert response.status_code == 200
    app, cpu, db, count = TIMING.fullmatch(response["Server-Timing"]).groups()
    assert int(count) == len(queries)
    assert float(app) >= float(db)
    error = client.get("/api/v1/annotations/999999/")
    assert error.status_code == 404 and TIMING.fullmatch(error["Server-Timing"])


def test_pages_carry_no_server_timing(client):
    assert "Server-Timing" not in client.get("/accounts/login/")
