"""The fact-checks inside a parsed JSON value, in the shapes they are published in.

Pure module: no Django. `reviews_in(value)` yields, in document order, one dict of raw
fields (claim, url, rating, publisher, claimant, published, title, language) per
fact-check found, or a ClaimReviewError for a record that is not one:

- a schema.org ClaimReview (`@type` ClaimReview, or an untyped object with
  `claimReviewed`): claimReviewed, url (else an http(s) `@id`), reviewRating.alternateName
  (else its name, else ratingValue on the worstRating–bestRating scale), author.name (the
  publisher), datePublished, itemReviewed.author.name (the claimant), inLanguage, name or
  headline (the title). References by `@id` to other nodes of the file are followed;
- containers holding them: an array, `@graph`, a DataFeed's `dataFeedElement` and its
  DataFeedItems' `item`, an ItemList's `itemListElement`;
- the Google Fact Check Tools search answer: `{"claims": [{"text", "claimant",
  "claimReview": [{"publisher": {"name", "site"}, "url", "title", "reviewDate",
  "textualRating", "languageCode"}]}]}`, one fact-check per review.

At the top of the file (or of a JSON line) an object that is none of these is reported;
inside a graph or feed, other nodes (the publisher's Organization, a WebPage) are not.
"""

from __future__ import annotations

from collections.abc import Iterator

CONTAINERS = ("@graph", "dataFeedElement", "item", "itemListElement")
# Feeds nest a few levels; deeper values are not looked into.
MAX_DEPTH = 12


class ClaimReviewError(ValueError):
    """A value where a fact-check was expected that is not one."""


def reviews_in(value) -> Iterator[dict | ClaimReviewError]:
    nodes: dict[str, dict] = {}
    _index(value, nodes, depth=0)
    yield from _walk(value, nodes, top=True, depth=0)


def _walk(value, nodes, *, top: bool, depth: int) -> Iterator[dict | ClaimReviewError]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for element in value:
            yield from _walk(element, nodes, top=top, depth=depth + 1)
        return
    if not isinstance(value, dict):
        if top:
            yield ClaimReviewError("It is not a JSON object, so not a ClaimReview.")
        return
    if _is_claimreview(value):
        yield _claimreview_fields(value, nodes)
        return
    if isinstance(value.get("claims"), list):
        for claim in value["claims"]:
            yield from _google_claim(claim, top=True)
        return
    if "claimReview" in value:
        yield from _google_claim(value, top=top)
        return
    containers = [value[key] for key in CONTAINERS if key in value]
    for contained in containers:
        yield from _walk(contained, nodes, top=False, depth=depth + 1)
    if top and not containers:
        kind = _types(value)
        what = f"a {kind[0]}" if kind else "an object without claimReviewed"
        yield ClaimReviewError(f"It is {what}, not a ClaimReview.")


def _types(node: dict) -> list[str]:
    """The node's @type names, without a vocabulary prefix ("schema:ClaimReview",
    "http://schema.org/ClaimReview")."""
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return [k.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for k in kinds if isinstance(k, str)]


def _is_claimreview(node: dict) -> bool:
    kinds = _types(node)
    return "ClaimReview" in kinds or (not kinds and "claimReviewed" in node)


def _index(value, nodes: dict[str, dict], depth: int) -> None:
    """Every node with an @id and more than a reference's keys, by its id."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for element in value:
            _index(element, nodes, depth + 1)
    elif isinstance(value, dict):
        node_id = value.get("@id")
        if isinstance(node_id, str) and set(value) - {"@id", "@type"}:
            nodes.setdefault(node_id, value)
        for child in value.values():
            if isinstance(child, (list, dict)):
                _index(child, nodes, depth + 1)


def _node(value, nodes) -> dict:
    """The first node of a value that may be a list, a reference by @id or a node."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        node_id = value.get("@id")
        if isinstance(node_id, str) and not set(value) - {"@id", "@type"}:
            return nodes.get(node_id, value)
        return value
    return {}


def _name(value, nodes):
    """A person's or organisation's name: the node's name, or the value itself as text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value
    return _node(value, nodes).get("name")


def _claimreview_fields(review: dict, nodes) -> dict:
    url = review.get("url")
    if isinstance(url, list):
        url = url[0] if url else None
    node_id = review.get("@id")
    if not url and isinstance(node_id, str) and node_id.lower().startswith("http"):
        url = node_id
    claimed = _node(review.get("itemReviewed"), nodes)
    return {
        "claim": review.get("claimReviewed"),
        "url": url,
        "rating": _rating(_node(review.get("reviewRating"), nodes)),
        "publisher": _name(review.get("author"), nodes) or _name(review.get("publisher"), nodes),
        "claimant": _name(claimed.get("author"), nodes),
        "published": review.get("datePublished"),
        "title": review.get("name") or review.get("headline"),
        "language": _language(review.get("inLanguage"), nodes),
    }


def _rating(rating: dict):
    """The rating as published: its alternateName ("Mostly false"), else its name, else
    "2 (1 worst, 5 best)" from ratingValue and the scale."""
    for key in ("alternateName", "name"):
        if isinstance(rating.get(key), str) and rating[key].strip():
            return rating[key]
    value = rating.get("ratingValue")
    if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
        return None
    worst, best = rating.get("worstRating"), rating.get("bestRating")
    if isinstance(worst, (str, int, float)) and isinstance(best, (str, int, float)):
        return f"{value} ({worst} worst, {best} best)"
    return value


def _language(value, nodes):
    if isinstance(value, dict):
        node = _node(value, nodes)
        return node.get("alternateName") or node.get("name")
    return value


def _google_claim(claim, *, top: bool) -> Iterator[dict | ClaimReviewError]:
    if not isinstance(claim, dict):
        if top:
            yield ClaimReviewError("It is not a JSON object, so not a claim.")
        return
    reviews = claim.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        yield ClaimReviewError("The claim has no claimReview.")
        return
    for review in reviews:
        if not isinstance(review, dict):
            yield ClaimReviewError("A claimReview is not a JSON object.")
            continue
        publisher = review.get("publisher")
        publisher = publisher if isinstance(publisher, dict) else {}
        yield {
            "claim": claim.get("text"),
            "url": review.get("url"),
            "rating": review.get("textualRating"),
            "publisher": publisher.get("name") or publisher.get("site"),
            "claimant": claim.get("claimant"),
            "published": review.get("reviewDate"),
            "title": review.get("title"),
            "language": review.get("languageCode"),
        }
