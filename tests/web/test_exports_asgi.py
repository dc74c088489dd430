"""Streamed exports under an ASGI server: sent a bounded part at a time, each read in the
request's thread, never gathered whole into memory first (Django's warning about synchronous
iterators under ASGI is an error here)."""

import asyncio
import http.client
import json
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from annotations.exports import FORMATS, SEND_BYTES, ExportResponse
from tests.exports.factories import make_desk
from tests.live_client import session_cookie

BUFFERED = "StreamingHttpResponse must consume"


def test_an_export_response_reads_a_bounded_part_at_a_time_when_served_asynchronously():
    pulled = []
    part = b"x" * (SEND_BYTES // 2)

    def chunks():
        for n in range(5):
            pulled.append(n)
            yield part

    response = ExportResponse(chunks(), content_type="text/csv")

    async def first_then_rest():
        stream = aiter(response)
        first = await anext(stream)
        read_before_the_rest = list(pulled)
        return first, read_before_the_rest, [chunk async for chunk in stream]

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=BUFFERED)
        # In a thread of its own: the browser tests keep an event loop in this one.
        with ThreadPoolExecutor(1) as thread:
            first, read_before_the_rest, rest = thread.submit(
                asyncio.run, first_then_rest()
            ).result()
    # Chunks are gathered up to SEND_BYTES, and no further chunk is read before sending.
    assert (first, read_before_the_rest) == (part * 2, [0, 1])
    assert rest == [part * 2, part]


def test_an_export_response_sends_small_chunks_together():
    response = ExportResponse((f"chunk {n};".encode() for n in range(3)), content_type="text/csv")

    async def read_all():
        return [chunk async for chunk in response]

    with ThreadPoolExecutor(1) as thread:
        sent = thread.submit(asyncio.run, read_all()).result()
    assert sent == [b"chunk 0;chunk 1;chunk 2;"]


@pytest.mark.parametrize("name", ["csv", "json"])
def test_a_streamed_export_through_a_real_asgi_server_is_the_whole_export(asgi_server, name):
    desk = make_desk(claims=3)
    connection = http.client.HTTPConnection("127.0.0.1", asgi_server.port, timeout=20)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=BUFFERED)
        connection.request(
            "GET",
            f"/documents/{desk.document.pk}/export/{name}/",
            headers={"Cookie": session_cookie(desk.annotator)},
        )
        response = connection.getresponse()
        body = response.read()
    connection.close()
    assert response.status == 200
    expected = FORMATS[name].render(desk.document, desk.annotator)
    if name == "json":  # stamped with the moment of export
        body, expected = (dict(json.loads(text), exported_at=None) for text in (body, expected))
    assert body == expected
