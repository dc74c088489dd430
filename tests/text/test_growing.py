"""Which segments of a growing text are settled, and where the held rest begins."""

from annotations.text import growing, transcripts


def _settled(text, start=0):
    spoken = transcripts.split(text, "en", start=start, consistent=False)
    ready, held = growing.settled(text, spoken)
    return [text[s.segment.start : s.segment.end] for s in spoken[:ready]], held


def test_a_word_cut_in_two_is_held():
    assert _settled("Taxes rose. The econ") == (["Taxes rose."], 12)


def test_a_sentence_followed_by_a_space_is_settled():
    assert _settled("Taxes rose. The economy grew. ") == (
        ["Taxes rose.", "The economy grew."],
        29,
    )


def test_a_final_stop_with_nothing_after_it_is_held():
    # "grew 3." may go on as "3.5 percent" in the next chunk.
    assert _settled("The economy grew 3.") == ([], 0)


def test_an_abbreviation_at_the_end_is_held():
    assert _settled("We met Mr. ") == ([], 0)


def test_a_blank_line_settles_a_line_without_a_stop():
    assert _settled("MODERATOR: Thank you\n\n") == (["Thank you"], 20)


def test_splitting_from_a_boundary_splits_only_the_new_part():
    text = "SMITH: Taxes rose. The economy grew. Wages fell"
    assert _settled(text, start=18) == (["The economy grew."], 37)


def test_nothing_to_split_holds_nothing():
    assert growing.settled("JONES:", []) == (0, -1)


def test_one_label_opens_a_turn_in_a_live_transcript():
    spoken = transcripts.split("JONES: Taxes rose.", "en", consistent=False)
    assert [(s.speaker, s.segment.start) for s in spoken] == [("JONES", 7)]
    # An imported text needs three consistent labels to be a transcript.
    assert transcripts.split("JONES: Taxes rose.", "en")[0].speaker == ""
