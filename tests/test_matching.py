"""Claim matching: normalisation, similar claims, prior verdicts on import, reuse."""

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from annotations.matching import (
    BANDS,
    PRIOR_VERDICT_THRESHOLD,
    SIMILAR_THRESHOLD,
    default_threshold,
    mark_prior_verdicts,
    match_key_matrix,
    match_keys,
    match_keys_many,
    normalise,
    reuse_verdict,
    similar_claims,
)
from annotations.models import (
    Annotation,
    Claim,
    ClaimMatchKey,
    InvalidInput,
    NotVisible,
    Role,
    WorkflowError,
)
from annotations.permissions import roles_of
from annotations.services import import_document, segment
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed-document.txt"
DONBASS_NATIONAL = "supports this war of national liberation on the territory of Donbass"
DONBASS_PLAIN = "supports this war of liberation on the territory of Donbass"
BACKED = "114 countries backed the resolution."
SUPPORTED = "114 countries supported the resolution."
UNRELATED = "Unemployment fell to 5% last year."

SOURCES = [
    {
        "url": "https://digitallibrary.un.org/record/4003",
        "title": "Resolution ES-11/1",
        "publisher": "United Nations",
        "published": "2022-03-02",
        "excerpt": "In favour: 141",
        "stance": "refutes",
        "archive_url": "https://archive.example.org/un/4003",
    },
    {"url": "https://press.un.org/en/2022/ga12407.doc.htm", "stance": "context"},
]


# --- normalise: pure ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("One hundred and fourteen countries", "114 countries"),
        ("the fiftieth anniversary", "the 50 anniversary"),
        ("the 50th anniversary", "the 50 anniversary"),
        ("Twenty-one people", "21 people"),
        ("two million three hundred thousand and five", "2300005"),
        ("1.5 million jobs", "1500000 jobs"),
        ("24,000 soldiers", "24000 soldiers"),
        ("5% or five per cent", "5 percent or 5 percent"),
        ("Café SÉGOLÈNE Straße", "cafe segolene strasse"),
        ("Russia's “intervention” — is   positive!", "russia s intervention is positive"),
        ("thousands of people", "thousands of people"),
        ("one two three", "1 2 3"),
        ("a hundred", "a hundred"),
        ("", ""),
    ],
)
def test_normalise_folds_case_accents_punctuation_and_numbers(text, folded):
    assert normalise(text) == folded


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
def test_normalise_of_plain_ascii_takes_a_short_cut_to_the_same_result(text):
    import unicodedata

    from annotations.matching import folding as matching

    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # What normalise does after folding, applied to the long way's result.
    folded = matching._THOUSANDS_COMMA.sub("", folded)
    folded = matching._ORDINAL_SUFFIX.sub("", folded)
    folded = matching._PER_CENT.sub("percent", folded.replace("%", " percent "))
    expected = " ".join(matching._numbers_to_digits(matching._TOKEN.findall(folded)))
    assert normalise(text) == expected
    ascii_only = text.encode("ascii", "ignore").decode()
    assert normalise(ascii_only) == normalise(ascii_only.upper())


def test_normalise_makes_the_reworded_number_identical():
    assert normalise("One hundred and fourteen countries backed the resolution.") == normalise(
        BACKED
    )


# --- match keys: pure -----------------------------------------------------------------


def keys_of(text: str) -> set[int]:
    return set(match_keys(normalise(text)))


def demo_sentences() -> list[str]:
    return [c.text for c in segment(SEED.read_text(encoding="utf-8")) if normalise(c.text)]


def test_match_keys_are_one_signed_64_bit_int_per_band_and_deterministic():
    keys = match_keys(normalise(BACKED))
    assert len(keys) == len(set(keys)) == BANDS
    assert all(isinstance(k, int) and -(2**63) <= k < 2**63 for k in keys)
    # The band number is part of the key: two bands never give the same key.
    assert len({k >> 58 for k in keys}) == BANDS
    assert match_keys(normalise(BACKED)) == keys
    assert match_keys("") == match_keys("   ") == []


