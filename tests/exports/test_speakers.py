"""Every export names the claim's own speaker and time (a transcript's turn), and the
document's speaker for claims without one of their own."""

import csv
import io
import json

import pytest

from annotations.exports import FORMATS
from annotations.models import Claim
from tests.exports.factories import make_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    desk = make_desk(claims=2)  # the document's speaker: Jane Minister
    Claim.objects.filter(pk=desk.claims[1].pk).update(speaker="JOHN ROE", spoken_at=751)
    return desk


def text_of(name, desk, user=None) -> str:
    return FORMATS[name].render(desk.document, user or desk.editor).decode("utf-8")


def test_claimreview_item_reviewed_author_is_the_claims_speaker(desk):
    reviews = json.loads(text_of("claimreview", desk))
    authors = [review["itemReviewed"]["author"] for review in reviews]
    assert authors == [
        {"@type": "Person", "name": "Jane Minister"},
        {"@type": "Person", "name": "JOHN ROE"},
    ]


def test_csv_and_json_carry_speaker_and_time(desk):
    rows = list(csv.DictReader(io.StringIO(text_of("csv", desk).lstrip("\ufeff"))))
    assert [(r["speaker"], r["spoken_at"]) for r in rows] == [
        ("Jane Minister", ""),
        ("JOHN ROE", "751"),
    ]
    claims = json.loads(text_of("json", desk))["claims"]
    assert [(c["speaker"], c["spoken_at"]) for c in claims] == [
        ("Jane Minister", None),
        ("JOHN ROE", 751),
    ]


def test_reports_name_a_speaker_other_than_the_documents(desk):
    assert text_of("md", desk).count("*Said by* JOHN ROE, at 0:12:31") == 1
    assert "Said by" not in text_of("md", desk).split("### Claim 2")[0]
    assert text_of("html", desk).count("Said by JOHN ROE, at 0:12:31") == 1


def test_w3c_describes_who_said_the_claim(desk):
    items = json.loads(text_of("w3c", desk))["first"]["items"]
    said = {
        item["target"]["selector"][1]["start"]: body["value"]
        for item in items
        for body in item["body"]
        if body.get("value", "").startswith("Said")
    }
    claims = desk.claims
    assert said == {
        claims[0].start: "Said by Jane Minister",
        claims[1].start: "Said by JOHN ROE, at 0:12:31",
    }


def test_the_pdf_reports_print_layout_names_the_speaker(desk):
    from annotations.exports import html
    from annotations.exports.report import build_report

    printed = html.render(build_report(desk.document), for_print=True)
    assert printed.count('<span class="meta">Said by JOHN ROE, at 0:12:31</span>') == 1
