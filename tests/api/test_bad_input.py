"""No input gets a 500: each bad request gets a 4xx with a message and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Annotation, Claim, Comment, Document, Flag, Rating, Source
from tests.factories import rating

pytestmark = pytest.mark.django_db

R = "/api/v1"


def _state():
    return (
        Document.objects.count(),
        Claim.objects.count(),
        list(Annotation.objects.values_list("id", "version", "summary", "rating_id")),
        Source.objects.count(),
        Comment.objects.count(),
        Flag.objects.count(),
    )


def _assert_refused(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] and body["code"]
    assert isinstance(body["errors"], dict)
    return body


LONG = "x" * 60_000


def _cases(d):
    ann = f"{R}/annotations/{d.draft.pk}/"
    etag = {"HTTP_IF_MATCH": d.draft.etag}
    foreign = rating(d.other_workspace).pk
    return [
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": 10, "end": 5}, {}),
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": 5, "end": 5}, {}),
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": 0, "end": 10**6}, {}),
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": -1, "end": 5}, {}),
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": 34, "end": 35}, {}),
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": "a", "end": [1]}, {}),
        ("post", f"{R}/claims/", {"document": d.document.pk, "start": 10**30, "end": 5}, {}),
        ("post", f"{R}/claims/", ["not", "an", "object"], {}),
        ("patch", f"{R}/claims/{d.claim.pk}/", {"restatement": "a\x00b"}, {}),
        ("patch", f"{R}/claims/{d.claim.pk}/", {"not_checkable": "perhaps"}, {}),
        ("patch", f"{R}/claims/{d.claim.pk}/", {"restatement": LONG}, {}),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "rating": foreign}, {}),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "rating": 999999}, {}),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "rating": "False"}, {}),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "note": "a\x00b"}, {}),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "summary": "s" * 601}, {}),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "note": LONG}, {}),
        (
            "post",
            f"{R}/annotations/",
            {"claim": d.spare_claim.pk, "sources": [{"url": "javascript:alert(1)"}]},
            {},
        ),
        (
            "post",
            f"{R}/annotations/",
            {"claim": d.spare_claim.pk, "sources": [{"url": "ftp://example.org/x"}]},
            {},
        ),
        ("post", f"{R}/annotations/", {"claim": d.spare_claim.pk, "sources": "x"}, {}),
        ("post", f"{R}/annotations/", {"claim": "x"}, {}),
        ("patch", ann, {"rating": foreign}, etag),
        ("patch", ann, {"summary": "a\x00b"}, etag),
        ("patch", ann, {"summary": None}, etag),
        ("patch", ann, {"version": "one"}, {}),
        ("patch", ann, {"version": -3}, {}),
        ("put", ann, {"summary": "only one field"}, etag),
        ("post", f"{ann}sources/", {"url": "file:///etc/passwd"}, {}),
        ("post", f"{ann}sources/", {"url": "https://ok.example", "archive_url": "data:x"}, {}),
        ("post", f"{ann}sources/", {"url": "https://ok.example", "stance": "neutral"}, {}),
        ("post", f"{ann}sources/", {"url": "https://ok.example", "published": "yesterday"}, {}),
        ("post", f"{ann}sources/", {"url": "https://ok.example", "title": "t" * 501}, {}),
        ("post", f"{R}/comments/", {"annotation": d.approved.pk, "body": "a\x00b"}, {}),
        ("post", f"{R}/comments/", {"annotation": d.approved.pk, "body": ""}, {}),
        ("post", f"{R}/comments/", {"annotation": d.approved.pk, "body": "   "}, {}),
        ("post", f"{R}/comments/", {"annotation": d.approved.pk, "body": "x", "parent": 9999}, {}),
        ("post", f"{R}/flags/", {"annotation": d.approved.pk}, {}),
        ("post", f"{R}/flags/", {"comment": d.comment.pk, "reason": "a\x00b"}, {}),
        (
            "post",
            f"{R}/flags/",
            {"comment": d.comment.pk, "annotation": d.draft.pk, "reason": "r"},
            {},
        ),
        ("post", f"{R}/documents/", {"workspace": "desk", "text": ""}, {}),
        ("post", f"{R}/documents/", {"workspace": "desk", "text": "   \n  "}, {}),
        ("post", f"{R}/documents/", {"workspace": "desk", "text": "----\n\n* ..."}, {}),
        (
            "post",
            f"{R}/documents/",
            {"workspace": "desk", "text": "Hi.", "source_url": "ftp://x"},
            {},
        ),
        ("post", f"{R}/documents/", {"workspace": "desk", "text": "Hi.", "published": "soon"}, {}),
        ("post", f"{R}/documents/", {"workspace": "desk", "text": "Hi.", "title": "t" * 301}, {}),
        ("post", f"{R}/documents/", {"workspace": "desk", "text": 42.5, "language": "x\x00"}, {}),
        ("post", f"{R}/documents/", {"workspace": "desk"}, {}),
    ]


@pytest.mark.parametrize("index", range(47))
def test_bad_request_is_refused_with_a_message(desk, index):
    method, url, body, headers = _cases(desk)[index]
    user = "editor" if url.endswith("/documents/") else "annotator"
    before = _state()
    response = getattr(desk.client(user), method)(url, body, format="json", **headers)
    _assert_refused(response)
    assert _state() == before


def test_case_count_matches():
    from types import SimpleNamespace

    fake = SimpleNamespace(
        draft=SimpleNamespace(pk=1, etag='"x"'),
        document=SimpleNamespace(pk=1),
        claim=SimpleNamespace(pk=1),
        spare_claim=SimpleNamespace(pk=1),
        approved=SimpleNamespace(pk=1),
        comment=SimpleNamespace(pk=1),
        other_workspace=None,
    )
    import tests.api.test_bad_input as module

    original = module.rating
    module.rating = lambda ws: SimpleNamespace(pk=1)
    try:
        assert len(_cases(fake)) == 47
    finally:
        module.rating = original


@pytest.mark.parametrize(
    "raw",
    [b"{bad json", b"\xff\xfe\x00", b'{"claim": 1,}', b"", b"null", b"[]", b'"text"', b"1e999"],
)
def test_malformed_json_is_refused(desk, raw):
    before = _state()
    response = desk.client("annotator").generic(
        "POST", f"{R}/annotations/", raw, content_type="application/json"
    )
    _assert_refused(response)
    assert _state() == before


def test_unsupported_content_type_gets_415(desk):
    response = desk.client("annotator").generic(
        "POST", f"{R}/annotations/", b"<x/>", content_type="application/xml"
    )
    _assert_refused(response, 415)


def test_method_not_allowed_gets_405(desk):
    response = desk.client("annotator").put(f"{R}/claims/{desk.claim.pk}/", {}, format="json")
    _assert_refused(response, 405)


@pytest.mark.parametrize(
    "query",
    [
        "kind=paragraph",
        "state=done",
        "checkworthiness_min=high",
        "checkworthiness_min=2",
        "assignee=someone",
        "document=abc",
        "document=99999999999999999999999",
        "rating=a%00b",
    ],
)
def test_bad_claim_filters_get_400(desk, query):
    _assert_refused(desk.client("annotator").get(f"{R}/claims/?{query}"))


@pytest.mark.parametrize(
    "url",
    [
        f"{R}/claims/?cursor=%00%ff",
        f"{R}/annotations/99999999999999999/",
        f"{R}/documents/1/export/exe/",
        f"{R}/workspaces/nope/members/",
    ],
)
def test_bad_paths_and_cursors_get_404(desk, url):
    _assert_refused(desk.client("annotator").get(url), 404)


def test_unknown_rating_id_in_patch_changes_nothing(desk):
    response = desk.client("annotator").patch(
        f"{R}/annotations/{desk.draft.pk}/",
        {"rating": 10**12},
        format="json",
        HTTP_IF_MATCH=desk.draft.etag,
    )
    body = _assert_refused(response)
    assert "rating" in body["errors"]


def test_rating_from_another_workspace_answers_as_a_missing_one(desk):
    def patch(rating_id):
        return desk.client("annotator").patch(
            f"{R}/annotations/{desk.draft.pk}/",
            {"rating": rating_id},
            format="json",
            HTTP_IF_MATCH=desk.draft.etag,
        )

    foreign = rating(desk.other_workspace).pk
    missing = Rating.objects.order_by("-pk").first().pk + 1000
    foreign_body, missing_body = _assert_refused(patch(foreign)), _assert_refused(patch(missing))
    assert foreign_body["errors"] == {
        "rating": ["No rating of this workspace's scale has this id."]
    }
    assert foreign_body == missing_body


def test_oversized_upload_gets_413(desk, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"Words. " * 500, content_type="text/plain")
    before = _state()
    response = desk.client("editor").post(
        f"{R}/documents/", {"workspace": "desk", "file": upload}, format="multipart"
    )
    _assert_refused(response, 413)
    assert _state() == before


def test_oversized_json_body_gets_413(desk, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = desk.client("editor").post(
        f"{R}/documents/", {"workspace": "desk", "text": "Words. " * 200_000}, format="json"
    )
    _assert_refused(response, 413)


def test_binary_upload_is_refused_with_the_importers_message(desk):
    upload = SimpleUploadedFile("x.bin", bytes(range(256)) * 10, content_type="application/x-x")
    response = desk.client("editor").post(
        f"{R}/documents/", {"workspace": "desk", "file": upload}, format="multipart"
    )
    body = _assert_refused(response)
    assert body["errors"]["file"] == [body["detail"]]


def test_text_and_file_upload_import_documents(desk):
    client = desk.client("editor")
    response = client.post(
        f"{R}/documents/",
        {"workspace": "desk", "text": "# Title\n\nPrices rose 9% in May.", "markdown": True},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["claims"] >= 1
    again = client.post(
        f"{R}/documents/",
        {"workspace": "desk", "text": "# Title\n\nPrices rose 9% in May.", "markdown": True},
        format="json",
    )
    assert again.status_code == 200 and again.json()["created"] is False
    upload = SimpleUploadedFile("s.txt", b"Crime fell by 12% in 2023.", content_type="text/plain")
    response = client.post(
        f"{R}/documents/", {"workspace": "desk", "file": upload}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["text"] == "Crime fell by 12% in 2023."


def test_offsets_are_code_points_and_whitespace_is_trimmed(desk):
    from tests.factories import DocumentFactory

    document = DocumentFactory(workspace=desk.workspace, text="𝒳 rose by 5%.  Then it fell.")
    response = desk.client("annotator").post(
        f"{R}/claims/", {"document": document.pk, "start": 0, "end": 15}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["start"], body["end"], body["text"]) == (0, 13, "𝒳 rose by 5%.")


def test_whitespace_only_selection_is_refused(desk):
    from tests.factories import DocumentFactory

    document = DocumentFactory(workspace=desk.workspace, text="One.    Two.")
    response = desk.client("annotator").post(
        f"{R}/claims/", {"document": document.pk, "start": 4, "end": 8}, format="json"
    )
    body = _assert_refused(response)
    assert "whitespace" in body["detail"]


# --- numbers that are isdigit() but not ASCII -----------------------------------------

ID_REASON = "Give a whole number from 1 to 9223372036854775807."


@pytest.mark.parametrize("value", ["²", "٣", "+3"])
@pytest.mark.parametrize(
    ("path", "field", "reason"),
    [
        ("claims/?assignee=", "assignee", 'Give a user id or "me".'),
        ("annotations/?author=", "author", 'Give a user id or "me".'),
        ("annotations/?claim=", "claim", ID_REASON),
        ("claims/?document=", "document", ID_REASON),
        ("flags/?annotation=", "annotation", ID_REASON),
    ],
)
def test_list_filter_id_that_is_not_ascii_digits_is_400_with_field_named(
    desk, path, field, reason, value
):
    response = desk.client("editor").get(f"{R}/{path}", {field: value})
    body = _assert_refused(response)
    assert body["errors"] == {field: [reason]}


@pytest.mark.parametrize("value", ["²", "٣"])
@pytest.mark.parametrize(("name", "high"), [("page", 0), ("page_size", 500)])
def test_w3c_page_numbers_that_are_not_ascii_digits_are_400_with_field_named(
    desk, name, high, value
):
    from tests.api.test_w3c import W3C

    url = f"{R}/documents/{desk.document.pk}/annotations/"
    response = desk.client("editor").get(url, {name: value}, HTTP_ACCEPT=W3C)
    body = _assert_refused(response)
    low = 0 if name == "page" else 1
    assert body["errors"] == {name: [f"Give a whole number from {low} to {high}."]}


def test_similar_claims_limit_that_is_not_ascii_digits_is_400(desk):
    url = f"{R}/claims/{desk.claim.pk}/similar/"
    body = _assert_refused(desk.client("annotator").get(url, {"limit": "٣"}))
    assert body["errors"] == {"limit": ["Give a whole number from 1 to 50."]}


# --- deeply nested JSON -------------------------------------------------------------------

NESTED = "The JSON body is nested too deeply: more than 64 levels of arrays and objects."


@pytest.mark.parametrize("raw", [b"[" * 50_000, b"[" * 65 + b"]" * 65, b'{"a":' * 50_000])
def test_deeply_nested_json_body_is_400_saying_so(desk, raw):
    before = _state()
    response = desk.client("annotator").generic(
        "POST", f"{R}/annotations/", raw, content_type="application/json"
    )
    body = _assert_refused(response)
    assert (body["detail"], body["code"]) == (NESTED, "parse_error")
    assert _state() == before


def test_nested_json_on_a_multipart_endpoint_is_400_too(desk):
    response = desk.client("editor").generic(
        "POST", f"{R}/documents/", b"[" * 50_000, content_type="application/json"
    )
    assert _assert_refused(response)["detail"] == NESTED


def test_brackets_inside_strings_do_not_count_as_nesting(desk):
    response = desk.client("annotator").post(
        f"{R}/annotations/",
        {"claim": desk.spare_claim.pk, "summary": "[" * 500, "note": "{" * 5000},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["summary"] == "[" * 500


# --- front matter longer than the columns -------------------------------------------------

LONG_AUTHOR = "A" * 250
LONG_URL = "https://example.org/" + "a" * 2080


@pytest.mark.parametrize(
    ("front_matter", "field", "message"),
    [
        (
            f"author: {LONG_AUTHOR}",
            "speaker",
            "The speaker has 250 characters; the limit is 200. Give a shorter speaker with "
            "the import, or shorten the one in the document.",
        ),
        (
            f"url: {LONG_URL}",
            "source_url",
            "The source URL has 2,100 characters; the limit is 2,000. Give a shorter source "
            "URL with the import, or shorten the one in the document.",
        ),
    ],
)
@pytest.mark.parametrize("how", ["text", "file"])
def test_front_matter_longer_than_its_column_is_400_with_field_named(
    desk, front_matter, field, message, how
):
    markdown = f"---\n{front_matter}\n---\n\n# Budget\n\nPrices rose 9% in May.\n"
    if how == "text":
        body = {"workspace": "desk", "text": markdown, "markdown": True}
        kind = "json"
    else:
        upload = SimpleUploadedFile("speech.md", markdown.encode(), content_type="text/markdown")
        body, kind = {"workspace": "desk", "file": upload}, "multipart"
    before = _state()
    response = desk.client("editor").post(f"{R}/documents/", body, format=kind)
    body = _assert_refused(response)
    assert (body["detail"], body["code"], body["errors"]) == (
        message,
        "too_long",
        {field: [message]},
    )
    assert _state() == before


def test_a_given_speaker_replaces_a_long_front_matter_author(desk):
    markdown = f"---\nauthor: {LONG_AUTHOR}\n---\n\nPrices rose 9% in May.\n"
    response = desk.client("editor").post(
        f"{R}/documents/",
        {"workspace": "desk", "text": markdown, "markdown": True, "speaker": "Jane"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Document.objects.get(pk=response.json()["id"]).speaker == "Jane"


# --- NUL in the free-text fields of moderation and review ---------------------------------


def _nul_cases(d):
    ann, com = f"{R}/annotations/", f"{R}/comments/"
    return [
        ("editor", f"{ann}{d.submitted.pk}/approve/", {"body": "a\x00b"}, "body"),
        ("editor", f"{ann}{d.submitted.pk}/request-changes/", {"body": "a\x00b"}, "body"),
        ("editor", f"{ann}{d.approved.pk}/hide/", {"note": "a\x00b"}, "note"),
        ("editor", f"{com}{d.comment.pk}/hide/", {"note": "a\x00b"}, "note"),
        ("editor", f"{R}/verdicts/", {"annotation": d.approved.pk, "note": "a\x00b"}, "note"),
        ("editor", f"{R}/verdicts/{d.verdict.pk}/retract/", {"note": "a\x00b"}, "note"),
        ("editor", f"{R}/flags/{d.flag.pk}/resolve/", {"decision": "hide", "note": "\x00"}, "note"),
        ("annotator", f"{R}/flags/", {"annotation": d.approved.pk, "reason": "\x00"}, "reason"),
        ("annotator", f"{R}/claims/{d.claim.pk}/", {"restatement": "a\x00b"}, "restatement"),
    ]


@pytest.mark.parametrize("index", range(9))
def test_nul_in_a_free_text_field_is_400_with_field_named(desk, index):
    from annotations.models import ModerationEvent, Verdict

    role, url, data, field = _nul_cases(desk)[index]
    desk.claim.restatement = "Unemployment fell."
    desk.claim.save()
    before = (_state(), list(Verdict.objects.values()), ModerationEvent.objects.count())
    client = desk.client(role)
    response = (client.patch if "/claims/" in url else client.post)(url, data, format="json")
    body = _assert_refused(response)
    assert body["errors"] == {field: ["Null characters are not allowed."]}
    assert (_state(), list(Verdict.objects.values()), ModerationEvent.objects.count()) == before
    assert Claim.objects.get(pk=desk.claim.pk).restatement == "Unemployment fell."


# --- ZIP bombs --------------------------------------------------------------------------


@pytest.mark.parametrize("lying", [False, True])
def test_docx_zip_bomb_upload_is_400(desk, lying):
    from tests.zip_bombs import BOMB_MESSAGE, docx_bomb

    upload = SimpleUploadedFile(
        "speech.docx", docx_bomb(lying=lying), content_type="application/octet-stream"
    )
    before = _state()
    response = desk.client("editor").post(
        f"{R}/documents/", {"workspace": "desk", "file": upload}, format="multipart"
    )
    body = _assert_refused(response)
    assert (body["detail"], body["errors"]) == (
        BOMB_MESSAGE.format(name='"speech.docx"'),
        {"file": [BOMB_MESSAGE.format(name='"speech.docx"')]},
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("foreign", "No rating of this workspace's scale has this id."),
        ("missing", "No rating of this workspace's scale has this id."),
        (10**30, "No rating of this workspace's scale has this id."),
        (-1, "No rating of this workspace's scale has this id."),
        ("abc", "Give a rating id (a whole number)."),
        (True, "Give a rating id (a whole number)."),
        ([1], "Give a rating id (a whole number)."),
    ],
)
def test_a_posted_rating_not_on_the_desks_scale_is_refused_and_saves_nothing(desk, value, message):
    # The rating is read with the claim in one statement; the answers are the field's.
    if value == "foreign":
        value = rating(desk.other_workspace).pk
    elif value == "missing":
        value = Rating.objects.order_by("-pk").first().pk + 1000
    before = _state()
    response = desk.client("annotator").post(
        f"{R}/annotations/", {"claim": desk.spare_claim.pk, "rating": value}, format="json"
    )
    assert _assert_refused(response)["errors"] == {"rating": [message]}
    assert _state() == before


def test_a_posted_rating_given_as_a_numeric_string_is_the_desks_rating(desk):
    own = rating(desk.workspace)
    response = desk.client("annotator").post(
        f"{R}/annotations/", {"claim": desk.spare_claim.pk, "rating": str(own.pk)}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["rating"] == {"id": own.pk, "label": own.label, "colour": own.colour}


def test_a_claim_of_a_desk_one_is_not_on_is_not_found_whatever_the_rating(desk):
    response = desk.client("outsider").post(
        f"{R}/annotations/",
        {"claim": desk.spare_claim.pk, "rating": rating(desk.workspace).pk},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."
