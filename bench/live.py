"""Live-stream benchmark: how soon colleagues see a save, and what open streams cost.

    .venv/bin/python bench/live.py [--port 8201] [--writes 60] [--duration 60]
        [--part all|latency|load|transcript] [--chunks 30] [--database NAME]

Serves as `make serve` does (gunicorn with uvicorn's ASGI workers, DEBUG off) on
127.0.0.1 against a throwaway PostgreSQL database (created, filled by bench/load.py's
fill, dropped), so the streams travel over LISTEN/NOTIFY.

- Latency: 10 readers follow one document's stream; one writer saves its annotation
  (PATCH with If-Match) and comments on it through the API, one write at a time. For
  each write and reader: the time from the write's response to the event reaching the
  reader (negative when the event arrived before the response). Budget: p95 < 1 s.
- Load: bench/load.py's 50 users (Locust) run in four segments of half the duration
  each, alternately without and with 200 open streams over the 20 documents (without,
  with, without, with), so that the database's growth and the machine's drift fall on
  both kinds alike; the reads of each kind are pooled (Locust's histograms) and it
  prints the reads' p95 of both. Budget: with streams at most 1.2x without, under
  500 ms, no errors (a 409 "already annotated" on creating is the API's answer to a
  user who annotated that claim before, not an error; any other failure is one).

- Transcript: a writer appends a live transcript (speaker labels, times) in 2 KB chunks
  every 2 s (`POST /documents/{id}/append/`, cut anywhere, so sentences are held across
  chunks) while 10 readers follow the document's stream. The desk has 100 published
  verdicts and the 10,375 reference fact-checks of ../shared/data's CLEF 2020 set, some
  of each the transcript repeats (the new claims are matched against both before the
  answer and their events). First 8 chunks go to another live document, not counted: each
  worker loads the word embeddings at its first append. For each chunk and reader: the
  time from sending the append to the last of that chunk's `claim.created` events
  reaching the reader. It prints p50 and p95. Budget: p95 < 1 s. (`--part transcript`
  fills its own small desk, not bench/load.py's.)

The streams are read by one asyncio loop in one thread over plain sockets (not a thread
per stream), so the bench's own readers cost little of the machine the server runs on;
each kind prints the CPU seconds the server's processes and the bench's process used
while the load was counted (not while its users logged in), and the load average.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py: its data, its users and its Locust load
from live_transcript import TRANSCRIPT_DESK, fill_transcript_desk, transcript_chunks

ROOT = load.ROOT
PY = load.PY
load.DB = "factcheck_live_bench"
load.PG = f"postgres://postgres@127.0.0.1:5432/{load.DB}"
READERS = 10
STREAMS = 200
WARM_UP = 8  # transcript chunks appended to another document first (see report_transcript)


_sessions: dict[str, requests.Session] = {}


def login(host: str, username: str) -> requests.Session:
    """A logged-in session per user (a user's two streams share it, as two tabs would)."""
    if username in _sessions:
        return _sessions[username]
    session = _sessions[username] = requests.Session()
    page = session.get(f"{host}/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{host}/login/",
        data={"username": username, "password": load.PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{host}/login/"},
    )
    answer.raise_for_status()
    return session


class Streams:
    """Every open stream of the bench read by one asyncio loop in one thread, over plain
    sockets: 200 readers cost the bench little, so the figures measure the server."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)


STREAMS_LOOP = None


class Follower:
    """One open stream: every change event with the moment it arrived."""

    def __init__(self, host, username, document):
        global STREAMS_LOOP
        STREAMS_LOOP = STREAMS_LOOP or Streams()
        self.loop = STREAMS_LOOP
        parts = urlsplit(host)
        self.address = (parts.hostname, parts.port)
        self.path = f"/live/documents/{document}/"
        cookies = login(host, username).cookies
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in cookies)
        self.arrivals = []  # (perf_counter, payload)
        self.ready = threading.Event()
        self.errors = 0
        self.open = False
        self.future = None

    def start(self):
        self.future = self.loop.run(self._read())

    async def _read(self):
        writer = None
        try:
            reader, writer = await asyncio.open_connection(*self.address)
            writer.write(
                f"GET {self.path} HTTP/1.1\r\nHost: {self.address[0]}\r\n"
                f"Accept: text/event-stream\r\nCookie: {self.cookie}\r\n\r\n".encode()
            )
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            if not head.startswith("HTTP/1.1 200"):
                raise OSError(head.split("\r\n", 1)[0])
            chunked = "transfer-encoding: chunked" in head.lower()
            self.open = True
            buffer = ""
            while True:
                if chunked:
                    size = int((await reader.readline()).strip() or b"0", 16)
                    if size == 0:
                        break  # the server ended the stream
                    buffer += (await reader.readexactly(size + 2))[:-2].decode()
                else:
                    data = await reader.read(65536)
                    if not data:
                        break
                    buffer += data.decode()
                *events, buffer = buffer.split("\n\n")
                for event in events:
                    self._event(event)
            raise OSError("the stream ended")
        except (OSError, asyncio.IncompleteReadError, ValueError):
            if self.open:
                self.errors += 1  # dropped while open (closing at the end is not counted)
        finally:
            self.open = False
            self.ready.set()
            if writer is not None:
                writer.close()

    def _event(self, text):
        name, data = "message", None
        for line in text.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        if name == "ready":
            self.ready.set()
        elif name == "change":
            self.arrivals.append((time.perf_counter(), json.loads(data)))

    def stop(self):
        """Stop reading: the server sees the connection close."""
        self.open = False
        if self.future is not None:
            self.future.cancel()


def latency(host, plan, writes: int) -> list[float]:
    document = plan["documents"][0]
    followers = [Follower(host, f"load{i}", document) for i in range(READERS)]
    for follower in followers:
        follower.start()
    for follower in followers:
        follower.ready.wait(30)
    token = requests.post(
        f"{host}/api/v1/auth/token/", json={"username": "load100", "password": load.PASSWORD}
    ).json()["token"]
    api = {"Authorization": f"Token {token}"}
    # load100 wrote one of the three annotations on every claim (bench/load.py's fill).
    listed = requests.get(
        f"{host}/api/v1/annotations/?claim={plan['claims'][str(document)][0]}", headers=api
    ).json()["results"]
    mine = next(a for a in listed if a["author"]["username"] == "load100")
    etag = requests.get(f"{host}/api/v1/annotations/{mine['id']}/", headers=api).headers["ETag"]
    delays = []
    for n in range(writes):
        seen = [len(f.arrivals) for f in followers]
        if n % 2 == 0:
            answer = requests.patch(
                f"{host}/api/v1/annotations/{mine['id']}/",
                json={"summary": f"Revised, pass {n}."},
                headers={**api, "If-Match": etag},
            )
            etag = answer.headers["ETag"]
        else:
            answer = requests.post(
                f"{host}/api/v1/comments/",
                json={"annotation": mine["id"], "body": f"Comment {n}"},
                headers=api,
            )
        answered = time.perf_counter()
        answer.raise_for_status()
        deadline = time.monotonic() + 10
        for follower, before in zip(followers, seen, strict=True):
            while len(follower.arrivals) <= before and time.monotonic() < deadline:
                time.sleep(0.002)
            if len(follower.arrivals) > before:
                delays.append(follower.arrivals[before][0] - answered)
            else:
                delays.append(float("inf"))  # never arrived: counted as a miss
        time.sleep(0.2)
    for follower in followers:
        follower.stop()
    return delays


def cpu_seconds(pid) -> float:
    """CPU time of a process and its children (the server's workers), from /proc."""
    total = 0.0
    for task in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *_children(int(child))]
    return found


def run_load(host, plan, duration, tag, server) -> dict:
    out = ROOT / ".data" / f"live-load-{tag}.json"
    counting = Path(f"{out}.counting")
    counting.unlink(missing_ok=True)
    driver = subprocess.Popen(
        [
            PY,
            load.__file__,
            "--duration",
            str(duration),
            "--drive",
            host,
            "50",
            str(plan),
            str(out),
        ],
        cwd=ROOT,
    )
    # CPU over the counted window only (not the users' logins, which hash passwords).
    while not counting.exists() and driver.poll() is None:
        time.sleep(0.05)
    started = cpu_seconds(server.pid), time.process_time()
    if driver.wait() != 0:
        raise RuntimeError("the load failed")
    cpu = cpu_seconds(server.pid) - started[0], time.process_time() - started[1]
    stats = json.loads(out.read_text())
    total = stats.pop("_total")
    return {
        "times": {k: v["times"] for k, v in stats.items() if k in load.READS},
        "failures": total["failures"],
        "requests": total["requests"],
        "seconds": duration,
        "errors": total["errors"],
        "cpu": cpu,
        "loadavg": os.getloadavg(),
    }


def pooled(runs) -> dict:
    """The segments of one kind as one run: the reads' p95 (the slowest read endpoint's,
    from the summed histograms), req/s, failures, CPU and the last load average."""
    times = {}
    for run in runs:
        for name, histogram in run["times"].items():
            into = times.setdefault(name, {})
            for ms, n in histogram.items():
                into[float(ms)] = into.get(float(ms), 0) + n
    return {
        "reads": max((_p95(h) for h in times.values()), default=0),
        "rps": sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs),
        "failures": sum(r["failures"] for r in runs),
        "errors": [e for r in runs for e in r["errors"]],
        "cpu": tuple(sum(r["cpu"][i] for r in runs) for i in (0, 1)),
        "loadavg": runs[-1]["loadavg"],
    }


def _p95(histogram) -> float:
    count, target = 0, 0.95 * sum(histogram.values())
    for ms in sorted(histogram):
        count += histogram[ms]
        if count >= target:
            return ms
    return 0


def open_streams(host, data) -> list:
    followers = []
    for n in range(STREAMS):
        document = data["documents"][n % len(data["documents"])]
        followers.append(Follower(host, f"load{n % 100}", document))
    for follower in followers:
        follower.start()
    for follower in followers:
        follower.ready.wait(60)
    return followers


def start_server(env, port, workers):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "factcheck.asgi:application",
            "--worker-class",
            "uvicorn_worker.UvicornWorker",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--keep-alive",
            "75",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def percentile(values, q) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report_latency(host, data, writes) -> None:
    delays = latency(host, data, writes)
    missed = sum(1 for d in delays if d == float("inf"))
    arrived = [d for d in delays if d != float("inf")]
    p50, p95 = statistics.median(arrived), percentile(arrived, 0.95)
    print(
        f"latency, {READERS} readers x {writes} writes (saves and comments): "
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(arrived) * 1000:.0f} ms, "
        f"missed {missed}; budget p95 < 1 s: {'met' if p95 < 1 and not missed else 'NOT met'}"
    )


