"""Reading files of reference fact-checks: every published shape of ClaimReview, TSV, the
records left out with their line or item, and the files refused as a whole."""

import codecs
import json
from datetime import date
from pathlib import Path

import pytest

from annotations.importers import ImportRefused
from annotations.importers.factchecks import LIMITS, FactCheck, RecordProblem, read_factchecks

DATA = Path(__file__).parent / "data"

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example.org/masks",
    "claimReviewed": "Face masks cause oxygen deprivation.",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "datePublished": "2020-06-01T09:30:00+02:00",
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A blog"}},
    "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1},
    "inLanguage": "en",
    "name": "Masks do not deprive you of oxygen",
}
MASKS = FactCheck(
    claim="Face masks cause oxygen deprivation.",
    url="https://checks.example.org/masks",
    rating="False",
    publisher="Example Checks",
    claimant="A blog",
    published=date(2020, 6, 1),
    title="Masks do not deprive you of oxygen",
    language="en",
)


def _review(**changes) -> dict:
    return {**REVIEW, **changes}


def _json(value) -> bytes:
    return json.dumps(value).encode()


def test_one_claimreview_object():
    result = read_factchecks(_json(REVIEW))
    assert (result.format, result.records, result.problems) == ("json", [MASKS], [])


def test_an_array_reports_bad_items_by_their_number():
    other = _review(url="https://checks.example.org/other", claimReviewed="Another claim.")
    items = [REVIEW, _review(url="javascript:alert(1)"), other, {"claimReviewed": ""}, 7]
    result = read_factchecks(_json(items))
    assert [r.url for r in result.records] == [MASKS.url, "https://checks.example.org/other"]
    assert result.problems == [
        RecordProblem(2, "The url 'javascript:alert(1)' is not an http(s) link.", "item"),
        RecordProblem(4, "It has no claim (claimReviewed): the claim text is required.", "item"),
        RecordProblem(5, "It is not a JSON object, so not a ClaimReview.", "item"),
    ]
    assert result.problems[0].where == "item 2"


def test_a_graph_follows_references_and_ignores_other_nodes():
    result = read_factchecks((DATA / "claimreview-graph.json").read_bytes(), "graph.json")
    assert result.records == [
        FactCheck(
            claim="Vaccines make your arm magnetic.",
            url="https://checks.example.org/2021/vaccines-magnets",
            rating="False",
            publisher="Example Checks",
            claimant="A viral video",
            published=date(2021, 5, 14),
            title="No, vaccines do not make arms magnetic",
            language="en",
        )
    ]
    message = "It has no url: the link to the published fact-check is required."
    assert result.problems == [RecordProblem(2, message, "item")]


def test_a_datacommons_feed():
    feed = {
        "@context": "http://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [REVIEW]},
            {"@type": "DataFeedItem", "item": _review(url="https://x.example/2")},
        ],
    }
    result = read_factchecks(_json(feed))
    assert [r.url for r in result.records] == [MASKS.url, "https://x.example/2"]
    assert result.problems == []


def test_json_lines_report_bad_lines_by_line():
    lines = [
        json.dumps(REVIEW),
        "",
        '{"@type": "ClaimReview", "claimReviewed": "Broken',
        json.dumps(_review(datePublished="2020-02-30")),
        json.dumps(_review(claimReviewed="Bad\u0000claim")),
        json.dumps({"@type": "WebPage", "name": "Not a review"}),
    ]
    result = read_factchecks("\n".join(lines).encode(), "reviews.jsonl")
    assert (result.format, result.records) == ("jsonl", [MASKS])
    assert result.problems == [
        RecordProblem(3, "Not valid JSON: Unterminated string at column 43."),
        RecordProblem(4, "The date '2020-02-30' is not a date (YYYY-MM-DD)."),
        RecordProblem(5, "The claim contains a NUL character."),
        RecordProblem(6, "It is a WebPage, not a ClaimReview."),
    ]


