import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from annotations.models import Annotation, Claim, Document, Membership, Verdict, Workspace

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Workspace.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        Claim.objects.count(),
        Annotation.objects.count(),
        Verdict.objects.count(),
    )


def test_seed_demo_creates_the_desk_and_running_it_again_changes_nothing():
    call_command("seed_demo", password="pw-for-tests")
    first = _counts()
    assert first[:4] == (1, 4, 3, 1)
    assert first[5:] == (6, 6)
    assert first[4] > 150
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"alice": "annotator", "bob": "reviewer", "erin": "editor"}
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("pw-for-tests")
    document = Document.objects.get()
    assert document.text.startswith("10/25/23, 11:57 AM")
    call_command("seed_demo", password="another")
    assert _counts() == first
    # The second run keeps the users' passwords.
    assert get_user_model().objects.get(username="erin").check_password("pw-for-tests")


def test_seed_demo_requires_a_password():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--password"):
        call_command("seed_demo")


def test_seed_demo_checks_are_approved_by_bob_and_published_by_erin():
    import json

    from django.conf import settings

    call_command("seed_demo", password="pw-for-tests")
    checks = json.loads((settings.BASE_DIR / "fixtures" / "demo-checks.json").read_text())
    for check in checks["checks"]:
        verdict = Verdict.objects.select_related("claim", "rating").get(claim__text=check["claim"])
        assert verdict.rating.label == check["rating"]
        assert verdict.summary == check["summary"]
        assert verdict.published_by.username == "erin"
        assert verdict.reviewed_by.username == "bob"
        assert verdict.checked_by.username == "alice"
        assert [s["url"] for s in verdict.sources] == [s["url"] for s in check["sources"]]
        assert verdict.claim.state == "published"
        annotation = verdict.annotation
        assert (annotation.status, annotation.author.username) == ("approved", "alice")
