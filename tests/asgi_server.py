"""A real ASGI server for the live-update tests: uvicorn in a thread of the test process,
on the test database (pytest-django's live_server speaks WSGI, which cannot hold a
stream open)."""

import socket
import threading
import time
from dataclasses import dataclass

import pytest


@dataclass
class AsgiServer:
    url: str
    server: object


@pytest.fixture
def asgi_server(transactional_db, settings):
    import uvicorn

    from factcheck.asgi import application

    # Quiet streams ask the permission map again this often: a removed member's stream
    # ends without waiting for a quarter of a minute.
    settings.LIVE_HEARTBEAT_SECONDS = 1
    settings.LIVE_POLL_SECONDS = 0.1
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        application,
        lifespan="off",
        log_level="warning",
        loop="asyncio",
        http="h11",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    host, port = sock.getsockname()
    yield AsgiServer(f"http://{host}:{port}", server)
    server.should_exit = True
    thread.join(10)
    sock.close()
