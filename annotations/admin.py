from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    IngestToken,
    Membership,
    ModerationEvent,
    Notification,
    PersonalToken,
    Rating,
    RatingScale,
    ReferenceFactCheck,
    Source,
    Verdict,
    WorkflowError,
    Workspace,
)
from annotations.permissions import admin_queryset


class DeskScoped:
    """Lists and opens only what the staff user may see (permissions.admin_queryset):
    superusers and staff moderators every desk; other staff their own desks, as in the
    workbench. Filters offer only the desks of the rows listed."""

    def get_queryset(self, request):
        return admin_queryset(request.user, super().get_queryset(request))


def _desk_filter(path):
    return (path, admin.RelatedOnlyFieldListFilter)


def _apply(modeladmin, request, queryset, verb, method):
    """Run a workflow method on each selected row; report successes and refusals.
    The methods check permissions themselves, exactly as for the browser and the API."""
    done, refused = 0, []
    for obj in queryset:
        try:
            method(obj)
        except WorkflowError as exc:
            refused.append(f"{obj}: {exc.message}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"{verb} {done} item(s).", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


@admin.action(description="Approve (a review decision by you)")
def approve_selected(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, "Approved", lambda a: a.approve(request.user))


@admin.action(description="Hide")
def hide_selected(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, "Hid", lambda o: o.hide(request.user, "Hidden in admin"))


@admin.action(description="Unhide")
def unhide_selected(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        "Unhid",
        lambda o: o.unhide(request.user, "Unhidden in admin"),
    )


@admin.action(description="Resolve: hide the flagged item")
def resolve_by_hiding(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        "Resolved",
        lambda f: f.resolve(request.user, hide=True, note="Resolved in admin"),
    )


@admin.action(description="Resolve: dismiss the flag")
def resolve_by_dismissing(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        "Dismissed",
        lambda f: f.resolve(request.user, hide=False, note="Dismissed in admin"),
    )


class MembershipInline(DeskScoped, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(DeskScoped, admin.ModelAdmin):
    list_display = ["name", "slug", "organisation_name", "blind", "member_count", "created_at"]
    list_filter = ["blind"]
    search_fields = ["name", "slug", "organisation_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Membership)
class MembershipAdmin(DeskScoped, admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", _desk_filter("workspace")]
    search_fields = ["user__username", "user__email", "workspace__name"]
    list_select_related = ["user", "workspace"]
    autocomplete_fields = ["user", "workspace"]


class RatingInline(DeskScoped, admin.TabularInline):
    model = Rating
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(DeskScoped, admin.ModelAdmin):
    list_display = ["name", "workspace"]
    search_fields = ["name", "workspace__name"]
    list_select_related = ["workspace"]
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(DeskScoped, admin.ModelAdmin):
    list_display = ["label", "scale", "position", "ordinal", "colour"]
    list_filter = ["ordinal", _desk_filter("scale__workspace")]
    search_fields = ["label"]
    list_select_related = ["scale__workspace"]


@admin.register(Document)
class DocumentAdmin(DeskScoped, admin.ModelAdmin):
    list_display = [
        "title",
        "workspace",
        "speaker",
        "published",
        "language",
        "claim_count",
        "workbench",
    ]
    list_filter = [_desk_filter("workspace"), "language"]
    search_fields = ["title", "speaker", "source_url"]
    list_select_related = ["workspace"]
    date_hierarchy = "created_at"
    readonly_fields = ["text_sha256", "created_at"]
    raw_id_fields = ["created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims")).defer("text")

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, obj):
        return obj.claim_count

    @admin.display(description="workbench")
    def workbench(self, obj):
        return format_html('<a href="{}">open</a>', reverse("document", args=[obj.pk]))


@admin.register(Claim)
class ClaimAdmin(DeskScoped, SimpleHistoryAdmin):
    list_display = ["__str__", "document", "kind", "start", "end", "checkworthiness", "assignee"]
    list_filter = ["kind", "not_checkable", _desk_filter("document__workspace")]
    search_fields = ["text", "restatement", "document__title"]
    list_select_related = ["document", "assignee"]
    raw_id_fields = ["document", "assignee", "created_by", "prior_verdict", "prior_reference"]


class SourceInline(DeskScoped, admin.StackedInline):
    model = Source
    extra = 0


class CommentInline(DeskScoped, admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "body", "decision", "hidden", "resolved", "created_at"]
    # Workflow fields change only through the model methods (admin actions), which log.
    readonly_fields = ["decision", "hidden", "created_at"]
    raw_id_fields = ["author", "parent"]


@admin.register(Annotation)
class AnnotationAdmin(DeskScoped, SimpleHistoryAdmin):
    list_display = ["id", "claim", "author", "rating", "status", "hidden", "version", "updated_at"]
    list_filter = ["status", "hidden", "rating__label", _desk_filter("claim__document__workspace")]
    search_fields = ["summary", "note", "author__username", "claim__text"]
    list_select_related = ["claim", "author", "rating"]
    raw_id_fields = ["claim", "author", "rating"]
    # Workflow fields change only through the model methods (admin actions), which log.
    readonly_fields = ["status", "hidden", "version", "created_at", "updated_at", "submitted_at"]
    inlines = [SourceInline, CommentInline]
    actions = [approve_selected, hide_selected, unhide_selected]


@admin.register(Source)
class SourceAdmin(DeskScoped, SimpleHistoryAdmin):
    list_display = ["__str__", "publisher", "stance", "published", "annotation"]
    list_filter = ["stance"]
    search_fields = ["url", "title", "publisher", "excerpt"]
    list_select_related = ["annotation__author"]
    raw_id_fields = ["annotation"]


@admin.register(Comment)
class CommentAdmin(DeskScoped, SimpleHistoryAdmin):
    list_display = ["id", "author", "annotation", "decision", "hidden", "resolved", "created_at"]
    list_filter = [
        "decision",
        "hidden",
        "resolved",
        _desk_filter("annotation__claim__document__workspace"),
    ]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "annotation__author"]
    raw_id_fields = ["annotation", "author", "parent"]
    readonly_fields = ["decision", "hidden"]
    actions = [hide_selected, unhide_selected]


@admin.register(Verdict)
class VerdictAdmin(DeskScoped, SimpleHistoryAdmin):
    list_display = [
        "id",
        "claim",
        "rating",
        "published_by",
        "published_at",
        "is_current",
        "retracted_at",
    ]
    list_filter = ["is_current", "rating__label", _desk_filter("claim__document__workspace")]
    search_fields = ["summary", "claim__text", "correction_note", "retraction_note"]
    list_select_related = ["claim", "rating", "published_by"]
    raw_id_fields = [
        "claim",
        "annotation",
        "rating",
        "checked_by",
        "reviewed_by",
        "published_by",
        "retracted_by",
    ]
    readonly_fields = ["is_current", "retracted_at"]


@admin.register(Flag)
class FlagAdmin(DeskScoped, admin.ModelAdmin):
    list_display = [
        "id",
        "reporter",
        "annotation",
        "comment",
        "status",
        "created_at",
        "resolved_by",
    ]
    list_filter = ["status", _desk_filter("annotation__claim__document__workspace")]
    search_fields = ["reason", "reporter__username", "resolution_note"]
    list_select_related = ["reporter", "annotation__author", "comment__author", "resolved_by"]
    raw_id_fields = ["reporter", "annotation", "comment", "resolved_by"]
    readonly_fields = ["status"]
    actions = [resolve_by_hiding, resolve_by_dismissing]


@admin.register(ModerationEvent)
class ModerationEventAdmin(DeskScoped, admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "action",
        "workspace",
        "annotation",
        "comment",
        "verdict",
    ]
    list_filter = ["action", _desk_filter("workspace")]
    search_fields = ["note", "actor__username"]
    list_select_related = [
        "actor",
        "workspace",
        "annotation__author",
        "comment__author",
        "verdict__rating",
    ]
    readonly_fields = [f.name for f in ModerationEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(DeskScoped, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "actor", "claim", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username"]
    list_select_related = ["recipient", "actor", "claim"]
    raw_id_fields = ["recipient", "actor", "claim", "annotation"]


@admin.register(ReferenceFactCheck)
class ReferenceFactCheckAdmin(DeskScoped, admin.ModelAdmin):
    """Fact-checks published elsewhere, as loaded: read here, loaded from the import page,
    the API or `manage.py import_factchecks`; staff may delete a wrongly loaded one."""

    list_display = ["claim_start", "rating", "publisher", "published", "workspace", "loaded_at"]
    list_filter = [_desk_filter("workspace")]
    search_fields = ["claim", "publisher", "url"]
    list_select_related = ["workspace"]
    readonly_fields = [
        f.name
        for f in ReferenceFactCheck._meta.fields
        if f.name not in ("search_vector", "match_vector")
    ]
    exclude = ["search_vector", "match_vector"]

    @admin.display(description="claim")
    def claim_start(self, obj):
        return obj.claim[:100]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    """Superusers revoke a person's API tokens (someone leaves, a key leaks). Keys are
    made by their owners, who alone see them once; here only their first characters."""

    list_display = ["name", "user", "hint", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "hint"]
    list_select_related = ["user"]
    fields = ["name", "user", "hint", "created_at", "last_used_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IngestToken)
class IngestTokenAdmin(PersonalTokenAdmin):
    """Superusers revoke a desk's ingest tokens (a transcription service's key leaks, a
    contract ends), as personal tokens; the desk's editors do it in its settings."""

    list_display = ["name", "workspace", "hint", "created_by", "created_at", "last_used_at"]
    search_fields = ["name", "workspace__slug", "hint"]
    list_select_related = ["workspace", "created_by"]
    fields = ["name", "workspace", "hint", "created_by", "created_at", "last_used_at"]
    readonly_fields = fields