# Stored keys must never change unless a migration rebuilds them (see 0010): these are
# the keys every database holds for these two texts.
PINNED_KEYS = {
    BACKED: [
        5157089013923664, 523286208564524460, 640942992599685025, 912855135661514465,
        1327940174296294338, 1541841575037738135, 1861311143660136887, 2048737150906092475,
        2486952127387709285, 2666484262874302723, 2932380220604571185, 3317738945731995275,
        3603292675616220858, 3809715617276751202, 4237477037806715770, 4522471520935599818,
        4684502996378423700, 4920784500497492188, 5407181016593117931, 5761964201223552574,
        5848061471892129818, 6285882499848800870, 6616760031445307787, 6796897873258522246,
        7026433841352615778, 7228800253635874564, 7520344957146238167, 8062871136526221458,
    ],
    # Two letters: most bins are empty and borrow from others.
    "ok": [
        183086529147035450, 368923997603807882, 596846836301346985, 1036372956399203656,
        1174765033126261272, 1530204075282740778, 1833388195373364079, 2099966021864441394,
        2484724255139770048, 2870317745182123668, 2967165743033151538, 3385472640884932797,
        3732282669102082792, 3753336611285317496, 4218369335935176950, 4547263882867716399,
        4774130270118619967, 5110419446914110048, 5345503721654222219, 5551663869613649890,
        5896455130870330158, 6191193854702497560, 6563086019311286275, 6732858760329147303,
        7028230468673989636, 7320782499181113223, 7509453176292574399, 7793658403137045707,
    ],
}  # fmt: skip


@pytest.mark.parametrize("text", list(PINNED_KEYS))
def test_match_keys_are_those_the_databases_hold(text):
    assert match_keys(normalise(text)) == PINNED_KEYS[text]


@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abcdeé ß0123456789 ÆØ漢字عربى\n"), max_size=60),
        max_size=40,
    )
)
def test_match_keys_of_many_texts_at_once_are_each_texts_own(texts):
    folded = [normalise(text) for text in texts]
    assert match_keys_many(folded) == [match_keys(text) for text in folded]


def test_match_key_matrix_works_in_chunks_and_marks_texts_without_words():
    texts = [normalise(s) for s in demo_sentences()] * 6 + ["", "  "]
    assert len(texts) > 1024  # more than one chunk
    keys, has_words = match_key_matrix(texts)
    assert keys.shape == (len(texts), BANDS)
    assert has_words.tolist() == [True] * (len(texts) - 2) + [False, False]
    assert keys[:-2].tolist() == [match_keys(text) for text in texts[:-2]]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (BACKED, SUPPORTED),
        (BACKED, "114 countries have backed the resolution."),
        (BACKED, "One hundred and fourteen countries backed the resolution."),
        (BACKED, "114 countries backed the resolution in session 7."),
    ],
)
def test_match_keys_of_twins_collide(one, other):
    assert keys_of(one) & keys_of(other)


def test_match_keys_of_the_demo_documents_donbass_sentences_collide():
    sentences = demo_sentences()
    (national,) = [s for s in sentences if DONBASS_NATIONAL in s]
    (plain,) = [s for s in sentences if DONBASS_PLAIN in s]
    assert len(keys_of(national) & keys_of(plain)) > BANDS // 2


def test_match_keys_of_unrelated_sentences_rarely_collide():
    assert not keys_of(BACKED) & keys_of(UNRELATED)
    keys = [keys_of(s) for s in demo_sentences()]
    pairs = [(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))]
    sharing = sum(1 for i, j in pairs if keys[i] & keys[j])
    # 220 sentences, 24,090 pairs: 40 share a key (the Donbass twins, the sentences that
    # repeat "Belgium out of NATO", a few by chance; scoring drops those).
    assert len(pairs) > 20_000
    assert sharing / len(pairs) < 0.005


# --- similar claims ------------------------------------------------------------------


def claim_in(workspace, text, **document_fields):
    document = DocumentFactory(workspace=workspace, text=text, **document_fields)
    return ClaimFactory(document=document, start=0, end=len(text))


@pytest.fixture
def demo():
    """The demo document imported into a workspace, and an annotator of it."""
    workspace = WorkspaceFactory()
    document = import_document(workspace, SEED.read_text(encoding="utf-8"), title="Demo").document
    annotator = member(workspace, Role.ANNOTATOR)
    return workspace, document, annotator


