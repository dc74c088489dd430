"""What the document page and claim panel tests share: a small speech with one claim
of each kind, and helpers to read the page."""

import re

from django.urls import reverse

from annotations.models import (
    ClaimKind,
)
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
)

SPEECH = (
    "Budget speech\n\n"
    "Unemployment fell to 5% last year. We must act now.\n\n"
    "- taxes rose by 3.5%\n"
    "- spending fell\n\n"
    "Thank you."
)


def _speech(workspace=None, **kwargs):
    document = DocumentFactory(text=SPEECH, **({"workspace": workspace} if workspace else {}))
    spans = [
        ("Budget speech", ClaimKind.HEADING),
        ("Unemployment fell to 5% last year.", ClaimKind.SENTENCE),
        ("We must act now.", ClaimKind.SENTENCE),
        ("taxes rose by 3.5%", ClaimKind.LIST_ITEM),
        ("spending fell", ClaimKind.LIST_ITEM),
        ("Thank you.", ClaimKind.SENTENCE),
    ]
    claims = {}
    for text, kind in spans:
        start = SPEECH.index(text)
        claims[text] = ClaimFactory(
            document=document, start=start, end=start + len(text), kind=kind
        )
    return document, claims


def _page(client, document, query=""):
    response = client.get(reverse("document", args=[document.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _marked_ids(page):
    return {int(i) for i in re.findall(r'<mark class="claim" id="claim-(\d+)"', page)}


def _badge_name(page, number):
    """The accessible name of claim `number`'s badge: its text without the aria-hidden
    icon (the badge has no aria-label, so its name is its own words)."""
    badges = re.findall(r'<a class="claim-badge"[^>]*>(.*?)</a>', page)
    for badge in badges:
        if f'<span class="claim-no">{number}</span>' in badge:
            text = re.sub(r'<span[^>]*aria-hidden="true">.*?</span>', "", badge)
            # Hidden words are positioned boxes: browsers put a space around them.
            text = re.sub(r'<span class="visually-hidden[^"]*">(.*?)</span>', r" \1 ", text)
            return " ".join(re.sub(r"<[^>]+>", "", text).split())
    raise AssertionError(f"no badge for claim {number}")
