"""MinHash match keys: pure computation, and keys kept current in the database."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from annotations.matching import (
    BANDS,
    match_key_matrix,
    match_keys,
    match_keys_many,
    normalise,
    similar_claims,
    term_keys,
)
from annotations.matching.keys import rebuild_stale_keys
from annotations.models import (
    Claim,
    ClaimMatchKey,
)
from annotations.services import import_document, segment
from tests.factories import (
    WorkspaceFactory,
    member,
)
from tests.matching.common import (
    BACKED,
    DONBASS_NATIONAL,
    DONBASS_PLAIN,
    SEED,
    SUPPORTED,
    UNRELATED,
    claim_in,
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


# --- match keys kept current --------------------------------------------------------


def stored_keys(claim) -> set[int]:
    return set(ClaimMatchKey.objects.filter(claim=claim).values_list("key", flat=True))


def term_keys_of(text: str) -> set[int]:
    return set(term_keys(normalise(text)))


@pytest.mark.django_db
def test_an_import_stores_every_claims_term_keys_in_its_workspace(demo):
    workspace, document, _ = demo
    claims = list(document.claims.all())
    rows = ClaimMatchKey.objects.filter(claim__document=document)
    assert rows.count() == sum(len(term_keys(c.match_text)) for c in claims) >= 5 * 200
    assert set(rows.values_list("workspace_id", flat=True)) == {workspace.pk}
    for claim in claims[:20]:
        assert stored_keys(claim) == set(term_keys(claim.match_text))


@pytest.mark.django_db
def test_saving_a_claim_keeps_its_term_keys_current():
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, UNRELATED)
    assert stored_keys(claim) == term_keys_of(UNRELATED)
    twin = claim_in(workspace, SUPPORTED)
    assert similar_claims(twin, user) == []

    claim = Claim.objects.get(pk=claim.pk)
    claim.text = BACKED
    claim.save()
    assert stored_keys(claim) == term_keys_of(BACKED)
    assert [m.claim for m in similar_claims(twin, user)] == [claim]

    claim.checkworthiness = 0.3
    claim.save(update_fields=["checkworthiness"])
    claim.save()  # the text unchanged: the keys are left alone
    assert stored_keys(claim) == term_keys_of(BACKED)
    claim.update_details(user, restatement="Backing came from 114 nations at the UN.")
    assert stored_keys(claim) == term_keys_of(BACKED + " Backing came from 114 nations at the UN.")


@pytest.mark.django_db
def test_saving_a_claim_without_a_text_change_writes_no_keys(django_assert_num_queries):
    claim = claim_in(WorkspaceFactory(), BACKED)
    claim = Claim.objects.get(pk=claim.pk)
    claim.checkworthiness = 0.2
    # The UPDATE of the claim, the INSERT of its history row; nothing on ClaimMatchKey.
    with django_assert_num_queries(2):
        claim.save()


@pytest.mark.django_db(transaction=True)
def test_the_composite_primary_key_migration_keeps_every_key_both_ways():
    from django.db.migrations.executor import MigrationExecutor

    workspace = WorkspaceFactory()
    for text in (BACKED, SUPPORTED, UNRELATED):
        claim_in(workspace, text)
    expected = sorted(ClaimMatchKey.objects.values_list("claim_id", "workspace_id", "key"))
    assert len(expected) == sum(len(term_keys_of(t)) for t in (BACKED, SUPPORTED, UNRELATED))
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
    # Migration 0020 wrote the MinHash keys of its time; the command brings the terms back.
    assert rebuild_stale_keys(Claim) == 3
    assert sorted(ClaimMatchKey.objects.values_list("claim_id", "workspace_id", "key")) == expected
    columns = [c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "annotations_claimmatchkey"
    )]  # fmt: skip
    assert sorted(columns) == ["claim_id", "key", "workspace_id"]


@pytest.mark.django_db
def test_the_rebuild_command_replaces_minhash_and_stale_keys_and_then_writes_nothing(capsys):
    from django.core.management import call_command
    from django.test.utils import CaptureQueriesContext

    workspace = WorkspaceFactory()
    document = import_document(workspace, SEED.read_text(encoding="utf-8")[:6000]).document
    claims = list(document.claims.order_by("pk"))
    expected = {c.pk: set(term_keys(c.match_text)) for c in claims}
    # A database of before: MinHash band keys on half the claims, none on one.
    old, keyless = claims[: len(claims) // 2], claims[-1]
    ClaimMatchKey.objects.filter(claim__in=[*old, keyless]).delete()
    ClaimMatchKey.objects.bulk_create(
        ClaimMatchKey(claim_id=c.pk, workspace_id=workspace.pk, key=key)
        for c in old
        for key in match_keys(c.match_text)
    )
    call_command("rebuild_match_keys", "--chunk", "7")
    assert capsys.readouterr().out == (
        f"Rebuilt the term keys of {len(old) + 1:,} claims and 0 reference fact-checks.\n"
    )
    assert {c.pk: stored_keys(c) for c in claims} == expected
    with CaptureQueriesContext(connection) as queries:
        call_command("rebuild_match_keys")
    assert [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "DELETE"))] == []