def claim_containing(document, fragment) -> Claim:
    (claim,) = [c for c in document.claims.all() if fragment in c.text]
    return claim


@pytest.mark.django_db
def test_the_two_donbass_sentences_of_the_demo_document_find_each_other(demo):
    _, document, annotator = demo
    national = claim_containing(document, DONBASS_NATIONAL)
    plain = claim_containing(document, DONBASS_PLAIN)
    assert national.match_text and plain.match_text
    [(best, score), *_] = similar_claims(national, annotator)
    assert best == plain
    assert score > 0.9
    [(best, score), *_] = similar_claims(plain, annotator)
    assert best == national
    assert score > 0.9


@pytest.mark.django_db
def test_a_lightly_reworded_claim_finds_its_twin_and_not_an_unrelated_claim():
    workspace = WorkspaceFactory()
    user = member(workspace)
    backed = claim_in(workspace, BACKED)
    supported = claim_in(workspace, SUPPORTED)
    claim_in(workspace, UNRELATED)
    found = similar_claims(backed, user)
    assert [claim for claim, _ in found] == [supported]
    threshold = default_threshold(SIMILAR_THRESHOLD, connection.vendor)
    assert threshold <= found[0][1] < 1


@pytest.mark.django_db
def test_numbers_written_in_words_match_digits_exactly():
    workspace = WorkspaceFactory()
    user = member(workspace)
    words = claim_in(workspace, "One hundred and fourteen countries backed the resolution.")
    digits = claim_in(workspace, BACKED)
    assert similar_claims(words, user)[0] == (digits, pytest.approx(1.0))


@pytest.mark.django_db
def test_a_claim_is_never_its_own_match_nor_matched_across_workspaces():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    user = member(workspace)
    backed = claim_in(workspace, BACKED)
    claim_in(elsewhere, BACKED)
    claim_in(elsewhere, SUPPORTED)
    assert similar_claims(backed, user) == []


@pytest.mark.django_db
def test_a_member_of_both_workspaces_still_gets_only_the_claims_own_workspace():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    user = member(workspace, Role.EDITOR)
    elsewhere.memberships.create(user=user, role=Role.EDITOR)
    backed = claim_in(workspace, BACKED)
    twin = claim_in(workspace, SUPPORTED)
    claim_in(elsewhere, BACKED)
    assert [c for c, _ in similar_claims(backed, user)] == [twin]


@pytest.mark.django_db
def test_similar_claims_are_refused_to_a_non_member():
    claim = claim_in(WorkspaceFactory(), BACKED)
    with pytest.raises(NotVisible):
        similar_claims(claim, UserFactory())


@pytest.mark.django_db
def test_similar_claims_carry_their_current_published_verdict():
    workspace = WorkspaceFactory()
    user = member(workspace)
    backed = claim_in(workspace, BACKED)
    supported = claim_in(workspace, SUPPORTED)
    again = claim_in(workspace, "114 countries have backed the resolution.")
    verdict = VerdictFactory(claim=supported, rating=rating(workspace, "Mostly false"))
    retracted = VerdictFactory(
        claim=again,
        retracted_at=timezone.now(),
        retraction_note="Wrong claim.",
    )
    found = dict(similar_claims(backed, user))
    assert set(found) == {supported, again}
    by_pk = {c.pk: c for c in found}
    assert by_pk[supported.pk].published_verdict == verdict
    assert by_pk[supported.pk].published_verdict.rating.label == "Mostly false"
    assert by_pk[again.pk].published_verdict is None
    assert retracted.pk


@pytest.mark.django_db
def test_similar_claims_reject_a_threshold_outside_the_unit_interval():
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, BACKED)
    with pytest.raises(InvalidInput):
        similar_claims(claim, user, threshold=1.5)


def _fill_twins(workspace, count):
    """`count` claims that all read like BACKED, each with a published verdict."""
    for i in range(count):
        twin = claim_in(workspace, f"114 countries backed the resolution in session {i}.")
        VerdictFactory(claim=twin)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 40])
