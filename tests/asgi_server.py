"""A real ASGI server for the live-update tests: uvicorn in a thread of the test process,
on the test database (pytest-django's live_server speaks WSGI, which cannot hold a
stream open)."""

import socket
import threading
import time
from dataclasses import dataclass

import pytest
from django.db import connections


@dataclass
class AsgiServer:
    """uvicorn serving factcheck.asgi in a thread; stop() and start() again on the same
    port drop every open stream, as a restarted app server would."""

    port: int = 0
    server: object = None
    thread: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import uvicorn

        from factcheck.asgi import application

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            application,
            lifespan="off",
            log_level="warning",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def asgi_server(transactional_db, settings, monkeypatch):
    # factcheck.asgi sets it for its process: here, for this test only (the settings
    # tests start processes of their own that must not inherit it).
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    # Quiet streams ask the permission map again this often: a removed member's stream
    # ends without waiting for a quarter of a minute.
    settings.LIVE_HEARTBEAT_SECONDS = 1
    settings.LIVE_MEMBERSHIP_SECONDS = 1
    settings.LIVE_POLL_SECONDS = 0.1
    settings.LIVE_RETRY_MS = 200
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    # The server's threads close their connections after each request, so none is left
    # open on the test database when it is dropped.
    database = connections.settings["default"]
    kept_age, database["CONN_MAX_AGE"] = database["CONN_MAX_AGE"], 0
    server = AsgiServer()
    server.start()
    yield server
    server.stop()
    database["CONN_MAX_AGE"] = kept_age
