"""The claim panel: its context, and the POSTs made from it (annotation, sources,
review, comments, flags, hiding, verdicts).

GET /claims/<id>/panel/ renders the panel; every POST below calls one model method and
answers with the panel again (htmx swaps it in place), carrying the outcome as a message
and the WorkflowError's status code. Without htmx the POSTs redirect to the document
page with the panel open, the outcome as a flash message.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations import parsing
from annotations.forms import AnnotationForm, SourceForm
from annotations.matching import marks_of, reuse_verdict, similar_claims
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Duplicate,
    Flag,
    InvalidInput,
    ModerationEvent,
    Rating,
    Source,
    Verdict,
    VersionConflict,
    WorkflowError,
)
from annotations.permissions import Viewer, can
from annotations.text import checkworthiness
from annotations.text.markdown import render_markdown
from annotations.web.common import (
    STATE_ICONS,
    _claims_with_state,
    _posted,
    _readable_annotation,
    _readable_claim,
    _readable_comment,
    _refused,
    _scale,
)
from annotations.web.resubmission import changes_since_review


def _panel_context(request, claim, **extra) -> dict:
    user = request.user
    workspace = claim.document.workspace
    viewer = Viewer(user, workspace)
    role = viewer.role
    claim = _panel_claim(user, role, claim)
    ratings = _scale(workspace)
    annotations, mine, others = _panel_annotations(viewer, user, claim, extra.pop("edit_forms", {}))
    blind_hidden = viewer.blind_limited and (mine is None or mine.status == Annotation.Status.DRAFT)
    # Queries: term frequencies, candidates, claims, their verdicts, references.
    similar = similar_claims(claim, user, limit=5, kinds=("claim", "reference"))
    verdicts = list(
        claim.verdicts.select_related("rating", "published_by", "retracted_by").order_by(
            "published_at", "id"
        )
    )
    current = next((v for v in verdicts if v.is_current and not v.is_retracted), None)
    posted = extra.pop("annotation_form", None)
    if mine is not None and mine.hidden:
        # Read-only for its author, with what the editor said when hiding it.
        mine.hidden_by = _hiding(mine)
        posted = None
    if posted is None:
        posted = _stored_values(mine)
    context = {
        "similar": similar,
        "checked": marks_of(claim),
        "claim": claim,
        "workspace": workspace,
        "role": role,
        "reasons": checkworthiness.explain(claim.text, claim.kind, claim.document.language),
        "worthy": claim.checkworthiness >= workspace.checkworthiness_threshold,
        "ratings": ratings,
        "mine": mine,
        "my_values": posted,
        "others": [] if blind_hidden else others,
        "blind_hidden": blind_hidden,
        "verdicts": verdicts,
        "current_verdict": current,
        "is_editor": can(user, "moderate", claim),
        "can_publish": can(user, "verdict.publish", claim),
        "can_write": can(user, "annotation.write", claim),
        "source_form": extra.pop("source_form", None) or SourceForm(prefix="new"),
        "members": (
            workspace.memberships.select_related("user").order_by("user__username")
            if viewer.is_editor
            else ()
        ),
        "claim_fixes": _claim_fixes(user, claim, annotations, verdicts),
        "state_icon": STATE_ICONS[claim.state],
        "state_label": Claim.State(claim.state).label,
        "field_errors": {},
        # Approved work is read-only until its author chooses "Revise" (and confirms).
        "revise_needed": mine is not None
        and mine.status == Annotation.Status.APPROVED
        and not extra.get("revising"),
    }
    if current is not None:
        context["state_colour"] = current.rating.colour
    context.update(_review_focus(mine, context["others"]))
    context.update(extra)
    return context


def _review_focus(mine, others) -> dict:
    """What the viewer came for comes first: a reviewer with submitted work to review sees
    colleagues' annotations above their own form; an author asked for changes sees the
    request above the form."""
    review_first = any(a.can_review and a.status == Annotation.Status.SUBMITTED for a in others)
    requested = None
    if mine is not None and mine.status == Annotation.Status.CHANGES_REQUESTED:
        decisions = [
            c
            for c in mine.comments.all()
            if c.decision == Comment.Decision.REQUEST_CHANGES and not c.hidden
        ]
        requested = decisions[-1] if decisions else None
    return {"review_first": review_first, "requested_changes": requested}


def _panel_claim(user, role, claim) -> Claim:
    """The claim with its state as the user may see it."""
    return (
        _claims_with_state(user, role, claim.document)
        .filter(pk=claim.pk)
        .select_related("document__workspace", "assignee")
        .get()
    )


def _claim_fixes(user, claim, annotations, verdicts) -> dict | None:
    """For an editor, on a claim nobody has worked on (an editor sees every annotation,
    hidden ones too): its neighbours in reading order, to merge with. Two queries."""
    if annotations or verdicts or not can(user, "claim.edit", claim):
        return None
    siblings = Claim.objects.filter(document_id=claim.document_id).exclude(pk=claim.pk)
    before = Q(start__lt=claim.start) | Q(start=claim.start, end__lt=claim.end)
    return {
        "previous": siblings.filter(before).order_by("-start", "-end").first(),
        "next": siblings.exclude(before).order_by("start", "end").first(),
    }


def _panel_annotations(viewer, user, claim, edit_forms):
    """The annotations the viewer may see on the claim, ready to show: (all, mine, others).
    Mine also when an editor hid it, so the panel can say why there is no form; only
    editors see a hidden annotation's content (and its comments)."""
    comments = viewer.comments(Comment.objects.select_related("author")).order_by(
        "created_at", "id"
    )
    annotations = list(
        viewer.annotations(Annotation.objects.filter(claim=claim), own_hidden=True)
        .select_related("author", "rating")
        .prefetch_related("sources", Prefetch("comments", queryset=comments))
        .order_by("created_at", "id")
    )
    mine = next((a for a in annotations if a.author_id == user.pk), None)
    others = [a for a in annotations if a.author_id != user.pk]
    for annotation in annotations:
        annotation.claim = claim
        annotation.note_html = (
            mark_safe(render_markdown(annotation.note)) if annotation.note else ""
        )
        for source in annotation.sources.all():
            if annotation is mine:
                source.form = edit_forms.get(source.pk) or SourceForm(
                    instance=source, prefix=f"source-{source.pk}"
                )
        annotation.can_review = can(user, "annotation.review", annotation)
        annotation.can_publish = can(user, "verdict.publish", annotation)
        annotation.threads = _threads(annotation.comments.all())
        annotation.since_review = (
            changes_since_review(annotation) if annotation.can_review else None
        )
    return annotations, mine, others