def test_google_fact_check_tools_answer_gives_one_record_per_review():
    result = read_factchecks((DATA / "google-factcheck-tools.json").read_bytes())
    assert result.records == [
        FactCheck(
            claim="5G towers spread the coronavirus.",
            url="https://facts.example.com/5g-coronavirus",
            rating="False",
            publisher="Example Facts",
            claimant="Social media posts",
            published=date(2020, 3, 24),
            title="5G does not spread the coronavirus",
            language="en",
        ),
        FactCheck(
            claim="5G towers spread the coronavirus.",
            url="https://verifica.example.it/5g",
            rating="Falso",
            publisher="verifica.example.it",
            claimant="Social media posts",
            published=date(2020, 3, 25),
            language="it",
        ),
    ]
    assert result.problems == [RecordProblem(3, "The claim has no claimReview.", "item")]


def test_rating_falls_back_to_the_value_on_its_scale():
    rating = {"@type": "Rating", "ratingValue": 2, "worstRating": 1, "bestRating": 5}
    result = read_factchecks(_json(_review(reviewRating=rating)))
    assert result.records[0].rating == "2 (1 worst, 5 best)"


def test_tsv_with_header_aliases_reports_bad_lines():
    result = read_factchecks((DATA / "factchecks.tsv").read_bytes(), "checks.tsv")
    assert result.format == "tsv"
    assert result.records == [
        FactCheck(
            claim="The city spent 2 million on a fountain.",
            url="https://desk.example.net/fountain",
            rating="Mostly false",
            publisher="Desk Example",
            claimant="Mayor Smith",
            published=date(2022, 3, 1),
            title="The fountain did not cost 2 million",
            language="en",
        ),
        FactCheck(
            claim="Taxes rose by 3.5% in 2021.",
            url="https://desk.example.net/taxes",
            rating="True",
            publisher="Desk Example",
            claimant="A senator",
            published=date(2022, 4, 10),
        ),
    ]
    assert result.problems == [
        RecordProblem(3, "The url 'javascript:alert(1)' is not an http(s) link."),
        RecordProblem(4, "The date '2022-13-45' is not a date (YYYY-MM-DD)."),
    ]


def test_tsv_quoted_cells_extra_cells_and_a_line_not_in_utf8():
    data = (
        b"statement\tverdict\tlink\n"
        b'"She said ""no"" twice."\tFalse\tHTTPS://Example.org/a\n'
        b"Too\tmany\thttps://example.org/b\tcells\n"
        b"Caf\xe9 prices doubled.\tFalse\thttps://example.org/c\n"
    )
    result = read_factchecks(data)
    assert result.records == [
        FactCheck(claim='She said "no" twice.', url="https://Example.org/a", rating="False")
    ]
    assert result.problems == [
        RecordProblem(3, "The line has 4 cells but the header 3; is there a tab inside a cell?"),
        RecordProblem(4, "The line is not UTF-8 text; save the file as UTF-8."),
    ]


def test_html_in_text_is_kept_as_text():
    claim = '<script>alert("x")</script> <b>Bold</b> claim'
    result = read_factchecks(_json(_review(claimReviewed=claim)))
    assert result.records[0].claim == claim


@pytest.mark.parametrize("field", ["claim", "rating", "publisher", "claimant", "title", "url"])
def test_fields_over_their_length_leave_the_record_out(field):
    limit = LIMITS[field]
    header = "claim\turl\trating\tpublisher\tclaimant\ttitle\n"
    cells = {"claim": "A claim.", "url": "https://example.org/x", "rating": "False"}
    cells |= {"publisher": "P", "claimant": "C", "title": "T"}
    cells[field] = ("https://example.org/" if field == "url" else "") + "x" * (limit + 1)
    row = "\t".join(cells[c] for c in ("claim", "url", "rating", "publisher", "claimant", "title"))
    result = read_factchecks((header + row + "\n").encode())
    assert result.records == []
    length = len(cells[field])
    assert result.problems == [
        RecordProblem(2, f"The {field} has {length:,} characters; the limit is {limit:,}.")
    ]


