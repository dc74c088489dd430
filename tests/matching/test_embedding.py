"""Static word embeddings: loaded from the wheel's own files with no network connection,
summed over each text's words, and closer for texts that mean the same."""

import socket

import numpy as np
import pytest

from annotations.matching import embedding
from annotations.matching.folding import normalise


def test_loading_the_model_opens_no_network_connection(monkeypatch):
    opened = []

    def refuse(*args, **kwargs):
        opened.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    embedding.model.cache_clear()
    monkeypatch.setattr(embedding, "_index", {})
    monkeypatch.setattr(embedding, "_matrix", embedding._matrix[:0])
    try:
        vectors = embedding.embed(["the vaccine causes autism"])
    finally:
        embedding.model.cache_clear()
    assert opened == []
    assert vectors.shape == (1, embedding.DIMENSIONS)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)


def test_the_sum_over_words_is_wordllamas_own_embedding():
    texts = [normalise("Hillary Clinton's emails were deleted"), "a jab", "één 70 procent"]
    model = embedding.model()
    model.tokenizer.enable_padding()
    try:
        theirs = model.embed(texts, norm=True)
    finally:
        model.tokenizer.no_padding()
    np.testing.assert_allclose(embedding.embed(texts), theirs, atol=1e-5)


def test_a_text_without_words_has_a_zero_vector_and_zero_cosines():
    assert not embedding.embed(["", "   "]).any()
    assert embedding.embed([]).shape == (0, embedding.DIMENSIONS)
    assert list(embedding.cosines("", ["vaccines", ""])) == [0.0, 0.0]
    assert list(embedding.cosines("vaccines", [])) == []


def test_texts_that_mean_the_same_are_closer_than_unrelated_ones():
    query = normalise("Doctors say the jab gives children autism")
    same, other = embedding.cosines(
        query,
        [
            normalise("Vaccines cause autism in kids"),
            normalise("The stadium opened with a hologram show"),
        ],
    )
    assert same > other + 0.2


def test_words_learned_once_are_reused_and_the_store_is_bounded(monkeypatch):
    monkeypatch.setattr(embedding, "_index", {})
    monkeypatch.setattr(embedding, "_matrix", embedding._matrix[:0])
    monkeypatch.setattr(embedding, "WORDS_KEPT", 3)
    first = embedding.embed(["alpha beta"])
    assert set(embedding._index) == {"alpha", "beta"}
    embedding.embed(["beta gamma delta"])  # over the bound: the store starts again
    assert set(embedding._index) == {"beta", "gamma", "delta"}
    np.testing.assert_allclose(embedding.embed(["alpha beta"]), first, atol=1e-6)