def _hiding(annotation):
    """The moderation event that hid the annotation (the latest hide), or None."""
    return (
        ModerationEvent.objects.filter(annotation=annotation, action=ModerationEvent.Action.HIDE)
        .order_by("-created_at", "-id")
        .first()
    )


def _stored_values(mine) -> dict:
    """The annotation form's values from my stored annotation (empty without one)."""
    if mine is None:
        return {"summary": "", "note": "", "rating": None, "version": None}
    return {
        "summary": mine.summary,
        "note": mine.note,
        "rating": mine.rating_id,
        "version": mine.version,
    }


def _threads(comments):
    """Root comments, each with its replies, in order."""
    roots, replies = [], defaultdict(list)
    for comment in comments:
        (replies[comment.parent_id] if comment.parent_id else roots).append(comment)
    for root in roots:
        root.thread_replies = replies.get(root.pk, [])
    return roots


def _panel(request, claim, *, status=200, message="", error=None, **extra):
    """The panel with an outcome: a success message, or a WorkflowError shown with its
    status (404 becomes Http404, so blind mode and non-members see nothing)."""
    if error is not None:
        if error.status_code == 404:
            raise Http404(error.message)
        status = error.status_code
        message = error.message
        field = getattr(error, "field", None)
        if field:
            extra.setdefault("field_errors", {})[field] = error.message
    if not request.htmx:
        if message:
            (messages.error if status >= 400 else messages.success)(request, message)
        url = reverse("document", args=[claim.document_id])
        return redirect(f"{url}?claim={claim.number}#claim-{claim.pk}")
    extra.setdefault("revising", _revising(request))
    context = _panel_context(request, claim, **extra)
    context.update({"message": message, "message_is_error": status >= 400})
    return render(request, "annotations/claim_panel.html", context, status=status)


REVISE_FIRST = (
    "This annotation is approved. Choose “Revise” first: revising sends it back to review."
)


def _revising(request) -> bool:
    return request.method == "POST" and request.POST.get("revise") == "1"


def _unrevised(request, annotation) -> bool:
    """True when the request would change approved work without the explicit revise flag
    the panel's "Revise" button sets: one stray click must not send it back to review."""
    return (
        annotation is not None
        and annotation.author_id == request.user.pk
        and annotation.status == Annotation.Status.APPROVED
        and not _revising(request)
    )


