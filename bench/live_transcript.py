"""The transcript of bench/live.py's transcript writer: a desk with earlier verdicts and
reference fact-checks (the CLEF 2020 verified claims of ../shared/data, when there), and
a debate's transcript (speaker labels with times) cut into chunks."""

import os
import random
import sys

import load
import matching_data

ROOT = load.ROOT
READERS = 10

TRANSCRIPT_DESK = "live"
SUBJECTS = ["Unemployment", "Inflation", "The deficit", "Crime", "Emissions", "Turnout"]
VERBS = ["fell to", "rose to", "stayed at", "reached", "doubled to"]


def _claim_sentence(rng, n) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.randint(1, 99)}.{n % 10}% in "
        f"{1990 + n % 35} according to report {n}."
    )


REPEATED_REFERENCES = 40  # reference fact-checks the transcript repeats, one every tenth


def _references() -> list[tuple[str, str, str]]:
    """(id, claim, title) of the reference fact-checks, or none without the data."""
    try:
        return matching_data.verified_claims()
    except OSError:
        return []


def _repeated_references() -> list[str]:
    """Claims of reference fact-checks the transcript repeats, as sentences."""
    claims = [claim for _, claim, _ in _references()[:2000:50]][:REPEATED_REFERENCES]
    return [c if c.endswith((".", "!", "?")) else c + "." for c in claims]


def fill_transcript_desk() -> None:
    """Runs inside Django (child process): a desk with an editor, ten readers, an
    earlier debate whose first 100 claims have published verdicts, and the reference
    fact-checks."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from annotations.models import Annotation, Membership, Rating, Role, Verdict, Workspace
    from annotations.services import import_document

    user_model = get_user_model()
    workspace = Workspace.objects.create(slug=TRANSCRIPT_DESK, name="Live desk")
    hashed = make_password(load.PASSWORD)
    people = {
        name: user_model.objects.create(username=name, password=hashed)
        for name in ["editor", "checker", *(f"reader{i}" for i in range(READERS))]
    }
    for name, user in people.items():
        role = {"editor": Role.EDITOR, "checker": Role.ANNOTATOR}.get(name, Role.REVIEWER)
        Membership.objects.create(workspace=workspace, user=user, role=role)
    rng = random.Random(11)
    earlier = " ".join(_claim_sentence(rng, n) for n in range(400))
    document = import_document(workspace, earlier, title="Earlier debate").document
    rating = Rating.objects.filter(scale__workspace=workspace, ordinal=True).first()
    for claim in document.claims.order_by("number")[:100]:
        annotation = Annotation.objects.create(
            claim=claim,
            author=people["checker"],
            rating=rating,
            summary="The statistics office says otherwise.",
            status=Annotation.Status.APPROVED,
        )
        Verdict.publish(annotation, people["editor"])
    from annotations.services.factchecks import FactCheckRecord, store_references

    records = [
        FactCheckRecord(claim=c, title=t[:500], url=f"https://www.snopes.com/v/{v}/")
        for v, c, t in _references()
    ]
    store_references(workspace, records, people["editor"])
    print(f"transcript desk: {len(records):,} reference fact-checks loaded")


def transcript_chunks(count: int, size: int = 2048) -> list[str]:
    """A debate transcript (labels with times; every fifth sentence one the desk has a
    verdict on, from the earlier debate; every tenth else the claim of one of its
    reference fact-checks), cut into `count` pieces of `size` characters."""
    rng, earlier = random.Random(3), random.Random(11)
    repeated = [_claim_sentence(earlier, n) for n in range(100)]
    references = _repeated_references()
    lines, second, n = [], 0, 0
    while sum(len(line) + 1 for line in lines) < count * size:
        speaker = ["MODERATOR", "SENATOR SMITH", "GOVERNOR JONES"][len(lines) % 3]
        words = []
        for _ in range(rng.randint(2, 5)):
            n += 1
            if n % 5 == 0:
                words.append(repeated[n % 100])
            elif n % 10 == 7 and references:
                words.append(references[n // 10 % len(references)])
            else:
                words.append(_claim_sentence(rng, 1000 + n))
        second += rng.randint(10, 40)
        lines.append(f"[{second // 3600}:{second // 60 % 60:02}:{second % 60:02}] {speaker}: ")
        lines[-1] += " ".join(words)
    text = "\n".join(lines)
    return [text[i * size : (i + 1) * size] for i in range(count)]
