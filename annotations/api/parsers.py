"""Request body parsers of the API."""

import io
import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

# A string (escapes included) or one bracket: brackets inside strings do not nest.
_STRING_OR_BRACKET = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def nesting_depth(body: bytes, limit: int) -> int:
    """How deeply arrays and objects nest in a JSON body, counted up to `limit` + 1.
    Works on the bytes of any ASCII-compatible encoding, valid JSON or not."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(body):
        token = match[0]
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON whose arrays and objects nest at most `max_depth` deep. Python's decoder
    recurses once per level, so 50,000 "[" would end in a RecursionError (a 500); no
    body the API takes nests more than a few levels."""

    max_depth = 64

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        if nesting_depth(body, self.max_depth) > self.max_depth:
            raise ParseError(
                f"The JSON body is nested too deeply: more than {self.max_depth} levels of "
                "arrays and objects."
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)


class RawBodyParser(BaseParser):
    """The request body as bytes, whatever its content type: a file sent as the body
    (ClaimReview JSON, JSON lines, TSV) that the view reads itself."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""