def report_load(host, plan, data, args, server) -> None:
    half = max(1, args.duration // 2)
    quiet, busy, every = [], [], []
    for segment in range(4):
        if segment % 2 == 0:
            quiet.append(run_load(host, plan, half, f"without{segment}", server))
            continue
        followers = open_streams(host, data)
        busy.append(run_load(host, plan, half, f"with{segment}", server))
        for follower in followers:
            follower.stop()
        every += followers
        time.sleep(2)  # the streams' ends reach the server before the next segment
    quiet, busy = pooled(quiet), pooled(busy)
    events = sum(len(f.arrivals) for f in every)
    dropped = sum(f.errors for f in every)
    ratio = busy["reads"] / quiet["reads"] if quiet["reads"] else float("inf")
    print(
        f"load, 50 users, 2 x {half} s alternating: reads p95 {quiet['reads']:.0f} ms "
        f"without streams, {busy['reads']:.0f} ms with {STREAMS} open streams over "
        f"{load.DOCUMENTS} documents ({ratio:.2f}x); {quiet['rps']:.1f} / "
        f"{busy['rps']:.1f} req/s; errors {quiet['failures']} / {busy['failures']}; "
        f"the streams carried {events} events, {dropped} dropped"
    )
    for tag, run in (("without streams", quiet), ("with streams", busy)):
        print(
            f"      {tag}: CPU {run['cpu'][0]:.0f} s server, {run['cpu'][1]:.1f} s bench "
            f"(stream readers); load average " + " ".join(f"{n:.2f}" for n in run["loadavg"])
        )
    for error in busy["errors"] + quiet["errors"]:
        print(f"      error: {error}")
    ok = (
        ratio <= 1.2
        and busy["reads"] < 500
        and busy["failures"] == 0
        and quiet["failures"] == 0
        and dropped == 0
    )
    print(f"budget (<= 1.2x, < 500 ms, no errors): {'met' if ok else 'NOT met'}")


def report_transcript(host, count: int) -> None:
    """Append `count` 2 KB chunks, one every 2 s, while READERS readers follow."""
    token = requests.post(
        f"{host}/api/v1/auth/token/", json={"username": "editor", "password": load.PASSWORD}
    ).json()["token"]
    api = {"Authorization": f"Token {token}"}

    def start(title):
        body = {"workspace": TRANSCRIPT_DESK, "title": title, "live": True}
        created = requests.post(f"{host}/api/v1/documents/", json=body, headers=api)
        created.raise_for_status()
        return created.json()["id"]

    # Warm-up, not counted: each worker loads the word embeddings at its first append.
    warm = start("Warm-up")
    for sequence, chunk in enumerate(transcript_chunks(WARM_UP), start=1):
        requests.post(
            f"{host}/api/v1/documents/{warm}/append/",
            json={"sequence": sequence, "text": chunk},
            headers=api,
        ).raise_for_status()
    document = start("Live debate")
    followers = [Follower(host, f"reader{i}", document) for i in range(READERS)]
    for follower in followers:
        follower.start()
    for follower in followers:
        follower.ready.wait(30)
    sent, answers, matched, referenced = [], [], 0, 0
    for sequence, chunk in enumerate(transcript_chunks(count), start=1):
        started = time.perf_counter()
        answer = requests.post(
            f"{host}/api/v1/documents/{document}/append/",
            json={"sequence": sequence, "text": chunk},
            headers=api,
        )
        answer.raise_for_status()
        answers.append(time.perf_counter() - started)
        claims = {c["id"] for c in answer.json()["claims"]}
        matched += sum(c["prior_verdict"] is not None for c in answer.json()["claims"])
        referenced += sum(c["prior_reference"] is not None for c in answer.json()["claims"])
        sent.append((started, claims))
        time.sleep(max(0.0, started + 2 - time.perf_counter()))
    time.sleep(5)  # the last chunk's events
    delays, missed = [], 0
    for started, claims in sent:
        for follower in followers:
            seen = {
                payload["claim"]: at
                for at, payload in follower.arrivals
                if payload.get("kind") == "claim.created"
            }
            if claims <= seen.keys():
                delays.append(max((seen[c] for c in claims), default=started) - started)
            else:
                missed += 1
    for follower in followers:
        follower.stop()
    requests.post(f"{host}/api/v1/documents/{document}/close/", headers=api).raise_for_status()
    claims = sum(len(c) for _, c in sent)
    p50, p95 = statistics.median(delays), percentile(delays, 0.95)
    print(
        f"transcript, {count} chunks of 2 KB every 2 s ({claims} claims), {READERS} readers: "
        f"append to claims at the readers p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(delays) * 1000:.0f} ms, missed {missed}; the append's answer p50 "
        f"{statistics.median(answers) * 1000:.0f} ms, p95 "
        f"{percentile(answers, 0.95) * 1000:.0f} ms; claims matching an earlier verdict: "
        f"{matched}; claims matching a reference fact-check: {referenced}; "
        f"budget p95 < 1 s: {'met' if p95 < 1 and not missed else 'NOT met'}"
    )
    print("      load average " + " ".join(f"{n:.2f}" for n in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--workers", type=int, default=4, help="uvicorn workers (make serve)")
    parser.add_argument("--writes", type=int, default=60)
    parser.add_argument("--duration", type=int, default=60, help="Seconds per load run.")
    parser.add_argument("--part", choices=["all", "latency", "load", "transcript"], default="all")
    parser.add_argument("--chunks", type=int, default=30, help="Transcript chunks to append.")
    parser.add_argument("--database", default="factcheck_live_bench", help="Made and dropped.")
    parser.add_argument("--fill-transcript", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill_transcript:
        fill_transcript_desk()
        return
    load.DB = args.database
    load.PG = f"postgres://postgres@127.0.0.1:5432/{load.DB}"
    env = {**load.server_env(), "LIVE_HEARTBEAT_SECONDS": "15"}
    load.psql(f"DROP DATABASE IF EXISTS {load.DB}")
    load.psql(f"CREATE DATABASE {load.DB}")
    plan = ROOT / ".data" / f"live-plan-{load.DB}.json"
    plan.parent.mkdir(exist_ok=True)
    loaded = args.part in ("all", "latency", "load")
    server = None
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        if loaded:
            subprocess.run(
                [PY, load.__file__, "--fill"],
                cwd=ROOT,
                env={**env, "LOAD_PLAN": str(plan)},
                check=True,
            )
        if args.part in ("all", "transcript"):
            subprocess.run([PY, __file__, "--fill-transcript"], cwd=ROOT, env=env, check=True)
        subprocess.run(["psql", load.PG, "-qc", "ANALYZE"], check=True)
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        server = start_server(env, args.port, args.workers)
        host = f"http://127.0.0.1:{args.port}"
        print(f"gunicorn with {args.workers} uvicorn workers on {host}; PostgreSQL LISTEN/NOTIFY")
        if loaded:
            data = json.loads(plan.read_text())
            print(f"{load.DOCUMENTS} documents x {load.CLAIMS_PER_DOCUMENT} claims")
        if args.part in ("all", "latency"):
            report_latency(host, data, args.writes)
        if args.part in ("all", "load"):
            report_load(host, plan, data, args, server)
        if args.part in ("all", "transcript"):
            report_transcript(host, args.chunks)
    finally:
        # The server ends the open streams (the readers are daemon threads).
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        load.psql(f"DROP DATABASE IF EXISTS {load.DB}")


if __name__ == "__main__":
    main()
