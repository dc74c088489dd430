"""Email copies of in-app notifications, for the members who asked for them.

Notification.send stores the notices and picks the addresses; this module writes and
sends the mail once the transaction commits, so a rolled-back change mails nobody.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.text import Truncator

QUOTE_CHARS = 200


def quote(body: str) -> str:
    """A comment's first QUOTE_CHARS characters on one line, ellipsed when cut: what a
    notice quotes of it (escaped where it is shown as HTML)."""
    return Truncator(" ".join(body.split())).chars(QUOTE_CHARS)


def email_on_commit(emails, kind_label: str, actor, claim, comment: str = "") -> None:
    subject = f"{kind_label}: {claim.text[:60]}"
    transaction.on_commit(lambda: send_email(emails, subject, actor, claim, comment))


def send_email(emails, subject: str, actor, claim, comment: str = "") -> None:
    link = settings.SITE_URL + reverse("document", args=[claim.document_id]) + f"#claim-{claim.pk}"
    said = f"{actor.get_username()} wrote: “{quote(comment)}”\n\n" if comment.strip() else ""
    # Plain text mail: nothing in it is read as HTML.
    body = f"{subject}\nBy {actor.get_username()}.\n\n{said}{claim.text}\n\n{link}\n"
    # One message per recipient, so nobody sees the others' addresses.
    send_mass_mail([(subject, body, None, [email]) for email in emails], fail_silently=True)