@login_required
@require_GET
def claim_panel(request, pk):
    claim = _readable_claim(request, pk)
    return render(request, "annotations/claim_panel.html", _panel_context(request, claim))


@login_required
@require_POST
def claim_reuse(request, pk):
    """Start my annotation from a published verdict on a similar claim."""
    claim = _readable_claim(request, pk)
    try:
        verdict_id = _posted(request, "verdict", parsing.parse_id)
    except InvalidInput as exc:
        return _refused(exc)
    verdict = (
        Verdict.objects.select_related("claim__document__workspace", "rating")
        .filter(pk=verdict_id)
        .first()
    )
    if verdict is None:
        return _panel(request, claim, message="That verdict no longer exists.", status=404)
    try:
        reuse_verdict(verdict, claim, request.user)
    except WorkflowError as exc:
        return _panel(request, claim, error=exc)
    return _panel(
        request, claim, message="Started your annotation from that verdict; check and edit it."
    )


@login_required
@require_POST
def claim_annotation(request, pk):
    """Save (start or edit), submit, or delete my annotation on the claim."""
    claim = _readable_claim(request, pk)
    action = request.POST.get("action", "save")
    ratings = list(Rating.objects.filter(scale__workspace=claim.document.workspace))
    form = AnnotationForm(request.POST, ratings=ratings)
    mine = Annotation.objects.filter(claim=claim, author=request.user).first()
    if action == "delete":
        if mine is None:
            return _panel(request, claim, message="There is no draft to delete.", status=404)
        try:
            mine.delete_draft(request.user)
        except WorkflowError as exc:
            return _panel(request, claim, error=exc)
        return _panel(request, claim, message="Draft deleted.")
    if _unrevised(request, mine):
        return _panel(request, claim, status=409, message=REVISE_FIRST)
    if not form.is_valid():
        errors = {name: " ".join(e) for name, e in form.errors.items()}
        return _panel(
            request,
            claim,
            status=400,
            message="Check the fields marked below.",
            field_errors=errors,
            annotation_form=request.POST.dict(),
        )
    fields = form.model_fields()
    version = form.cleaned_data["version"]
    posted = {**form.cleaned_data, "version": version}
    try:
        with transaction.atomic():
            if mine is None:
                mine = Annotation.start(claim, request.user, **fields)
            else:
                mine.edit(request.user, expected_version=version, **fields)
            if action == "submit":
                mine.submit(request.user)
    except VersionConflict as exc:
        current = exc.current
        return _panel(
            request,
            claim,
            error=exc,
            conflict={"mine": {**fields}, "current": current},
            annotation_form={**posted, "version": current.version},
        )
    except WorkflowError as exc:
        return _panel(request, claim, error=exc, annotation_form=posted)
    done = "Submitted for review." if action == "submit" else "Saved."
    return _panel(request, claim, message=done)


def _my_annotation_for_sources(request, claim):
    """My annotation on the claim, started as a draft if I have none yet."""
    mine = Annotation.objects.filter(claim=claim, author=request.user).first()
    if mine is None:
        try:
            return Annotation.start(claim, request.user)
        except Duplicate:
            # Started by my other request meanwhile: the source goes on that one.
            return Annotation.objects.get(claim=claim, author=request.user)
    return mine


@login_required
@require_POST
def source_add(request, pk):
    claim = _readable_claim(request, pk)
    form = SourceForm(request.POST, prefix="new")
    if not form.is_valid():
        return _panel(
            request, claim, status=400, message="Check the source's fields.", source_form=form
        )
    try:
        with transaction.atomic():
            mine = _my_annotation_for_sources(request, claim)
            refused = _unrevised(request, mine)
            if not refused:
                position = mine.sources.count()
                mine.add_source(request.user, position=position, **form.cleaned_data)
    except WorkflowError as exc:
        return _panel(request, claim, error=exc, source_form=form)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _panel(
            request, claim, status=400, message="Check the source's fields.", source_form=form
        )
    if refused:
        return _panel(request, claim, status=409, message=REVISE_FIRST, source_form=form)
    return _panel(request, claim, message="Source added.")


