"""annotations.text.transcripts: speaker labels, turns and claims by turn (no Django)."""

from annotations.text import segmentation, transcripts

DEBATE = (
    "# Leaders' debate\n\n"
    "[00:00:05] MODERATOR: Good evening. Tonight we talk about taxes.\n\n"
    "[00:00:12] JANE DOE (D-NY): Taxes rose by 3 per cent last year.\n"
    "They will rise again.\n\n"
    "[00:01:02] John Smith: That is false. Unemployment fell to 5 per cent.\n\n"
    "MODERATOR:\nThank you\n\n"
    "[1:02:03] JANE DOE (D-NY): We will build 12,000 homes."
)


def spoken(text):
    return [
        (text[s.segment.start : s.segment.end], s.segment.kind, s.speaker, s.seconds)
        for s in transcripts.split(text)
    ]


def test_transcript_claims_carry_speaker_and_time_and_labels_are_no_claims():
    assert spoken(DEBATE) == [
        ("Leaders' debate", "heading", "", None),
        ("Good evening.", "sentence", "MODERATOR", 5),
        ("Tonight we talk about taxes.", "sentence", "MODERATOR", 5),
        ("Taxes rose by 3 per cent last year.", "sentence", "JANE DOE (D-NY)", 12),
        ("They will rise again.", "sentence", "JANE DOE (D-NY)", 12),
        ("That is false.", "sentence", "John Smith", 62),
        ("Unemployment fell to 5 per cent.", "sentence", "John Smith", 62),
        ("Thank you", "sentence", "MODERATOR", None),
        ("We will build 12,000 homes.", "sentence", "JANE DOE (D-NY)", 3723),
    ]


def test_turns_give_label_and_speech_offsets():
    found = transcripts.turns(DEBATE)
    assert [DEBATE[t.label_start : t.start] for t in found] == [
        "[00:00:05] MODERATOR: ",
        "[00:00:12] JANE DOE (D-NY): ",
        "[00:01:02] John Smith: ",
        "MODERATOR:",
        "[1:02:03] JANE DOE (D-NY): ",
    ]
    assert DEBATE[found[1].start : found[1].end] == (
        "Taxes rose by 3 per cent last year.\nThey will rise again.\n\n"
    )


def test_interview_with_q_and_a_and_times_after_the_name():
    text = "Q: Did rents rise?\nA: Yes, by 20 per cent.\nQ: Since when?\nA (01:10): Since 2010."
    assert spoken(text) == [
        ("Did rents rise?", "sentence", "Q", None),
        ("Yes, by 20 per cent.", "sentence", "A", None),
        ("Since when?", "sentence", "Q", None),
        ("Since 2010.", "sentence", "A", 70),
    ]
    text = "Q [00:10]: Did rents rise?\nA [00:15]: Yes.\nQ [00:20]: Why?\n"
    assert [s.seconds for s in transcripts.split(text)] == [10, 15, 20]


def test_notes_examples_and_times_in_prose_are_not_labels():
    for text in (
        "Note: taxes rose.\n\nExample: 5 per cent.\n\nNote: they fell later.",
        "At 10:30: the minister spoke.\n\nAt 11:00: she left.\n\nAt 10:30: again.",
        "The minister said: taxes rose.\nThe minister said: they fell.\nHe said: no.",
        "Jane Doe: taxes rose. Jane Doe: they fell. Jane Doe: again.",  # not at line starts
        "Jane Doe: taxes rose.\nJane Doe: they fell.\nJane Doe: again.",  # one speaker
        "Jane Doe: taxes rose.\nJohn Roe: they fell.",  # too few turns
    ):
        assert transcripts.turns(text) == [], text
        assert [s.segment for s in transcripts.split(text)] == segmentation.split(text)
        assert all(s.speaker == "" and s.seconds is None for s in transcripts.split(text))


def test_a_heading_ends_a_turn():
    text = "ANNA: One.\nBEN: Two.\nANNA: Three.\n\n# Part two\n\nSome narration."
    assert spoken(text)[-2:] == [
        ("Part two", "heading", "", None),
        ("Some narration.", "sentence", "", None),
    ]


def test_the_demo_document_is_no_transcript_and_splits_as_before():
    from pathlib import Path

    seed = (Path(__file__).resolve().parents[2] / "fixtures" / "seed-document.txt").read_text()
    assert transcripts.turns(seed) == []
    assert [s.segment for s in transcripts.split(seed)] == segmentation.split(seed)


def test_clock_formats_seconds_as_hours_minutes_seconds():
    assert [transcripts.clock(s) for s in (0, 5, 751, 3723)] == [
        "0:00:00",
        "0:00:05",
        "0:12:31",
        "1:02:03",
    ]
