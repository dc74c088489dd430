import json

import pytest
from django.utils import timezone

from annotations.models import Role
from tests.exports.factories import make_desk
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def published_desk(**fields):
    return make_desk(claims=2, report_slug="budget", report_published_at=timezone.now(), **fields)


def test_public_report_is_readable_without_login_with_anchors_and_claimreview(client):
    desk = published_desk()
    response = client.get("/reports/budget/")
    assert response.status_code == 200
    page = response.content.decode()
    for claim in desk.claims:
        assert f'id="claim-{claim.pk}"' in page
    start = page.index('<script type="application/ld+json">')
    body = page[start:].split(">", 1)[1].split("</script>", 1)[0]
    reviews = json.loads(body)
    assert [r["url"].rsplit("#", 1)[1] for r in reviews] == [f"claim-{c.pk}" for c in desk.claims]
    assert reviews[0]["url"].startswith("http://") and "/reports/budget/#" in reviews[0]["url"]


def test_withdrawn_or_unknown_report_is_404(client):
    desk = published_desk()
    desk.document.report_published_at = None
    desk.document.save()
    assert client.get("/reports/budget/").status_code == 404
    assert client.get("/reports/nothing/").status_code == 404


def test_public_report_follows_the_documents_include_approved_setting(client):
    from annotations.models import Verdict

    desk = published_desk()
    Verdict.objects.filter(claim=desk.claims[1]).delete()
    assert "Unemployment rose in year 1." not in client.get("/reports/budget/").content.decode()
    desk.document.report_include_approved = True
    desk.document.save()
    page = client.get("/reports/budget/").content.decode()
    assert "Unemployment rose in year 1." in page
    assert len(json.loads(page.split('ld+json">', 1)[1].split("</script>")[0])) == 1


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("html", "text/html; charset=utf-8", "html"),
        ("md", "text/markdown; charset=utf-8", "md"),
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("json", "application/json", "json"),
        ("claimreview", "application/ld+json", "claimreview.jsonld"),
        ("w3c", "application/ld+json", "w3c.jsonld"),
    ],
)
def test_member_downloads_every_format_as_an_attachment(client, name, content_type, extension):
    desk = make_desk(claims=2)
    client.force_login(desk.annotator)
    response = client.get(f"/documents/{desk.document.pk}/export/{name}/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="budget-speech-{desk.document.pk}.{extension}"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.streaming is (name in ("csv", "json"))


def test_download_needs_login_and_membership_and_a_known_format(client):
    desk = make_desk(claims=1)
    url = f"/documents/{desk.document.pk}/export/html/"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(member(desk.workspace, Role.REVIEWER))
    assert client.get(f"/documents/{desk.document.pk}/export/docx/").status_code == 404
    assert client.get("/documents/999999/export/html/").status_code == 404