@login_required
@require_POST
def source_edit(request, pk):
    """Edit or remove one of my sources; recorded as an edit of the annotation (touch)."""
    source = get_object_or_404(
        Source.objects.select_related("annotation__claim__document__workspace"), pk=pk
    )
    if not can(request.user, "document.read", source):
        raise Http404("No such source.")
    annotation, claim = source.annotation, source.annotation.claim
    if _unrevised(request, annotation):
        return _panel(request, claim, status=409, message=REVISE_FIRST)
    remove = request.POST.get("action") == "remove"
    form = SourceForm(request.POST, instance=source, prefix=f"source-{source.pk}")
    if not remove and not form.is_valid():
        return _panel(
            request,
            claim,
            status=400,
            message="Check the source's fields.",
            edit_forms={source.pk: form},
        )
    try:
        with transaction.atomic():
            annotation.touch(request.user)
            if remove:
                source.delete()
            else:
                form.instance.full_clean()
                form.save()
    except WorkflowError as exc:
        return _panel(request, claim, error=exc)
    except ValidationError as exc:
        return _panel(
            request, claim, status=400, message=" ".join(exc.messages), edit_forms={source.pk: form}
        )
    return _panel(request, claim, message="Source removed." if remove else "Source saved.")


@login_required
@require_POST
def annotation_review(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        version = _posted(request, "version", parsing.parse_id, optional=True)
    except InvalidInput as exc:
        return _refused(exc)
    try:
        body = _posted(request, "body")
        if request.POST.get("decision") == "approve":
            annotation.approve(request.user, body, expected_version=version)
            done = "Approved."
        else:
            annotation.request_changes(request.user, body, expected_version=version)
            done = "Changes requested."
    except InvalidInput as exc:
        if exc.field != "body" or not request.htmx:
            return _panel(request, annotation.claim, error=exc)
        # Next to the review form the reviewer is at, not at the top of the panel.
        return _panel(
            request, annotation.claim, status=400, review_error=(annotation.pk, exc.message)
        )
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message=done)


@login_required
@require_POST
def annotation_comment(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        parent_id = _posted(request, "parent", parsing.parse_id, optional=True)
    except InvalidInput as exc:
        return _refused(exc)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, annotation=annotation).first()
    try:
        Comment.post(annotation, request.user, _posted(request, "body"), parent=parent)
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message="Comment posted.")


@login_required
@require_POST
def comment_resolve(request, pk):
    comment = _readable_comment(request, pk)
    try:
        comment.resolve_thread(request.user)
    except WorkflowError as exc:
        return _panel(request, comment.annotation.claim, error=exc)
    return _panel(request, comment.annotation.claim, message="Thread resolved.")


@login_required
@require_POST
def annotation_flag(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        Flag.raise_on(annotation, request.user, _posted(request, "reason"))
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message="Flagged; an editor will look at it.")


@login_required
@require_POST
def comment_flag(request, pk):
    comment = _readable_comment(request, pk)
    try:
        Flag.raise_on(comment, request.user, _posted(request, "reason"))
    except WorkflowError as exc:
        return _panel(request, comment.annotation.claim, error=exc)
    return _panel(request, comment.annotation.claim, message="Flagged; an editor will look at it.")


@login_required
@require_POST
def annotation_hide(request, pk):
    annotation = _readable_annotation(request, pk)
    hide = request.POST.get("hidden") == "1"
    try:
        if hide:
            annotation.hide(request.user, _posted(request, "note"))
        else:
            annotation.unhide(request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message="Hidden." if hide else "Shown again.")


@login_required
@require_POST
def comment_hide(request, pk):
    comment = _readable_comment(request, pk)
    hide = request.POST.get("hidden") == "1"
    try:
        if hide:
            comment.hide(request.user, _posted(request, "note"))
        else:
            comment.unhide(request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, comment.annotation.claim, error=exc)
    return _panel(request, comment.annotation.claim, message="Hidden." if hide else "Shown again.")


@login_required
@require_POST
def annotation_publish(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        verdict, created = Verdict.publish_once(annotation, request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    done = "Correction published." if verdict.is_correction else "Verdict published."
    if not created:
        done = "This version of the annotation is already the published verdict."
    return _panel(request, annotation.claim, message=done)


@login_required
@require_POST
def verdict_retract(request, pk):
    verdict = get_object_or_404(Verdict.objects.select_related("claim__document__workspace"), pk=pk)
    if not can(request.user, "document.read", verdict):
        raise Http404("No such verdict.")
    try:
        verdict.retract(request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, verdict.claim, error=exc)
    return _panel(request, verdict.claim, message="Verdict retracted.")


@login_required
@require_POST
def note_preview(request):
    """The note as it will show: Markdown rendered, then sanitised (no scripts, no
    javascript: links)."""
    note = request.POST.get("note", "")
    html = mark_safe(render_markdown(note)) if note.strip() else ""
    return render(request, "annotations/note_preview.html", {"html": html})
