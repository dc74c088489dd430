"""Markdown from members (notes, methodology) rendered to HTML that is safe to embed.

markdown-it-py renders CommonMark with raw HTML off; nh3 then keeps only an allow-list of
tags, attributes and URL schemes, so neither a `<script>` nor a `javascript:` link survives
whatever the renderer lets through. No images: a report must make no external requests.
"""

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Markdown -> sanitised HTML, safe to embed as it is (callers in templates mark it
    safe). Links get rel="noopener noreferrer"."""
    return nh3.clean(
        _renderer.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