def test_limits_are_the_models_field_lengths():
    from annotations.models import ReferenceFactCheck

    for field, limit in LIMITS.items():
        if field != "claim":
            assert ReferenceFactCheck._meta.get_field(field).max_length == limit, field


def test_a_header_row_not_in_utf8_refuses_the_file():
    with pytest.raises(ImportRefused) as refused:
        read_factchecks(b"cl\xe4im\turl\nA claim.\thttps://x.org/1\n")
    assert refused.value.code == "encoding"


def test_utf16_with_a_byte_order_mark_is_read():
    data = codecs.BOM_UTF16_LE + json.dumps(REVIEW).encode("utf-16-le")
    assert read_factchecks(data).records == [MASKS]


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "The file is empty. Choose a ClaimReview JSON or TSV file."),
        (
            b"\xef\xbb\xbf \n\n",
            "empty",
            "The file is empty. Choose a ClaimReview JSON or TSV file.",
        ),
        (
            "\u00a0\u2003\n".encode(),
            "empty",
            "The file is empty. Choose a ClaimReview JSON or TSV file.",
        ),
        (
            b"%PDF-1.7\n...",
            "binary",
            "The file is a binary file, not ClaimReview JSON or TSV text.",
        ),
        (
            b"\x00\x01\x02\x03\x04abc",
            "binary",
            "The file is a binary file, not ClaimReview JSON or TSV text.",
        ),
        (
            b"caf\xe9\n\x80\x81\n",
            "encoding",
            "The file is not UTF-8 text. Save it as UTF-8 and load it again.",
        ),
        (
            b"Just some notes about claims.\n",
            "unsupported",
            "The file is neither ClaimReview JSON nor a TSV with a header row "
            "(claim, rating, url).",
        ),
        (
            b"claim,rating,url\nA,B,https://x.org\n",
            "unsupported",
            "The file is neither ClaimReview JSON nor a TSV with a header row (claim, rating, "
            "url). It looks like CSV: save it as tab-separated values (TSV).",
        ),
        (
            b"claim\trating\nA\tFalse\n",
            "unsupported",
            "The file is a TSV whose header row has no url column. Name the columns claim, "
            "rating, url (and optionally publisher, date, claimant, title, language).",
        ),
        (
            b'{\n  "@type": "ClaimReview",\n  "url": \n}',
            "damaged",
            "The file is not valid JSON: Expecting value at line 4, column 1. "
            "Give ClaimReview JSON-LD, JSON lines or a TSV.",
        ),
        (b"[" * 100_000, "damaged", "The file is JSON nested too deeply to read."),
        (b'{"@type": "WebSite", "@graph": []}', "no_records", None),
    ],
)
def test_whole_file_refused_with_a_clear_message(data, code, message):
    with pytest.raises(ImportRefused) as refused:
        read_factchecks(data)
    assert refused.value.code == code
    assert refused.value.field == "file"
    if message:
        assert str(refused.value) == message


def test_a_file_over_the_limit_is_refused_before_reading():
    with pytest.raises(ImportRefused) as refused:
        read_factchecks(b"x" * 101, "big.tsv", max_bytes=100)
    assert (
        str(refused.value)
        == "“big.tsv” has 101 bytes; the limit is 100. Split it into smaller files."
    )
    assert refused.value.code == "too_large"


def test_a_nul_byte_in_a_tsv_cell_leaves_that_record_out():
    data = b"claim\turl\nGood claim.\thttps://x.org/1\nBad\x00claim.\thttps://x.org/2\n"
    result = read_factchecks(data)
    assert [r.url for r in result.records] == ["https://x.org/1"]
    assert result.problems == [RecordProblem(3, "The claim contains a NUL character.")]
