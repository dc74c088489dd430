"""Load benchmark: a desk of people working on the same documents at once.

    .venv/bin/python bench/load.py [--levels 10,50,100] [--duration 60]

Against `make serve`-style serving (gunicorn, DEBUG off, whitenoise) on 127.0.0.1 with a
throwaway PostgreSQL database (created, filled, dropped): 20 documents of 2,000 claims with 3
annotations each. Each simulated user waits 1 to 3 s between actions, as a person would,
and mixes: the document page, the claim list API, annotation create and update, a comment,
a CSV export. Locust drives the load (headless, from a separate process). API throttle rates
are raised for the run, since one machine sends all the traffic; this is said in the output.
Budget at 50 users: no errors, reads p95 < 500 ms, writes p95 < 800 ms. Figures are
counted once every user has logged in (password hashing is slow on purpose).
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = "factcheck_load"
PG = f"postgres://postgres@127.0.0.1:5432/{DB}"
PASSWORD = "load-test-password"
DOCUMENTS, CLAIMS_PER_DOCUMENT, ANNOTATIONS_PER_CLAIM = 20, 2000, 3
READS = {"document page", "claim list", "export csv"}


def server_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": PG,
        "SECRET_KEY": "load-benchmark-only",
        "DEBUG": "0",
        "SECURE_SSL": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_USER": "1000000/min",
        "THROTTLE_ANON": "1000000/min",
        "THROTTLE_TOKEN": "1000000/min",
        "AXES_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
    }


def fill() -> None:
    """Runs inside Django (child process): the documents, claims and annotations."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from annotations.models import Annotation, Claim, Membership, Rating, Role, Workspace
    from annotations.services import import_document

    User = get_user_model()
    workspace = Workspace.objects.create(slug="load", name="Load desk")
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [User(username=f"load{i}", password=hashed) for i in range(110)]
    )
    Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=u, role=Role.REVIEWER) for u in users]
    )
    rng = random.Random(7)
    subjects = ["Unemployment", "Inflation", "The deficit", "Crime", "Emissions", "Turnout"]
    verbs = ["fell to", "rose to", "stayed at", "reached", "doubled to"]
    ratings = list(Rating.objects.filter(scale__workspace=workspace, ordinal=True))
    documents = []
    for d in range(DOCUMENTS):
        sentences = [
            f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.randint(1, 99)}.{i % 10}% "
            f"in {1990 + i % 35} according to report {d}-{i}."
            for i in range(CLAIMS_PER_DOCUMENT)
        ]
        text = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
        documents.append(import_document(workspace, text, title=f"Speech {d}").document)
    annotators = users[100:103]
    batch = []
    for claim_id in Claim.objects.filter(document__workspace=workspace).values_list(
        "pk", flat=True
    ):
        for author in annotators:
            batch.append(
                Annotation(
                    claim_id=claim_id,
                    author=author,
                    rating=rng.choice(ratings),
                    summary="Checked against the statistics office.",
                    note="The **official** figure differs.",
                    status="submitted",
                )
            )
        if len(batch) >= 10_000:
            Annotation.objects.bulk_create(batch)
            batch = []
    Annotation.objects.bulk_create(batch)
    plan = {
        "documents": [d.pk for d in documents],
        "claims": {str(d.pk): list(d.claims.values_list("pk", flat=True)) for d in documents},
        "ratings": [r.pk for r in ratings],
    }
    (Path(os.environ["LOAD_PLAN"])).write_text(json.dumps(plan))


