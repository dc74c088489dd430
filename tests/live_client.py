"""A small Server-Sent Events client for the stream tests: reads one event at a time
from a real connection, as a browser's EventSource would."""

import http.client
import json
from urllib.parse import urlsplit

from django.test import Client

# Generous: a read that gets nothing this long means the stream is stuck, not slow.
READ_TIMEOUT = 20


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


class Stream:
    def __init__(self, base_url, path, user=None, last_event_id=None):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=READ_TIMEOUT
        )
        headers = {"Accept": "text/event-stream"}
        if user is not None:
            headers["Cookie"] = session_cookie(user)
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        # What a reconnect caught up on, before the stream says it is live.
        self.backlog = []
        while self.status == 200:
            name, data = self.next()
            if name in ("ready", None):
                self.ended = name is None
                break
            self.backlog.append((name, data))

    def next(self):
        """The next event as (name, data), skipping comments and the retry line; (None,
        None) when the server ended the stream."""
        name, data = "message", []
        while True:
            line = self.response.readline()
            if not line:
                return None, None
            line = line.decode().rstrip("\n")
            if line == "":
                if data:
                    return name, json.loads("\n".join(data))
                name = "message"
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)

    def next_change(self):
        name, data = self.next()
        assert name == "change", (name, data)
        return data

    def close(self):
        self.connection.close()
