from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.forms import inlineformset_factory

from annotations.models import Membership, Rating, RatingScale, Role, Workspace


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
    source_url = forms.URLField(
        max_length=2000, required=False, assume_scheme="https", label="Source URL"
    )
    published = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Published on"
    )
    language = forms.CharField(max_length=10, required=False, initial="en")

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
