"""Words on rating colours stay readable (WCAG AA, 4.5:1) whatever colour a desk picks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.models import Role
from annotations.models.workspaces import DEFAULT_RATINGS
from annotations.templatetags.colours import BLACK, WHITE, contrast, ink, luminance
from tests.factories import VerdictFactory, member, rating
from tests.web.workbench import _speech

COLOURS = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_contrast_of_black_on_white_is_21_and_of_a_colour_with_itself_1():
    assert contrast(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast("#6cb33f", "#6cb33f") == pytest.approx(1.0)
    assert luminance(WHITE) == pytest.approx(1.0)


def test_white_on_mostly_true_fails_and_the_chosen_ink_passes():
    assert contrast("#6cb33f", WHITE) == pytest.approx(2.57, abs=0.01)
    assert ink("#6cb33f") == BLACK
    assert ink("#cf222e") == WHITE


@pytest.mark.parametrize("label, colour", [(label, colour) for label, _, colour in DEFAULT_RATINGS])
def test_every_default_rating_gets_aa_contrast(label, colour):
    assert contrast(colour, ink(colour)) >= 4.5, label


@given(COLOURS)
def test_any_colour_gets_at_least_aa_contrast(colour):
    assert contrast(colour, ink(colour)) >= 4.5


@pytest.mark.parametrize("value", ["", "red", "#12", None, "#zzzzzz"])
def test_a_value_that_is_not_a_colour_gets_black(value):
    assert ink(value) == BLACK


@pytest.mark.django_db
def test_public_report_writes_ratings_in_the_readable_ink(client):
    document, claims = _speech()
    workspace = document.workspace
    VerdictFactory(claim=claims["We must act now."], rating=rating(workspace, "Mostly true"))
    VerdictFactory(claim=claims["Thank you."], rating=rating(workspace, "False"))
    document.publish_report(member(workspace, Role.EDITOR), slug="speech")
    page = client.get("/reports/speech/").content.decode()
    assert 'style="background: #6cb33f; color: #000000">Mostly true</span>' in page
    assert 'style="background: #cf222e; color: #ffffff">False</span>' in page
    assert page.count("<main>") == 1