def test_similar_claims_queries_do_not_grow_with_the_claims(count, django_assert_num_queries):
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, BACKED)
    _fill_twins(workspace, count)
    claim = Claim.objects.select_related("document__workspace").get(pk=claim.pk)
    roles_of(user)
    # PostgreSQL: the candidates (claims sharing a match key) scored, with their
    # documents, in one query; their verdicts.
    # SQLite: the candidates' folded texts (claims sharing a match key); the claims with
    # their documents; their verdicts.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        found = similar_claims(claim, user, limit=50)
        assert all(c.published_verdict.rating.label for c, _ in found)
        assert all(c.document.title for c, _ in found)
    assert len(found) == count


# --- match keys kept current --------------------------------------------------------


def stored_keys(claim) -> set[int]:
    return set(ClaimMatchKey.objects.filter(claim=claim).values_list("key", flat=True))


@pytest.mark.django_db
def test_an_import_stores_every_claims_match_keys_in_its_workspace(demo):
    workspace, document, _ = demo
    claims = list(document.claims.all())
    rows = ClaimMatchKey.objects.filter(claim__document=document)
    assert rows.count() == sum(len(match_keys(c.match_text)) for c in claims) >= BANDS * 200
    assert set(rows.values_list("workspace_id", flat=True)) == {workspace.pk}
    for claim in claims[:20]:
        assert stored_keys(claim) == set(match_keys(claim.match_text))


@pytest.mark.django_db
def test_saving_a_claim_keeps_its_match_keys_current():
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, UNRELATED)
    assert stored_keys(claim) == keys_of(UNRELATED)
    twin = claim_in(workspace, SUPPORTED)
    assert similar_claims(twin, user) == []

    claim = Claim.objects.get(pk=claim.pk)
    claim.text = BACKED
    claim.save()
    assert stored_keys(claim) == keys_of(BACKED)
    assert [c for c, _ in similar_claims(twin, user)] == [claim]

    claim.checkworthiness = 0.3
    claim.save(update_fields=["checkworthiness"])
    claim.save()  # the text unchanged: the keys are left alone
    assert stored_keys(claim) == keys_of(BACKED)


@pytest.mark.django_db
def test_saving_a_claim_without_a_text_change_writes_no_keys(django_assert_num_queries):
    claim = claim_in(WorkspaceFactory(), BACKED)
    claim = Claim.objects.get(pk=claim.pk)
    claim.checkworthiness = 0.2
    # The UPDATE of the claim, the INSERT of its history row; nothing on ClaimMatchKey.
    with django_assert_num_queries(2):
        claim.save()


@pytest.mark.django_db
def test_the_migration_fills_the_keys_of_existing_claims():
    import importlib

    from django.apps import apps
    from django.db import connection as default_connection

    workspace = WorkspaceFactory()
    claims = [claim_in(workspace, text) for text in (BACKED, SUPPORTED, UNRELATED)]
    ClaimMatchKey.objects.filter(claim=claims[0]).delete()
    ClaimMatchKey.objects.filter(claim=claims[1], key__in=list(keys_of(SUPPORTED))[:3]).delete()
    migration = importlib.import_module("annotations.migrations.0010_fill_match_keys")

    class SchemaEditor:
        connection = default_connection

    migration.fill_match_keys(apps, SchemaEditor())
    for claim, text in zip(claims, (BACKED, SUPPORTED, UNRELATED), strict=True):
        assert stored_keys(claim) == keys_of(text)
    assert set(ClaimMatchKey.objects.values_list("workspace_id", flat=True)) == {workspace.pk}


