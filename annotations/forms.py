from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.forms import inlineformset_factory

from annotations.models import (
    Claim,
    Membership,
    Rating,
    RatingScale,
    Role,
    Source,
    SpeakerType,
    Workspace,
)


class WorkspaceSettingsForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = [
            "name",
            "organisation_name",
            "organisation_url",
            "methodology",
            "blind",
            "checkworthiness_threshold",
        ]
        widgets = {"methodology": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "organisation_name": "Shown as the author of reports and ClaimReview.",
            "checkworthiness_threshold": "Claims scoring at least this (0 to 1) are check-worthy.",
        }


class WorkspaceCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=50,
        label="Address",
        help_text="Used in the desk's URLs: letters, digits, - and _.",
    )


class AddMemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError("No active user has this username; create an account.")
        if self.workspace.memberships.filter(user=user).exists():
            raise forms.ValidationError("This user is already a member.")
        self.user = user
        return username


class CreateAccountForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    role = forms.ChoiceField(choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        field = get_user_model()._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError("This username is taken; add the existing user instead.")
        return username

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("username"):
            candidate = get_user_model()(username=data["username"], email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class MemberRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


RatingFormSet = inlineformset_factory(
    RatingScale,
    Rating,
    fields=["label", "position", "ordinal", "colour", "description"],
    extra=1,
    can_delete=True,
    widgets={"colour": forms.TextInput(attrs={"type": "color"})},
)


class FactCheckFileForm(forms.Form):
    """A file of reference fact-checks: ClaimReview JSON(-lines) or TSV."""

    file = forms.FileField(
        label="Fact-checks file",
        help_text="ClaimReview JSON-LD (an object, an array or JSON lines) or a TSV with the "
        "columns claim, rating, url (optionally publisher, date, claimant, title, language).",
    )


class ImportForm(forms.Form):
    """Paste text or upload a file; both go through the same importer and splitter."""

    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Paste the text here, or upload a file below.",
    )
    file = forms.FileField(
        required=False,
        help_text="Plain text, Markdown, HTML, Word (.docx) or PDF with a text layer.",
    )
    title = forms.CharField(max_length=300, required=False, help_text="Default: from the file.")
    speaker = forms.CharField(max_length=200, required=False, help_text="Who made the claims.")
    speaker_type = forms.ChoiceField(
        choices=SpeakerType.choices,
        initial=SpeakerType.PERSON,
        required=False,
        label="The speaker is",
        help_text="A person or an organisation (a party, a ministry): exports say which.",
    )
    source_url = forms.URLField(
        max_length=2000, required=False, assume_scheme="https", label="Source URL"
    )
    published = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Published on"
    )
    language = forms.CharField(
        max_length=10,
        required=False,
        help_text="A language code such as en, fr or nl. Default: detected from the text.",
    )

    def clean_source_url(self):
        url = self.cleaned_data["source_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Only http:// and https:// links are allowed.")
        return url

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste some text or choose a file to import.")
        return data


class LiveDocumentForm(forms.Form):
    """Start a live document: what it is; its text comes in chunks."""

    title = forms.CharField(max_length=300, help_text="E.g. the debate and its date.")
    speaker = forms.CharField(max_length=200, required=False, help_text="Default speaker.")
    language = forms.RegexField(
        r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        max_length=10,
        required=False,
        initial="en",
        help_text="A language code such as en, fr or nl.",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="First text",
        help_text="Optional: the transcript so far.",
    )


class ChunkForm(forms.Form):
    """The next chunk of a live transcript; the sequence number is the page's, so a form
    sent twice appends once."""

    sequence = forms.IntegerField(min_value=1, max_value=2_000_000_000, widget=forms.HiddenInput)
    text = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Next chunk",
        help_text="Speaker labels (MODERATOR:) and times ([00:12:31]) are kept.",
    )


def _http_url(value: str, required: bool) -> str:
    """Refuse non-http(s) schemes with a message that says so, before URL syntax."""
    from django.core.validators import URLValidator

    value = (value or "").strip()
    if not value:
        if required:
            raise forms.ValidationError("Enter the URL of the source.")
        return ""
    if not value.lower().startswith(("http://", "https://")):
        raise forms.ValidationError("Only http:// and https:// links are allowed.")
    URLValidator(schemes=["http", "https"], message="Enter a valid URL.")(value)
    return value


class SourceForm(forms.ModelForm):
    """A source on an annotation. URLs are plain text fields so that a `javascript:` or
    `ftp:` link gets the scheme message at the field, not a generic one."""

    url = forms.CharField(max_length=2000, label="URL")
    archive_url = forms.CharField(max_length=2000, required=False, label="Archive URL")

    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "published", "excerpt", "stance", "archive_url"]
        widgets = {
            "published": forms.DateInput(attrs={"type": "date"}),
            "excerpt": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"published": "Published on", "excerpt": "Quoted excerpt"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_url(self):
        return _http_url(self.cleaned_data.get("url"), required=True)

    def clean_archive_url(self):
        return _http_url(self.cleaned_data.get("archive_url"), required=False)


class AnnotationForm(forms.Form):
    """The fields of my annotation as posted from the claim panel."""

    rating = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    summary = forms.CharField(max_length=600, required=False)
    note = forms.CharField(required=False, strip=False)
    version = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.ratings = {r.pk: r for r in ratings}
        self.fields["rating"].choices = [("", "—")] + [(r.pk, r.label) for r in ratings]

    def model_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "rating": self.ratings.get(data["rating"]) if data["rating"] else None,
            "summary": data["summary"].strip(),
            "note": data["note"],
        }


class ClaimDetailsForm(forms.Form):
    restatement = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    not_checkable = forms.BooleanField(required=False, label="Not checkable")


class ClaimFilterForm(forms.Form):
    """Filters of the document page, from the query string."""

    worthy = forms.BooleanField(required=False, label="Check-worthy only")
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any state"), *Claim.State.choices],
    )
    mine = forms.BooleanField(required=False, label="Assigned to me")
    review = forms.BooleanField(required=False, label="Needs my review")
    prior = forms.BooleanField(
        required=False, label="Checked before: matches an earlier verdict or a reference fact-check"
    )
    rating = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    # Who said the claim: a transcript's speakers, else the document's.
    speaker = forms.ChoiceField(required=False)

    def __init__(self, *args, ratings, speakers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", "Any rating")] + [(r.pk, r.label) for r in ratings]
        self.fields["speaker"].choices = [("", "Any speaker")] + [(s, s) for s in speakers]

    @property
    def active(self) -> bool:
        return self.is_valid() and any(
            v not in (None, "", False) for v in self.cleaned_data.values()
        )
