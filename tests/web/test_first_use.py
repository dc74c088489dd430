"""Small things a newsroom trips over on first use: a notification opened stays unread
while one merely fetched (by a link prefetcher) is read, the public report refuses HEAD,
two formats download under one name, the CSV prints seventeen digits, and
`make run PORT=…` links to the default port."""

import csv
import io
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from annotations import jobs
from annotations.exports import FORMATS
from annotations.models import Claim, Notification, Role
from tests.exports.factories import make_desk
from tests.factories import ClaimFactory, member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _assigned_notice():
    claim = ClaimFactory()
    editor = member(claim.document.workspace, Role.EDITOR)
    alice = member(claim.document.workspace, Role.ANNOTATOR)
    claim.assign(alice, editor)
    return claim, editor, alice, Notification.objects.get(recipient=alice)


def test_opening_a_notification_marks_it_read_and_opens_its_claim():
    claim, _, alice, notification = _assigned_notice()
    client = _client(alice)
    page = client.get("/notifications/").content.decode()
    assert f'<form method="post" action="/notifications/{notification.pk}/"' in page
    assert f'href="/notifications/{notification.pk}/"' not in page
    response = client.post(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/documents/{claim.document_id}/?claim={claim.number}#claim-{claim.pk}"
    )
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'aria-label="Notifications, 0 unread"' in client.get("/").content.decode()


@pytest.mark.parametrize("method", ["get", "head"])
def test_fetching_a_notification_opens_its_claim_and_leaves_it_unread(method):
    # A link prefetcher or a crawler following the address reads nothing for the user.
    claim, _, alice, notification = _assigned_notice()
    client = _client(alice)
    response = getattr(client, method)(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/documents/{claim.document_id}/?claim={claim.number}#claim-{claim.pk}"
    )
    notification.refresh_from_db()
    assert notification.read_at is None
    assert 'aria-label="Notifications, 1 unread"' in client.get("/").content.decode()


def test_marking_a_notification_read_needs_the_csrf_token():
    _, _, alice, notification = _assigned_notice()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/notifications/{notification.pk}/").status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_a_notification_takes_the_same_queries_read_or_unread(
    django_assert_num_queries,
):
    _, _, alice, notification = _assigned_notice()
    client = _client(alice)
    for _ in range(2):
        # session, user, roles, the notification with its claim, the update (only while
        # unread: the second pass meets a read notice and skips it)
        with django_assert_num_queries(5 if notification.read_at is None else 4):
            client.post(f"/notifications/{notification.pk}/")
        notification.refresh_from_db()
    with django_assert_num_queries(4):
        client.get(f"/notifications/{notification.pk}/")


def test_someone_elses_notification_is_not_found_and_stays_unread():
    _, editor, _, notification = _assigned_notice()
    assert _client(editor).get(f"/notifications/{notification.pk}/").status_code == 404
    assert _client(editor).post(f"/notifications/{notification.pk}/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_public_report_answers_head_like_get_without_a_body():
    desk = make_desk(claims=1)
    desk.document.publish_report(desk.editor, slug="budget")
    client = Client()
    get, head = client.get("/reports/budget/"), client.head("/reports/budget/")
    assert (get.status_code, head.status_code) == (200, 200)
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


def test_every_format_downloads_under_its_own_name_on_every_path():
    desk = make_desk(claims=1)
    names = {name: exporter.filename(desk.document) for name, exporter in FORMATS.items()}
    stem = f"budget-speech-{desk.document.pk}"
    assert names == {
        "html": f"{stem}.html",
        "pdf": f"{stem}.pdf",
        "md": f"{stem}.md",
        "csv": f"{stem}.csv",
        "json": f"{stem}.json",
        "claimreview": f"{stem}.claimreview.jsonld",
        "w3c": f"{stem}.w3c.jsonld",
    }
    client = _client(desk.editor)
    for name in ("claimreview", "w3c"):
        response = client.get(f"/documents/{desk.document.pk}/export/{name}/")
        assert response["Content-Disposition"] == f'attachment; filename="{names[name]}"'
    job_page = client.get(f"/documents/{desk.document.pk}/export/pdf/")["Location"]
    jobs.run(int(job_page.strip("/").split("/")[-1]))  # as a worker would
    download = client.get(f"{job_page}download/")
    assert download["Content-Disposition"] == f'attachment; filename="{names["pdf"]}"'


def test_csv_scores_have_three_decimals():
    desk = make_desk(claims=1)
    Claim.objects.filter(pk=desk.claims[0].pk).update(checkworthiness=0.123456789012345)
    data = FORMATS["csv"].render(desk.document, desk.editor).decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(data)))
    assert row["checkworthiness"] == "0.123"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["PORT=8123"], "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}"),
        (["HOST=0.0.0.0", "PORT=9000"], "SITE_URL=${SITE_URL:-http://0.0.0.0:9000}"),
    ],
)
def test_make_run_links_to_the_port_it_serves_on(args, expected):
    dry_run = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (serve,) = [line for line in dry_run.splitlines() if "runserver" in line]
    (seed,) = [line for line in dry_run.splitlines() if "seed_demo" in line]
    assert expected in serve and expected in seed


def test_forbidden_page_is_styled_says_why_and_links_back():
    desk = make_desk(claims=1)
    response = _client(desk.annotator).get(f"/w/{desk.workspace.slug}/import/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Not allowed</h1>" in page and "Only editors can import documents." in page
    assert 'href="/">Back to your workspaces</a>' in page
    assert "workspace settings" not in page


def test_not_found_page_is_styled_and_links_back():
    desk = make_desk(claims=1)
    response = _client(desk.annotator).get("/documents/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page and 'href="/">Back to your workspaces</a>' in page


def test_an_error_inside_the_panel_is_a_short_message_not_a_page():
    desk = make_desk(claims=1)
    response = _client(desk.annotator).post(
        "/claims/999999/annotation/", {"summary": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert page.startswith('<p class="panel-message error" role="alert">')
    assert "<html" not in page and "<h1>" not in page


def test_server_error_page_says_nothing_is_lost():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Nothing you saved is lost" in page and 'href="/"' in page


def test_a_review_error_shows_next_to_the_review_form_not_at_the_top():
    from annotations.models import Annotation
    from tests.factories import AnnotationFactory

    desk = make_desk(claims=1)
    work = AnnotationFactory(claim=desk.claims[0], status=Annotation.Status.SUBMITTED)
    response = _client(desk.reviewer).post(
        f"/annotations/{work.pk}/review/",
        {"decision": "request_changes", "body": " ", "version": work.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="panel-message' not in page
    textarea = page.index(f'id="review-body-{work.pk}"')
    error = page.index(f'<p id="review-error-{work.pk}" class="error" role="alert">')
    assert textarea < error < page.index('value="request_changes"')
    assert "Say what should change." in page[error:]
    work.refresh_from_db()
    assert work.status == Annotation.Status.SUBMITTED