@pytest.mark.django_db(transaction=True)
def test_the_composite_primary_key_migration_keeps_every_key_both_ways():
    from django.db.migrations.executor import MigrationExecutor

    workspace = WorkspaceFactory()
    for text in (BACKED, SUPPORTED, UNRELATED):
        claim_in(workspace, text)
    expected = sorted(ClaimMatchKey.objects.values_list("claim_id", "workspace_id", "key"))
    assert len(expected) == 3 * BANDS
    before = ("annotations", "0015_claim_list_index")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("annotations")
    try:
        MigrationExecutor(connection).migrate([before])
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, claim_id, workspace_id, key FROM annotations_claimmatchkey")
            rows = cursor.fetchall()
        assert sorted(row[1:] for row in rows) == expected
        assert len({row[0] for row in rows}) == len(rows)  # the surrogate id is back
    finally:
        MigrationExecutor(connection).migrate(latest)
    assert sorted(ClaimMatchKey.objects.values_list("claim_id", "workspace_id", "key")) == expected
    columns = [c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "annotations_claimmatchkey"
    )]  # fmt: skip
    assert sorted(columns) == ["claim_id", "key", "workspace_id"]


def _keys_by_claim(document) -> dict[int, set[tuple[int, int]]]:
    keys = defaultdict(set)
    rows = ClaimMatchKey.objects.filter(claim__document=document)
    for claim_id, workspace_id, key in rows.values_list("claim_id", "workspace_id", "key"):
        keys[claim_id].add((workspace_id, key))
    return dict(keys)


def _old_parameter_keys(claim_id: int) -> list[int]:
    """16 keys, a band number (0-15) on top of each, as 16 bands of 4 rows wrote them."""
    return [(band << 58) | (claim_id * 7919 + band) for band in range(16)]


@pytest.mark.django_db
def test_the_rebuild_migration_replaces_keys_of_old_parameters_with_the_imports(monkeypatch):
    import importlib

    from django.db import connection as default_connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test.utils import CaptureQueriesContext

    migration = importlib.import_module("annotations.migrations.0020_rebuild_stale_match_keys")
    monkeypatch.setattr(migration, "CHUNK", 7)  # several chunks
    workspace = WorkspaceFactory()
    text = SEED.read_text(encoding="utf-8")[:6000]
    document = import_document(workspace, text, title="Demo").document
    other = import_document(WorkspaceFactory(), text, title="Demo elsewhere").document
    written_by_import = {**_keys_by_claim(document), **_keys_by_claim(other)}
    claim_ids = sorted(written_by_import)
    assert len(claim_ids) > 30
    assert all(len(keys) == BANDS for keys in written_by_import.values())
    # A database that applied the removed 0014: 16 x 4 keys on the claims of before, the
    # code's keys on those imported since, and a claim that lost its keys.
    old, keyless = claim_ids[: len(claim_ids) // 2], claim_ids[-1]
    ClaimMatchKey.objects.filter(claim_id__in=[*old, keyless]).delete()
    workspace_of = dict(Claim.objects.values_list("pk", "document__workspace_id"))
    ClaimMatchKey.objects.bulk_create(
        ClaimMatchKey(claim_id=pk, workspace_id=workspace_of[pk], key=key)
        for pk in old
        for key in _old_parameter_keys(pk)
    )
    assert ClaimMatchKey.objects.filter(claim_id=old[0]).count() == 16
    # Other rows or seed: as many keys, other values.
    shifted = claim_ids[len(claim_ids) // 2 : len(claim_ids) // 2 + 3]
    ClaimMatchKey.objects.filter(claim_id__in=shifted).update(key=F("key") + 1)

    class SchemaEditor:
        connection = default_connection

    state = MigrationExecutor(default_connection).loader.project_state(
        ("annotations", "0020_rebuild_stale_match_keys")
    )
    migration.rebuild_stale_match_keys(state.apps, SchemaEditor())
    assert {**_keys_by_claim(document), **_keys_by_claim(other)} == written_by_import
    # Nothing stale is left: a second run writes nothing.
    with CaptureQueriesContext(default_connection) as queries:
        migration.rebuild_stale_match_keys(state.apps, SchemaEditor())
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "DELETE"))]
    assert writes == []


# --- prior verdicts on import ------------------------------------------------------


