"""Query-string filters of the list endpoints (django-filter).

Filters narrow a queryset the view has already limited to what the user may see; none
of them widens it. Ids are plain numbers, not model choices, so a filter costs no query
of its own and a foreign id simply matches nothing. Ids are parsed by
annotations.parsing: ASCII digits only, so "²" or "٣" is a 400 naming the filter.
"""

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from annotations import parsing, permissions
from annotations.models import Annotation, Claim, ClaimKind, Comment, Flag, Source, Verdict


class IdField(forms.Field):
    def to_python(self, value):
        try:
            return parsing.parse_id(value, "id", optional=True)
        except parsing.InvalidValue as exc:
            raise forms.ValidationError(exc.reason, code="invalid") from None


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.Filter):
    field_class = IdField


class YesNoField(forms.NullBooleanField):
    """true or false (also 1 and 0, True and False); anything else is refused rather
    than read as no filter at all."""

    widget = forms.TextInput  # the value as given, not a select's guess

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1", True):
            return True
        if value in ("false", "False", "0", False):
            return False
        raise forms.ValidationError('Give "true" or "false".', code="invalid")

    def validate(self, value):
        pass


class YesNoFilter(filters.BooleanFilter):
    field_class = YesNoField


def _user_id(value: str, name: str) -> int:
    try:
        return parsing.parse_id(value, name)
    except parsing.InvalidValue:
        raise forms.ValidationError({name: 'Give a user id or "me".'}) from None


class DocumentFilter(filters.FilterSet):
    workspace = filters.CharFilter(
        field_name="workspace__slug", max_length=50, help_text="A workspace's slug."
    )
    archived = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_archived",
        help_text="true: only archived documents. Without it, or false: only current ones.",
    )

    def filter_queryset(self, queryset):
        # Archived documents are out of the list unless asked for.
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=value != "true")


class ClaimFilter(filters.FilterSet):
    document = IdFilter(field_name="document_id")
    workspace = filters.CharFilter(field_name="document__workspace__slug", max_length=50)
    kind = filters.ChoiceFilter(choices=ClaimKind.choices)
    checkworthiness_min = filters.NumberFilter(
        field_name="checkworthiness",
        lookup_expr="gte",
        min_value=0,
        max_value=1,
        help_text="Check-worthiness at least this (0 to 1).",
    )
    state = filters.ChoiceFilter(
        choices=Claim.State.choices, method="filter_state", help_text="The derived state."
    )
    rating = filters.CharFilter(
        max_length=60, method="filter_rating", help_text="The current verdict's rating label."
    )
    assignee = filters.CharFilter(
        max_length=12,
        method="filter_assignee",
        help_text='A user id, or "me".',
    )
    not_checkable = YesNoFilter()
    speaker = filters.CharFilter(
        lookup_expr="iexact",
        max_length=200,
        help_text="Who said the claim (a transcript's speaker, else the document's), any case.",
    )
    checked_before = YesNoFilter(
        method="filter_checked_before",
        help_text="true: claims marked with an earlier verdict or a reference fact-check that "
        "says the same; false: the others.",
    )

    class Meta:
        model = Claim
        fields = []

    def filter_state(self, queryset, name, value):
        # Needs permissions.claims_with_state(), which the view applies.
        return permissions.filter_state(queryset, value)

    def filter_rating(self, queryset, name, value):
        current = Verdict.objects.filter(
            claim=OuterRef("pk"),
            is_current=True,
            retracted_at__isnull=True,
            rating__label=value,
        )
        return queryset.filter(Exists(current))

    def filter_checked_before(self, queryset, name, value):
        marked = Q(prior_verdict__isnull=False) | Q(prior_reference__isnull=False)
        return queryset.filter(marked if value else ~marked)

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        return queryset.filter(assignee_id=_user_id(value, "assignee"))


class AnnotationFilter(filters.FilterSet):
    document = IdFilter(field_name="claim__document_id")
    claim = IdFilter(field_name="claim_id")
    author = filters.CharFilter(
        max_length=12, method="filter_author", help_text='A user id, or "me".'
    )
    status = filters.ChoiceFilter(choices=Annotation.Status.choices)

    class Meta:
        model = Annotation
        fields = []

    def filter_author(self, queryset, name, value):
        if value == "me":
            return queryset.filter(author=self.request.user)
        return queryset.filter(author_id=_user_id(value, "author"))


class SourceFilter(filters.FilterSet):
    annotation = IdFilter(field_name="annotation_id")
    document = IdFilter(field_name="annotation__claim__document_id")

    class Meta:
        model = Source
        fields = []


class CommentFilter(filters.FilterSet):
    annotation = IdFilter(field_name="annotation_id")
    document = IdFilter(field_name="annotation__claim__document_id")
    parent = IdFilter(field_name="parent_id")
    decision = filters.ChoiceFilter(choices=[c for c in Comment.Decision.choices if c[0]])

    class Meta:
        model = Comment
        fields = []


class VerdictFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim_id")
    document = IdFilter(field_name="claim__document_id")
    current = YesNoFilter(
        field_name="is_current", help_text="Only the current (or only earlier) verdicts."
    )

    class Meta:
        model = Verdict
        fields = []


class FlagFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Flag.Status.choices)
    annotation = IdFilter(field_name="annotation_id")
    comment = IdFilter(field_name="comment_id")

    class Meta:
        model = Flag
        fields = []
