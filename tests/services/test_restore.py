import json

import pytest
from django.contrib.auth import get_user_model

from annotations.exports import FORMATS
from annotations.models import Annotation, Claim, Rating, Verdict
from annotations.services.restore import RestoreError, restore_document
from tests.exports.factories import correct, make_desk
from tests.factories import CommentFactory, FlagFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def export_json(document) -> dict:
    return json.loads(FORMATS["json"].render(document, None))


def without_ids(data: dict) -> dict:
    """The export with ids renumbered in order of appearance (references follow) and
    the workspace and export time left out."""
    data = json.loads(json.dumps(data))
    for key in ("workspace", "exported_at"):
        data.pop(key)
    data["document"].pop("id")
    numbers = {}

    def number(kind, value):
        if value is None:
            return None
        return numbers.setdefault((kind, value), len([k for k in numbers if k[0] == kind]))

    for claim in data["claims"]:
        claim["id"] = number("claim", claim["id"])
        for annotation in claim["annotations"]:
            annotation["id"] = number("annotation", annotation["id"])
            for comment in annotation["comments"]:
                comment["id"] = number("comment", comment["id"])
                comment["parent"] = number("comment", comment["parent"])
                for flag in comment["flags"]:
                    flag["id"] = number("flag", flag["id"])
            for flag in annotation["flags"]:
                flag["id"] = number("flag", flag["id"])
        for verdict in claim["verdicts"]:
            verdict["id"] = number("verdict", verdict["id"])
            verdict["annotation"] = number("annotation", verdict["annotation"])
    return data


def rich_desk():
    desk = make_desk(claims=3)
    correct(desk, desk.claims[0])
    annotation = desk.claims[1].annotations.get()
    parent = CommentFactory(annotation=annotation, author=desk.editor, body="Why?")
    reply = CommentFactory(
        annotation=annotation, author=desk.annotator, body="Table 4.", parent=parent
    )
    CommentFactory(annotation=annotation, author=desk.reviewer, body="rude", hidden=True)
    FlagFactory(annotation=None, comment=reply, reporter=desk.reviewer, reason="Off topic")
    FlagFactory(
        annotation=annotation, reporter=desk.editor, reason="Check source", status="dismissed"
    )
    Annotation.objects.filter(pk=desk.claims[2].annotations.get().pk).update(hidden=True)
    Claim.objects.filter(pk=desk.claims[2].pk).update(restatement="Restated.", not_checkable=True)
    # A transcript's claim: its own speaker and time survive the round trip.
    Claim.objects.filter(pk=desk.claims[1].pk).update(speaker="JOHN ROE", spoken_at=751)
    return desk


def test_json_round_trip_is_identical_apart_from_ids_and_workspace():
    desk = rich_desk()
    first = export_json(desk.document)
    target = WorkspaceFactory()
    restored = restore_document(first, target)
    assert restored.workspace == target
    second = export_json(restored)
    assert second["workspace"]["slug"] == target.slug
    assert without_ids(second) == without_ids(first)
    assert Verdict.objects.filter(claim__document=restored).count() == 4
    speakers = list(restored.claims.order_by("start").values_list("speaker", "spoken_at"))
    assert speakers[:3] == [("Jane Minister", None), ("JOHN ROE", 751), ("Jane Minister", None)]


def test_restore_creates_missing_users_inactive_and_matches_existing_ones():
    desk = make_desk(claims=1)
    data = export_json(desk.document)
    data["claims"][0]["annotations"][0]["author"] = "stranger"
    restore_document(data, WorkspaceFactory())
    stranger = get_user_model().objects.get(username="stranger")
    assert not stranger.is_active and not stranger.has_usable_password()
    assert get_user_model().objects.filter(username=desk.editor.username).count() == 1


def test_restore_refuses_a_rating_label_the_scale_lacks_and_writes_nothing():
    desk = make_desk(claims=2)
    data = export_json(desk.document)
    target = WorkspaceFactory()
    Rating.objects.filter(scale__workspace=target, label="False").update(label="Wrong")
    with pytest.raises(RestoreError, match="has no label 'False'"):
        restore_document(data, target)
    assert not target.documents.exists()


def test_restore_refuses_other_files_and_versions():
    with pytest.raises(RestoreError, match="not a factcheck-document"):
        restore_document({"format": "other"}, WorkspaceFactory())
    with pytest.raises(RestoreError, match="version 2"):
        restore_document({"format": "factcheck-document", "version": 2}, WorkspaceFactory())


def test_restore_rolls_back_everything_on_a_bad_claim():
    desk = make_desk(claims=2)
    data = export_json(desk.document)
    data["claims"][1]["end"] = 10_000
    target = WorkspaceFactory()
    with pytest.raises(RestoreError, match="does not fit the text"):
        restore_document(data, target)
    assert not target.documents.exists()


def test_restore_keeps_the_report_slug_unless_another_document_has_it():
    desk = make_desk(claims=1, report_slug="speech")
    data = export_json(desk.document)
    taken = restore_document(data, WorkspaceFactory())
    assert taken.report_slug is None
    desk.document.delete()
    free = restore_document(data, WorkspaceFactory())
    assert free.report_slug == "speech"


def test_restore_keeps_claim_numbers_with_their_gaps_and_the_speaker_type():
    desk = make_desk(claims=3)
    Claim.objects.filter(pk=desk.claims[1].pk).update(number=7)
    desk.document.speaker_type = "organization"
    desk.document.save(update_fields=["speaker_type"])
    restored = restore_document(export_json(desk.document), WorkspaceFactory())
    assert list(restored.claims.values_list("number", flat=True)) == [1, 7, 3]
    assert restored.speaker_type == "organization"
    # A claim made later continues after the highest number.
    assert Claim.objects.create(document=restored, start=0, end=3).number == 8


def test_a_backup_without_numbers_is_numbered_in_its_reading_order():
    data = export_json(make_desk(claims=3).document)
    for claim in data["claims"]:
        del claim["number"]
    del data["document"]["speaker_type"]
    restored = restore_document(data, WorkspaceFactory())
    assert list(restored.claims.values_list("number", flat=True)) == [1, 2, 3]
    assert restored.speaker_type == "person"


@pytest.mark.parametrize("number", [0, -1, "2", 1.5, True])
def test_a_claim_number_that_is_no_positive_whole_number_refuses_the_restore(number):
    data = export_json(make_desk(claims=2).document)
    data["claims"][1]["number"] = number
    with pytest.raises(RestoreError) as refused:
        restore_document(data, WorkspaceFactory())
    assert str(refused.value) == f"Claim {data['claims'][1]['id']} has no valid number: {number!r}."


def test_duplicate_claim_numbers_refuse_the_restore_and_write_nothing():
    data = export_json(make_desk(claims=2).document)
    data["claims"][1]["number"] = data["claims"][0]["number"]
    target = WorkspaceFactory()
    with pytest.raises(RestoreError):
        restore_document(data, target)
    assert not Claim.objects.filter(document__workspace=target).exists()


def test_an_unknown_speaker_type_refuses_the_restore():
    data = export_json(make_desk(claims=1).document)
    data["document"]["speaker_type"] = "<script>"
    with pytest.raises(RestoreError) as refused:
        restore_document(data, WorkspaceFactory())
    assert str(refused.value) == "Unknown speaker type '<script>': use person or organization."
