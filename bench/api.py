"""API benchmark over HTTP against PostgreSQL (issue 6's budget).

    .venv/bin/python bench/api.py [--pg postgres://postgres@127.0.0.1:5432] [--workers 4]

Creates a throwaway database, migrates it, seeds one workspace with a 1,000-claim
document, starts gunicorn on a free loopback port and measures:

- annotations created per second: 1,000 POST /api/v1/annotations/, one annotation each
  with rating, note and one source, sent by 8 client threads (budget: >= 100/s);
- the median time to fetch all 1,000 annotations of the document through
  /api/v1/annotations/?document=… with pages of 500, the whole walk (budget: <= 0.2 s);
- the median time for one page of 500 claims (budget: <= 0.15 s).

The throttle rates are raised through THROTTLE_USER / THROTTLE_ANON / THROTTLE_TOKEN
(the defaults would stop the run at 1,200 requests a minute); the run says so.
The database is dropped at the end. Never part of the test run.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ANNOTATIONS = 1000
CLIENT_THREADS = 8
REPEATS = 15
BUDGET = {"create": 100.0, "walk": 0.2, "claims": 0.15}

SEED = """
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from annotations.models import Membership, Rating, Role, Workspace
from annotations.services import import_document

workspace = Workspace.objects.create(slug="bench", name="Bench")
editor = get_user_model().objects.create_user("bench-editor", password="x")
Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR)
text = "\\n".join(
    f"In {1900 + i % 120} the rate of item {i} rose by {i % 97}.{i % 10} percent."
    for i in range(1000)
)
result = import_document(workspace, text, title="Bench document", created_by=editor)
claims = list(result.document.claims.order_by("start").values_list("pk", flat=True))
rating = Rating.objects.filter(scale__workspace=workspace, label="False").get().pk
token = Token.objects.create(user=editor).key
print("SEED " + json.dumps({"document": result.document.pk, "claims": claims,
                            "rating": rating, "token": token}))
"""

NO_MIGRATIONS_SETTINGS = """
from factcheck.settings import *  # noqa: F403

MIGRATION_MODULES = {"annotations": None}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def manage(env, *args, input_text=None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Api:
    """One keep-alive connection per thread."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return conn

    def request(self, method: str, path: str, body=None) -> tuple[int, dict]:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                return response.status, json.loads(payload) if payload else {}
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited: " + server.stderr.read().decode()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def bench_create(api: Api, seed: dict) -> float:
    claims = seed["claims"][:ANNOTATIONS]
    assert len(claims) == ANNOTATIONS, f"only {len(claims)} claims"
    errors = []

    def work(chunk):
        for claim in chunk:
            status, body = api.request(
                "POST",
                "/api/v1/annotations/",
                {
                    "claim": claim,
                    "rating": seed["rating"],
                    "summary": "The official figure is different.",
                    "note": "The statistics office reports **another** figure for that year.",
                    "sources": [
                        {
                            "url": f"https://stats.example.org/tables/{claim}",
                            "title": "Annual table",
                            "stance": "refutes",
                        }
                    ],
                },
            )
            if status != 201:
                errors.append((status, body))

    chunks = [claims[i::CLIENT_THREADS] for i in range(CLIENT_THREADS)]
    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} creations failed, e.g. {errors[0]}")
    return ANNOTATIONS / elapsed


def walk_annotations(api: Api, document: int) -> tuple[float, int]:
    path = f"/api/v1/annotations/?document={document}&page_size=500"
    started = time.perf_counter()
    count = 0
    while path:
        status, body = api.request("GET", path)
        assert status == 200, body
        count += len(body["results"])
        nxt = body["next"]
        path = None if nxt is None else nxt[nxt.index("/api/") :]
    return time.perf_counter() - started, count


def claims_page(api: Api, document: int) -> tuple[float, int]:
    started = time.perf_counter()
    status, body = api.request("GET", f"/api/v1/claims/?document={document}&page_size=500")
    elapsed = time.perf_counter() - started
    assert status == 200, body
    return elapsed, len(body["results"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes"
    )
    args = parser.parse_args()

    name = f"factcheck_bench_{os.getpid()}"
    admin = f"{args.pg.rstrip('/')}/postgres"
    psql(admin, f'CREATE DATABASE "{name}"')
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.pg.rstrip('/')}/{name}",
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "0",
        "SECURE_SSL": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        # Raised for the benchmark: 1,000 creations in seconds exceed the default 1200/min.
        "THROTTLE_USER": "1000000/min",
        "THROTTLE_ANON": "1000000/min",
        "THROTTLE_TOKEN": "1000000/min",
    }
    print(
        f"database {name} on {urlsplit(args.pg).netloc}; gunicorn on 127.0.0.1:{port} "
        f"({args.workers} workers); throttle rates raised to 1000000/min for the run"
    )
    server = None
    shim = None
    try:
        try:
            manage(env, "migrate", "--noinput")
        except RuntimeError as exc:
            if "Conflicting migrations" not in str(exc):
                raise
            # Someone's migrations are mid-merge: build the tables from the models instead.
            print("note: migrations conflict; creating the tables from the models (syncdb)")
            shim = tempfile.TemporaryDirectory()
            Path(shim.name, "bench_settings.py").write_text(NO_MIGRATIONS_SETTINGS)
            env["PYTHONPATH"] = os.pathsep.join([shim.name, str(ROOT)])
            env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
            manage(env, "migrate", "--noinput", "--run-syncdb")
        out = manage(env, "shell", input_text=SEED)
        seed = json.loads(next(line for line in out.splitlines() if line.startswith("SEED "))[5:])
        print(f"seeded: document {seed['document']} with {len(seed['claims'])} claims")
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "factcheck.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_for(port, server)
        api = Api(port, seed["token"])
        for _ in range(3):  # warm the workers' connections and imports
            api.request("GET", "/api/v1/workspaces/")

        rate = bench_create(api, seed)
        walks = []
        for _ in range(REPEATS):
            elapsed, count = walk_annotations(api, seed["document"])
            assert count == ANNOTATIONS, count
            walks.append(elapsed)
        pages = []
        for _ in range(REPEATS):
            elapsed, count = claims_page(api, seed["document"])
            assert count == 500, count
            pages.append(elapsed)

        walk, page = statistics.median(walks), statistics.median(pages)
        ok = {
            "create": rate >= BUDGET["create"],
            "walk": walk <= BUDGET["walk"],
            "claims": page <= BUDGET["claims"],
        }

        def mark(key):
            return "ok" if ok[key] else "OVER BUDGET"

        rows = [
            ("annotations created per second", f"{rate:.1f}", ">= 100", "create", None),
            ("walk of 1,000 annotations, pages of 500", f"{walk:.3f} s", "<= 0.2 s", "walk", walks),
            ("page of 500 claims", f"{page:.3f} s", "<= 0.15 s", "claims", pages),
        ]
        for label, value, budget, key, samples in rows:
            spread = f"  (min {min(samples):.3f}, max {max(samples):.3f})" if samples else ""
            print(f"{label:42} {value:>9}  budget {budget:9} {mark(key)}{spread}")
        return 0 if all(ok.values()) else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if shim is not None:
            shim.cleanup()


if __name__ == "__main__":
    sys.exit(main())
