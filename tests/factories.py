import factory
from django.contrib.auth import get_user_model

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    Membership,
    Rating,
    Role,
    Source,
    Verdict,
    Webhook,
    Workspace,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    slug = factory.Sequence(lambda n: f"desk-{n}")
    name = factory.Sequence(lambda n: f"Desk {n}")
    organisation_name = "Example Checks"
    organisation_url = "https://checks.example.org"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


def member(workspace, role=Role.ANNOTATOR, **user_fields):
    """A new user who is a member of the workspace with the role."""
    user = UserFactory(**user_fields)
    MembershipFactory(workspace=workspace, user=user, role=role)
    return user


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Speech {n}")
    speaker = "A. Speaker"
    text = factory.Sequence(
        lambda n: f"Unemployment fell to {n}% last year. We must act now. Taxes rose by 3.5%."
    )


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    document = factory.SubFactory(DocumentFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: c.document.text.index(".") + 1)
    checkworthiness = 0.8


def rating(workspace, label="False") -> Rating:
    return Rating.objects.get(scale__workspace=workspace, label=label)


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    rating = factory.LazyAttribute(lambda a: rating(a.claim.document.workspace))
    summary = "The official figure is different."
    note = "See the **statistics office**."
    status = Annotation.Status.DRAFT


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    annotation = factory.SubFactory(AnnotationFactory)
    url = factory.Sequence(lambda n: f"https://stats.example.org/report/{n}")
    title = "Labour market report"
    publisher = "Statistics office"
    stance = Source.Stance.REFUTES


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    annotation = factory.SubFactory(AnnotationFactory)
    author = factory.SubFactory(UserFactory)
    body = "Which table is this from?"


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    annotation = None
    annotation_version = factory.LazyAttribute(
        lambda v: v.annotation.version if v.annotation else None
    )
    rating = factory.LazyAttribute(lambda v: rating(v.claim.document.workspace))
    summary = "The official figure is different."
    published_by = factory.SubFactory(UserFactory)


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    reporter = factory.SubFactory(UserFactory)
    annotation = factory.SubFactory(AnnotationFactory)
    reason = "Insulting language."


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook

    workspace = factory.SubFactory(WorkspaceFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/{n}")
    events = factory.LazyFunction(lambda: list(Webhook.EventType.values))
    secret = factory.LazyFunction(Webhook.new_secret)