@pytest.mark.django_db
def test_import_marks_claims_that_match_an_earlier_published_verdict():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    checked = claim_in(workspace, BACKED)
    verdict = VerdictFactory(claim=checked)
    retracted_claim = claim_in(workspace, "Unemployment fell to 5 percent in the last year.")
    VerdictFactory(claim=retracted_claim, retracted_at=timezone.now(), retraction_note="Oops.")
    other_workspace_claim = claim_in(elsewhere, "The minimum wage doubled since 2010.")
    VerdictFactory(claim=other_workspace_claim)

    text = f"{SUPPORTED} {UNRELATED} The minimum wage doubled since 2010."
    document = import_document(workspace, text, title="New speech").document

    marked = {c.text: (c.prior_verdict_id, c.prior_similarity) for c in document.claims.all()}
    verdict_id, score = marked[SUPPORTED]
    assert verdict_id == verdict.pk
    assert score >= default_threshold(PRIOR_VERDICT_THRESHOLD, connection.vendor)
    assert marked[UNRELATED] == (None, None)
    assert marked["The minimum wage doubled since 2010."] == (None, None)
    assert list(document.claims.filter(prior_verdict__isnull=False)) == [
        document.claims.get(text=SUPPORTED)
    ]


@pytest.mark.django_db
def test_marking_again_clears_a_mark_whose_verdict_was_retracted():
    workspace = WorkspaceFactory()
    verdict = VerdictFactory(claim=claim_in(workspace, BACKED))
    document = import_document(workspace, SUPPORTED, title="New speech").document
    assert document.claims.get().prior_verdict == verdict
    verdict.retracted_at = timezone.now()
    verdict.retraction_note = "Wrong figure."
    verdict.save()
    assert mark_prior_verdicts(document) == 0
    assert document.claims.get().prior_verdict is None


# --- reusing a verdict ---------------------------------------------------------------


@pytest.mark.django_db
def test_reusing_a_verdict_copies_rating_summary_and_sources_and_records_the_link():
    workspace = WorkspaceFactory()
    annotator = member(workspace)
    verdict = VerdictFactory(
        claim=claim_in(workspace, BACKED),
        rating=rating(workspace, "Mostly false"),
        summary="141 countries voted for it, not 114.",
        sources=SOURCES,
    )
    claim = claim_in(workspace, SUPPORTED)

    annotation = reuse_verdict(verdict, claim, annotator)

    annotation.refresh_from_db()
    assert annotation.claim == claim
    assert annotation.author == annotator
    assert annotation.status == Annotation.Status.DRAFT
    assert annotation.rating.label == "Mostly false"
    assert annotation.summary == "141 countries voted for it, not 114."
    assert annotation.reused_from == verdict
    assert list(verdict.reuses.all()) == [annotation]
    copied = [source.as_dict() for source in annotation.sources.order_by("position")]
    assert copied == [
        {**SOURCES[0]},
        {
            "url": SOURCES[1]["url"],
            "title": "",
            "publisher": "",
            "published": None,
            "excerpt": "",
            "stance": "context",
            "archive_url": "",
        },
    ]
    assert annotation.sources.first().published == date(2022, 3, 2)


@pytest.mark.django_db
def test_a_verdict_cannot_be_reused_across_workspaces():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    user = member(workspace)
    elsewhere.memberships.create(user=user, role=Role.ANNOTATOR)
    verdict = VerdictFactory(claim=claim_in(elsewhere, BACKED))
    with pytest.raises(NotVisible):
        reuse_verdict(verdict, claim_in(workspace, SUPPORTED), user)
    assert not Annotation.objects.exists()


@pytest.mark.django_db
def test_a_retracted_verdict_cannot_be_reused():
    workspace = WorkspaceFactory()
    user = member(workspace)
    verdict = VerdictFactory(
        claim=claim_in(workspace, BACKED), retracted_at=timezone.now(), retraction_note="No."
    )
    with pytest.raises(InvalidInput):
        reuse_verdict(verdict, claim_in(workspace, SUPPORTED), user)


@pytest.mark.django_db
def test_reusing_on_a_claim_already_annotated_is_refused_and_saves_nothing():
    workspace = WorkspaceFactory()
    user = member(workspace)
    verdict = VerdictFactory(claim=claim_in(workspace, BACKED), sources=SOURCES)
    claim = claim_in(workspace, SUPPORTED)
    Annotation.start(claim, user, summary="Mine.")
    with pytest.raises(WorkflowError):
        reuse_verdict(verdict, claim, user)
    assert Annotation.objects.get().reused_from is None
