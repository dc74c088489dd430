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
