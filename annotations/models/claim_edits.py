"""An editor's fixes to wrongly split claims: delete, merge two neighbours, split one.

Only claims nobody has worked on (no annotation of any status, hidden ones included, and
no verdict) are changed: work belongs to the span it was done on, so moving it would
change what it says. Numbers follow DESIGN.md's rule that a shown number never changes:
a merged claim keeps the lower of the two numbers, a split claim's first part keeps its
number and the second part gets the document's next number; a deleted claim's
number is not given again. Each change is one transaction under the document's lock,
recorded in the claims' history (django-simple-history) with the editor as its author.

A mixin of Claim (documents.py), kept apart so that module stays small.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from annotations.models._rules import require as _require
from annotations.models.events import Event, emit
from annotations.models.exceptions import Conflict, InvalidInput, NotVisible
from annotations.text import anchoring, checkworthiness

ONLY_EDITORS = "Only editors can delete, merge or split claims."
SAME_SPAN = "Another claim already covers exactly this span."


class ClaimEdits:
    def has_work(self) -> bool:
        """Whether anyone has worked on the claim: an annotation (any status, hidden
        too; comments and flags hang on annotations) or a verdict."""
        return self.annotations.exists() or self.verdicts.exists()

    def delete_unworked(self, by) -> None:
        """Delete the claim; Conflict (409) when someone has worked on it."""
        _require(by, "claim.edit", self, ONLY_EDITORS)
        with transaction.atomic():
            claim = self._locked_fresh()
            claim._refuse_if_worked_on("deleted")
            claim._history_user = by
            emit(Event.Kind.CLAIM_EDITED, claim=claim, actor=by, data={"deleted": True})
            claim.delete()

    def merge_with(self, other, by):
        """Merge with the claim next to it in reading order into one claim over both
        spans, which keeps the lower number (and its row); the other is deleted."""
        _require(by, "claim.edit", self, ONLY_EDITORS)
        if other.document_id != self.document_id:
            raise InvalidInput("Only claims of the same document can be merged.", field="other")
        with transaction.atomic():
            first, second = sorted(
                (self._locked_fresh(), other._fresh()), key=lambda c: (c.start, c.end)
            )
            if first.pk == second.pk:
                raise InvalidInput("Choose another claim to merge with.", field="other")
            if first._claims_between(second).exists():
                raise InvalidInput(
                    f"Claims {first.number} and {second.number} are not next to each other; "
                    "only neighbouring claims can be merged.",
                    field="other",
                )
            first._refuse_if_worked_on("merged")
            second._refuse_if_worked_on("merged")
            keep, gone = sorted((first, second), key=lambda c: c.number)
            kind = first.kind if first.kind == second.kind else "selection"
            start, end = first.start, max(first.end, second.end)
            gone._history_user = by
            gone.delete()
            keep._respan(start, end, kind, by)
            emit(Event.Kind.CLAIM_EDITED, claim=keep, actor=by, data={"merged": gone.pk})
            return keep

    def split_at(self, offset: int, by):
        """Split into [start, offset) and [offset, end), each trimmed of whitespace. The
        first part keeps the claim (row and number), the second is a new claim with the
        document's next number. Returns (first, second)."""
        _require(by, "claim.edit", self, ONLY_EDITORS)
        with transaction.atomic():
            claim = self._locked_fresh()
            claim._refuse_if_worked_on("split")
            if not isinstance(offset, int) or not claim.start < offset < claim.end:
                raise InvalidInput(
                    f"Split inside the claim: at an offset between {claim.start + 1} and "
                    f"{claim.end - 1}.",
                    field="offset",
                )
            text = claim.document.text
            try:
                head = anchoring.check_span(text, claim.start, offset)
                tail = anchoring.check_span(text, offset, claim.end)
            except anchoring.SpanError:
                raise InvalidInput(
                    "Both parts of a split claim must contain words.", field="offset"
                ) from None
            claim._respan(*head, claim.kind, by)
            second = type(claim)(
                document=claim.document,
                start=tail[0],
                end=tail[1],
                kind=claim.kind,
                text=text[tail[0] : tail[1]],
                speaker=claim.speaker,
                spoken_at=claim.spoken_at,
                checkworthiness=_score(claim.document, text[tail[0] : tail[1]], claim.kind),
                created_by=by,
            )
            second._history_user = by
            _save_span(second)
            emit(Event.Kind.CLAIM_EDITED, claim=claim, actor=by, data={"split": second.pk})
            return claim, second

    # --- helpers ------------------------------------------------------------------------

    def _fresh(self):
        claim = (
            type(self)
            .objects.select_related("document__workspace")
            .filter(pk=self.pk, document_id=self.document_id)
            .first()
        )
        if claim is None:
            raise NotVisible("This claim no longer exists.")
        return claim

    def _locked_fresh(self):
        """The claim as stored, after taking the document's lock (numbers and spans of
        its claims change one editor at a time)."""
        self.document.lock()
        return self._fresh()

    def _refuse_if_worked_on(self, verb: str) -> None:
        if self.has_work():
            raise Conflict(
                f"Claim {self.number} has annotations or a verdict, so it cannot be {verb}: "
                "the work belongs to its exact words. Hide the work first, or mark the claim "
                "not checkable instead."
            )

    def _claims_between(self, later):
        """Claims of the document strictly between this one and `later` in reading order."""
        after_self = Q(start__gt=self.start) | Q(start=self.start, end__gt=self.end)
        before_later = Q(start__lt=later.start) | Q(start=later.start, end__lt=later.end)
        return (
            type(self)
            .objects.filter(document_id=self.document_id)
            .filter(after_self, before_later)
            .exclude(pk__in=[self.pk, later.pk])
        )

    def _respan(self, start: int, end: int, kind: str, by) -> None:
        text = self.document.text[start:end]
        self.start, self.end, self.kind, self.text = start, end, kind, text
        self.checkworthiness = _score(self.document, text, kind)
        self._history_user = by
        _save_span(self)


def _score(document, text: str, kind: str) -> float:
    return checkworthiness.score(text, kind, document.language or checkworthiness.DEFAULT_LANGUAGE)


def _save_span(claim) -> None:
    """Save (match keys and search vector follow the text); Conflict when another claim
    has this exact span."""
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        raise Conflict(SAME_SPAN) from None