def drive(host: str, users: int, duration: int, plan_path: str, out: str) -> None:
    """Runs Locust in this (child) process and writes the stats as JSON."""
    import gevent
    from locust import FastHttpUser, between, task
    from locust.env import Environment

    plan = json.loads(Path(plan_path).read_text())
    counter = iter(range(10**6))

    class Checker(FastHttpUser):
        wait_time = between(1, 3)
        host = ""

        def on_start(self):
            n = next(counter)
            self.username = f"load{n % 100}"
            self.rng = random.Random(n)
            self.document = plan["documents"][n % len(plan["documents"])]
            self.claims = plan["claims"][str(self.document)]
            self.mine = []
            token = self.client.post(
                "/api/v1/auth/token/",
                json={"username": self.username, "password": PASSWORD},
                name="token",
            ).json()["token"]
            self.api = {"Authorization": f"Token {token}"}
            page = self.client.get("/login/", name="login page")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            self.client.post(
                "/login/",
                data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
                headers={"Referer": host + "/login/"},
                name="login",
            )

        @task(4)
        def document_page(self):
            self.client.get(f"/documents/{self.document}/", name="document page")

        @task(4)
        def claim_list(self):
            self.client.get(
                f"/api/v1/claims/?document={self.document}&page_size=100",
                headers=self.api,
                name="claim list",
            )

        @task(2)
        def create_annotation(self):
            claim = self.rng.choice(self.claims)
            response = self.client.post(
                "/api/v1/annotations/",
                json={
                    "claim": claim,
                    "rating": self.rng.choice(plan["ratings"]),
                    "summary": "Official figures say otherwise.",
                    "note": "See the statistics office table.",
                    "sources": [{"url": "https://stats.example.org/t1", "title": "Table 1"}],
                },
                headers=self.api,
                name="annotation create",
                catch_response=True,
            )
            with response:
                if response.status_code == 201:
                    body = response.json()
                    self.mine.append((body["id"], response.headers.get("ETag")))
                    response.success()
                elif response.status_code in (400, 403, 409) and "already" in (response.text or ""):
                    response.success()  # this user had annotated that claim before
                else:
                    response.failure(f"{response.status_code}: {(response.text or '')[:200]}")

        @task(2)
        def update_annotation(self):
            if not self.mine:
                return
            pk, etag = self.mine[-1]
            response = self.client.patch(
                f"/api/v1/annotations/{pk}/",
                json={"summary": f"Revised {time.time():.0f}."},
                headers={**self.api, "If-Match": etag},
                name="annotation update",
            )
            if response.status_code == 200:
                self.mine[-1] = (pk, response.headers.get("ETag"))

        @task(1)
        def comment(self):
            if not self.mine:
                return
            self.client.post(
                "/api/v1/comments/",
                json={"annotation": self.mine[-1][0], "body": "Is there a newer table?"},
                headers=self.api,
                name="comment",
            )

        @task(1)
        def export(self):
            self.client.get(
                f"/api/v1/documents/{self.document}/export/csv/",
                headers=self.api,
                name="export csv",
            )

    env = Environment(user_classes=[Checker], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(5, users // 5))
    # Logging in hashes a password (deliberately slow); measure the desk at work, not the
    # moment everyone logs in at once: wait until all have, then start counting.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        logged_in = env.stats.get("login", "POST").num_requests
        if logged_in >= users:
            break
        gevent.sleep(0.5)
    gevent.sleep(3)
    env.stats.reset_all()
    Path(f"{out}.counting").touch()  # for a caller measuring the counted window only
    gevent.sleep(duration)
    runner.quit()
    stats = {}
    for (name, _method), entry in env.stats.entries.items():
        stats[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
            # Locust's histogram (rounded ms: count), so runs can be pooled.
            "times": {str(ms): n for ms, n in entry.response_times.items()},
        }
    total = env.stats.total
    stats["_total"] = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.num_requests / duration,
        "p50": total.get_response_time_percentile(0.5),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "errors": [f"{e.name}: {e.error}" for e in list(env.stats.errors.values())[:5]],
    }
    Path(out).write_text(json.dumps(stats))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str) -> None:
    subprocess.run(["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qc", sql], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="10,50,100")
    parser.add_argument("--duration", type=int, default=60, help="Seconds per level.")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers.")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--drive", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        return fill()
    if args.drive:
        host, users, plan, out = args.drive
        return drive(host, int(users), args.duration, plan, out)

    env = server_env()
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    plan = ROOT / ".data" / "load-plan.json"
    plan.parent.mkdir(exist_ok=True)
    server = None
    try:
        started = time.perf_counter()
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PY, __file__, "--fill"], cwd=ROOT, env={**env, "LOAD_PLAN": str(plan)}, check=True
        )
        # Statistics for the planner, as autovacuum gathers them a while after a bulk load
        # (and as an operator runs after restoring a dump).
        subprocess.run(["psql", PG, "-qc", "ANALYZE"], check=True)
        print(
            f"Data: {DOCUMENTS} documents x {CLAIMS_PER_DOCUMENT} claims x "
            f"{ANNOTATIONS_PER_CLAIM} annotations, filled in {time.perf_counter() - started:.0f} s"
        )
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "factcheck.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                "2",
                "--timeout",
                "60",
                # Longer than a user's pause: with gunicorn's default of 2 s, a request sent
                # as the server closes the idle connection is lost (as `make serve` does).
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        print(
            f"gunicorn, {args.workers} workers x 2 threads, keep-alive 75 s, on {host}; "
            "PostgreSQL; API throttles raised to 1,000,000/min for the run"
        )
        print(
            f"{'users':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6} "
            f"{'read p95':>9} {'write p95':>9}"
        )
        for users in [int(n) for n in args.levels.split(",")]:
            out = ROOT / ".data" / f"load-{users}.json"
            subprocess.run(
                [
                    PY,
                    __file__,
                    "--duration",
                    str(args.duration),
                    "--drive",
                    host,
                    str(users),
                    str(plan),
                    str(out),
                ],
                cwd=ROOT,
                check=True,
            )
            stats = json.loads(out.read_text())
            total = stats.pop("_total")
            reads = max((v["p95"] for k, v in stats.items() if k in READS), default=0)
            writes = max(
                (
                    v["p95"]
                    for k, v in stats.items()
                    if k not in READS and k not in ("token", "login", "login page")
                ),
                default=0,
            )
            print(
                f"{users:>5} {total['rps']:>7.1f} {total['p50']:>5.0f}ms {total['p95']:>5.0f}ms "
                f"{total['p99']:>5.0f}ms {total['failures']:>6} {reads:>7.0f}ms {writes:>7.0f}ms"
            )
            for name, row in sorted(stats.items()):
                if name in ("token", "login", "login page"):
                    continue
                print(
                    f"      {name:<18} {row['requests']:>6} req  p50 {row['p50']:>6.0f}ms  "
                    f"p95 {row['p95']:>6.0f}ms  failures {row['failures']}"
                )
            for error in total["errors"]:
                print(f"      error: {error}")
            if users == 50:
                ok = total["failures"] == 0 and reads < 500 and writes < 800
                print(
                    f"      budget at 50 users (no errors, reads p95 < 500 ms, writes p95 "
                    f"< 800 ms): {'met' if ok else 'NOT met'}"
                )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
