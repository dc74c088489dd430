import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.text.segmentation import KINDS, Segment, split

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DOCUMENT = (FIXTURES / "seed-document.txt").read_text(encoding="utf-8")
DEMO_CHECKS = json.loads((FIXTURES / "demo-checks.json").read_text(encoding="utf-8"))["checks"]


def pieces(text, language="en"):
    return [(segment.kind, text[segment.start : segment.end]) for segment in split(text, language)]


def sentences(text, language="en"):
    return [piece for kind, piece in pieces(text, language)]


# --- the invariants, checked on every input the tests use -------------------------------

# What may stay outside every segment, line by line: a horizontal rule, or at the start of a
# line a heading or list mark and/or stray `.,;:` tokens (see the module docstring).
RULE_LINE = re.compile(r"\s*([-*_=])(?:[ \t]*\1){2,}\s*")
MARK_PREFIX = re.compile(
    r"\s*(?:(?:#{1,6}|[-*+•–‣◦▪●]|\d{1,3}[.)]|[a-z]\))(?:\s+|$))?(?:[.,;:]+(?:\s+|$))*"
)
LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def allowed_uncovered(text):
    """Offsets of the characters that may lie outside every segment: whitespace and marks."""
    allowed = {i for i, char in enumerate(text) if char.isspace()}
    line_start = 0
    for line_end in [m.start() for m in LINE_BREAK.finditer(text)] + [len(text)]:
        line = text[line_start:line_end]
        if RULE_LINE.fullmatch(line):
            allowed.update(range(line_start, line_end))
        else:
            allowed.update(range(line_start, line_start + MARK_PREFIX.match(line).end()))
        next_break = LINE_BREAK.match(text, line_end)
        line_start = next_break.end() if next_break else line_end
    return allowed


def assert_well_formed(text, segments):
    covered = set()
    previous_end = 0
    for segment in segments:
        assert segment.kind in KINDS
        assert previous_end <= segment.start < segment.end <= len(text)
        piece = text[segment.start : segment.end]
        assert piece == piece.strip() and piece, (segment, piece)
        covered.update(range(segment.start, segment.end))
        previous_end = segment.end
    uncovered = set(range(len(text))) - covered - allowed_uncovered(text)
    assert not uncovered, [(i, text[i]) for i in sorted(uncovered)[:10]]


def checked_split(text, language="en"):
    segments = split(text, language)
    assert_well_formed(text, segments)
    return segments


# --- the segment type ------------------------------------------------------------------


def test_segment_is_a_frozen_slotted_dataclass():
    segment = Segment(0, 5, "sentence")
    assert dataclasses.is_dataclass(segment)
    assert not hasattr(segment, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        segment.start = 1
    assert segment.text("Hello world") == "Hello"


def test_empty_and_blank_text_give_no_segments():
    assert split("") == []
    assert split(" \n\t\r\n \u00a0") == []


def test_offsets_are_code_points_into_the_given_string():
    text = "Salut 😀 à tous.  Ça va?"
    assert [(s.start, s.end) for s in checked_split(text)] == [(0, 15), (17, 23)]


# --- kinds ------------------------------------------------------------------------------


def test_markdown_heading_marks_lie_outside_the_span():
    text = "# Title of the piece\n\nFirst sentence. Second one.\n\n## Part two.\nMore text here."
    assert pieces(text) == [
        ("heading", "Title of the piece"),
        ("sentence", "First sentence."),
        ("sentence", "Second one."),
        ("heading", "Part two."),
        ("sentence", "More text here."),
    ]


def test_short_line_between_blank_lines_is_a_heading():
    text = "War in Ukraine\n\n\nIt is a war. It goes on.\n\nNATO and Belgium\n\nBelgium pays."
    assert pieces(text) == [
        ("heading", "War in Ukraine"),
        ("sentence", "It is a war."),
        ("sentence", "It goes on."),
        ("heading", "NATO and Belgium"),
        ("sentence", "Belgium pays."),
    ]


def test_heading_directly_followed_by_a_paragraph_ends_at_the_line_break():
    text = "War in Ukraine\nIt is in this light that we understand the war. It goes on.\n"
    assert pieces(text) == [
        ("heading", "War in Ukraine"),
        ("sentence", "It is in this light that we understand the war."),
        ("sentence", "It goes on."),
    ]


def test_short_title_directly_followed_by_a_short_paragraph_is_a_heading():
    assert pieces("Introduction\nThis is short.") == [
        ("heading", "Introduction"),
        ("sentence", "This is short."),
    ]


def test_hard_wrapped_paragraph_is_not_split_at_line_breaks():
    text = (
        "The United States sends its allies and mercenaries to\n"
        "Ukraine, equipped with enormous military equipment. The\n"
        "goal of this war is clear.\n"
    )
    assert pieces(text) == [
        (
            "sentence",
            "The United States sends its allies and mercenaries to\n"
            "Ukraine, equipped with enormous military equipment.",
        ),
        ("sentence", "The\ngoal of this war is clear."),
    ]


def test_lines_with_final_punctuation_or_lead_in_words_are_not_headings():
    text = (
        "People of the world: unite against imperialism!\n\n"
        "On February 24, 2023, China proposed a 12-point peace plan, including\n\n"
        "We demand:\n\n"
        "the rest is lower case\n"
    )
    assert pieces(text) == [
        ("sentence", "People of the world: unite against imperialism!"),
        ("sentence", "On February 24, 2023, China proposed a 12-point peace plan, including"),
        ("sentence", "We demand:"),
        ("sentence", "the rest is lower case"),
    ]


def test_long_stand_alone_line_without_punctuation_is_a_sentence():
    line = "Belgium maintains nuclear weapons " * 5
    assert pieces(f"\n\n{line}\n\n") == [("sentence", line.strip())]


def test_list_marks_lie_outside_the_span():
    text = "- one thing\n* another thing\n• a third\n1. first\n2) second\na) letter\n+ plus\n– dash"
    assert pieces(text) == [
        ("list_item", "one thing"),
        ("list_item", "another thing"),
        ("list_item", "a third"),
        ("list_item", "first"),
        ("list_item", "second"),
        ("list_item", "letter"),
        ("list_item", "plus"),
        ("list_item", "dash"),
    ]


def test_list_item_with_several_sentences_gives_one_list_item_per_sentence():
    text = "- cessation of hostilities. Cease firing. All countries should help\n- next item"
    assert pieces(text) == [
        ("list_item", "cessation of hostilities."),
        ("list_item", "Cease firing."),
        ("list_item", "All countries should help"),
        ("list_item", "next item"),
    ]


def test_list_item_continues_on_wrapped_lines_and_a_paragraph_line_ends_before_a_list():
    text = "Our demands are these\n- a first demand that is\n  wrapped here\n- second\n\nAfter."
    assert pieces(text) == [
        ("heading", "Our demands are these"),
        ("list_item", "a first demand that is\n  wrapped here"),
        ("list_item", "second"),
        ("sentence", "After."),
    ]
    text = "We demand that the state\nagrees to\n- one\n- two"
    assert pieces(text) == [
        ("sentence", "We demand that the state\nagrees to"),
        ("list_item", "one"),
        ("list_item", "two"),
    ]


def test_a_dash_without_space_or_a_hashtag_is_not_a_mark():
    assert pieces("-5 degrees today\n#hashtag is here.\n\n#1 in the world.") == [
        ("sentence", "-5 degrees today\n#hashtag is here."),
        ("sentence", "#1 in the world."),
    ]


def test_horizontal_rules_are_marks():
    assert pieces("First part.\n\n---\n\n* * *\nSecond part.") == [
        ("sentence", "First part."),
        ("sentence", "Second part."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "10/25/23, 11:57 AM",
        "25 October 2023",
        "October 25, 2023",
        "Tuesday, 30 May 2023",
        "2023-10-25",
        "2023-10-25T11:57:00Z",
        "25.10.2023",
        "11:57",
        "https://example.org/statement 1/12",
        "Page 3 of 12",
        "25 oktober 2023",
        "25 octobre 2023",
    ],
)
def test_lone_date_and_print_header_lines_are_metadata(line):
    assert pieces(f"{line}\n\nThe text starts here.") == [
        ("metadata", line),
        ("sentence", "The text starts here."),
    ]


def test_date_inside_a_paragraph_is_not_metadata():
    text = "It happened on\nOctober 25, 2023\nin Brussels."
    assert pieces(text) == [("sentence", text)]


# --- sentence boundaries ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Army left Iraq in 2011.",
        "Some countries, e.g. Belgium, sent jets.",
        "Small states, i.e. Belgium and Luxembourg, agreed.",
        "Mr. Smith met Mrs. Jones and Dr. Who in St. Petersburg.",
        "Prof. Marx wrote No. 5 of the series under Art. 3 of the law.",
        "It started on Jan. 5 and ended on Feb. 3 of that year.",
        "Russia vs. Ukraine is a war, cf. Fig. 2 on p. 12.",
        "Tanks, shells, etc. and planes were sent.",
        "He read J. F. Kennedy and John F. Kennedy Jr. on the plane.",
        "Inflation was 3.5 percent, up from 2.75 percent.",
        "The printout was made at 11:57 AM by the office.",
        "We met at 10 a.m. Monday and left at 5 p.m. Tuesday.",
        "They said so on... and then it went on.",
        "It was all a lie (see Art. 5. Also Art. 6.) in the report.",
        "He said (twice. Really) that it was over.",
        'He said "We will win. They will lose" and left.',
        "She cried “Stop. Now” and ran.",
        "Who knows? nobody does.",
        "What a war! said the man.",
        "The spokesman said: “No.” he smiled.",
        "1.5 million people, i.e. 3.2% of them, left.",
    ],
)
def test_no_boundary_inside_these_sentences(text):
    assert pieces(text) == [("sentence", text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Protection of women, children and other victims.Exchange of prisoners of war.",
            ["Protection of women, children and other victims.", "Exchange of prisoners of war."],
        ),
        ("It ended in the U.S. The war went on.", ["It ended in the U.S.", "The war went on."]),
        ("Tanks, shells, etc. The war went on.", ["Tanks, shells, etc.", "The war went on."]),
        ("We met at 10 a.m. Then we left.", ["We met at 10 a.m.", "Then we left."]),
        ("They said so... And then it ended.", ["They said so...", "And then it ended."]),
        ("They said so… And then it ended.", ["They said so…", "And then it ended."]),
        ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("He left (for good.) Then it ended.", ["He left (for good.)", "Then it ended."]),
        ("It was in 2003. 52 countries voted.", ["It was in 2003.", "52 countries voted."]),
        ("Belgium out of NATO ! Now.", ["Belgium out of NATO !", "Now."]),
        ("First line\n\nsecond paragraph", ["First line", "second paragraph"]),
        ("no punctuation here\n\n\nnor here", ["no punctuation here", "nor here"]),
    ],
)
def test_boundaries(text, expected):
    assert sentences(text) == expected


def test_a_stray_quote_opened_long_ago_does_not_glue_the_paragraph():
    sentence = "This sentence is long enough to count as a real one in the text. "
    text = 'A stray " quote. ' + sentence * 20
    assert len(checked_split(text)) > 5


def test_ellipses_mixing_spaced_and_unspaced_full_stops():
    assert_well_formed("a.. . . .a", split("a.. . . .a"))
    assert sentences("It ended.. . . . Then more.") == ["It ended.. . . .", "Then more."]
    assert sentences("It ended. . . . Then more.") == ["It ended.", ". . . Then more."]


def test_trailing_piece_without_letters_joins_the_previous_sentence():
    text = 'It was an "anti-hegemonic" coalition. "'
    assert pieces(text) == [("sentence", text)]
    # nor is a piece without letters cut off at the start of a sentence
    assert sentences("Really?! ... Yes.") == ["Really?!", "... Yes."]


def test_paragraph_starting_with_a_lone_full_stop_skips_it_as_a_mark():
    text = "The regime was in Achad.\n\n. When that failed, ISIS emerged. It grew."
    assert pieces(text) == [
        ("sentence", "The regime was in Achad."),
        ("sentence", "When that failed, ISIS emerged."),
        ("sentence", "It grew."),
    ]
    assert pieces(".\n\n- . item") == [("list_item", "item")]


def test_crlf_line_breaks():
    text = "War in Ukraine\r\n\r\nIt is a war.\r\nIt goes on.\r\n\r\n- one item\r\n- two\r\n"
    segments = checked_split(text)
    assert [(s.kind, text[s.start : s.end]) for s in segments] == [
        ("heading", "War in Ukraine"),
        ("sentence", "It is a war."),
        ("sentence", "It goes on."),
        ("list_item", "one item"),
        ("list_item", "two"),
    ]
    assert [(s.start, s.end) for s in segments][:2] == [(0, 14), (18, 30)]


def test_lone_carriage_returns_and_unicode_line_separators_break_lines():
    assert sentences("Title here\r\rFirst one.\u2029\u2029Second one.") == [
        "Title here",
        "First one.",
        "Second one.",
    ]


def test_emoji():
    text = "We won 🎉🎉. The war is over 🕊️! Everyone 👍 agrees."
    assert sentences(text) == ["We won 🎉🎉.", "The war is over 🕊️!", "Everyone 👍 agrees."]
    assert sentences("🎉🎉🎉") == ["🎉🎉🎉"]


def test_right_to_left_text():
    arabic = "الحرب في أوكرانيا مستمرة. السلام بعيد؟ نعم."
    assert sentences(arabic) == ["الحرب في أوكرانيا مستمرة.", "السلام بعيد؟", "نعم."]
    hebrew = "המלחמה נמשכת. השלום רחוק!"
    assert sentences(hebrew) == ["המלחמה נמשכת.", "השלום רחוק!"]
    assert pieces("أخبار اليوم\n\nالحرب مستمرة.") == [
        ("heading", "أخبار اليوم"),
        ("sentence", "الحرب مستمرة."),
    ]


def test_cjk_full_stops_need_no_space():
    assert sentences("战争还在继续。和平很遥远！") == ["战争还在继续。", "和平很遥远！"]


def test_text_without_any_punctuation_is_one_sentence_per_paragraph():
    text = "the war goes on and on\nand nobody stops it\n\nthen more words follow here"
    assert pieces(text) == [
        ("sentence", "the war goes on and on\nand nobody stops it"),
        ("sentence", "then more words follow here"),
    ]


# How long these take is bench/split.py's business (its "pathological inputs" part, where
# quadratic behaviour shows as seconds); here, what they give.
def test_one_giant_line_is_split_into_its_sentences():
    sentence = "The war in Ukraine, said Mr. Smith, costs 3.5 billion (e.g. tanks). "
    text = sentence * (1_000_000 // len(sentence))
    segments = split(text)
    assert len(segments) == 1_000_000 // len(sentence)
    assert text[segments[-1].start : segments[-1].end] == sentence.strip()


@pytest.mark.parametrize(
    "text",
    [
        "e.g. " * 200_000,  # a million candidates, none of them a boundary
        '"(«“ Word. ' * 100_000,  # never-closed quotes and brackets
        ". " * 500_000,  # nothing but stray marks
        "\n" * 1_000_000 + "Word.",
        "a\n" * 300_000,
        "• x " * 50_000,  # a list on one line
        "04/26/2001 07:17 AM Will " * 20_000,
        ". . . . Next " * 50_000,
    ],
    ids=[
        "abbreviations",
        "open-quotes",
        "stray-marks",
        "newlines",
        "short-lines",
        "inline-list",
        "stamps",
        "ellipses",
    ],
)
def test_pathological_inputs_give_well_formed_segments(text):
    segments = split(text)
    assert_well_formed(text[:5000], split(text[:5000]))
    assert segments or text.startswith(". ")


def test_giant_line_without_punctuation_or_spaces_is_one_segment():
    text = "a" * 1_000_000
    assert split(text) == [Segment(0, len(text), "sentence")]


# --- the demo document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    segments = split(DOCUMENT)
    assert_well_formed(DOCUMENT, segments)
    return [(s.kind, DOCUMENT[s.start : s.end]) for s in segments]


def test_demo_print_header_is_metadata_and_title_is_a_heading(demo):
    assert demo[:3] == [
        ("metadata", "10/25/23, 11:57 AM"),
        (
            "heading",
            "Extracts form the Political Document of the 37th Congress of the Communist Party "
            "of Belgium",
        ),
        ("heading", "War and World Anti-Imperialist Resistance"),
    ]


def test_demo_headings(demo):
    assert [piece for kind, piece in demo if kind == "heading"] == [
        "Extracts form the Political Document of the 37th Congress of the Communist Party "
        "of Belgium",
        "War and World Anti-Imperialist Resistance",
        "Propaganda wars, trade and sanctions wars, military wars",
        "Asia, Africa, Latin America",
        "War in Ukraine",
        "NATO and Belgium",
        "Global solidarity – votes at the UN",
        "Resistance of China, DPR of Korea, Donbass",
        "The Poroshenko-Zelensky regime in Kiev is a fascist regime",
        "China's peace proposal",
        "Stop this U.S. war",
        "For an international front of nations and working class against the US imperialist war",
    ]
    assert [kind for kind, _ in demo].count("metadata") == 1


def test_demo_bullets(demo):
    items = [piece for kind, piece in demo if kind == "list_item"]
    assert items[:2] == [
        "extending NATO to Sweden and Finland",
        "by sending financial aid, soldiers and military equipment to the Zelenskiy regime:",
    ]
    assert items[4:15] == [
        "cessation of hostilities.",
        "Cease firing.",
        "All countries should help Russia and Ukraine to resume direct dialogue",
        "peaceful resolution of the crisis through dialogue and negotiation",
        "protect civilian populations and prisoners of war.",
        "Do not attack civilians or civilian institutions.",
        "Protection of women, children and other victims.",
        "Exchange of prisoners of war.",
        "No attacks on nuclear power plants.",
        "Engage the International Nuclear Energy Agency.",
        "Promote grain transport along the Black Sea",
    ]
    assert "return of the Belgian F16 from Latvia" in items  # en dash bullet
    assert len(items) == 27


def test_demo_parentheses_and_quotes(demo):
    texts = [piece for _, piece in demo]
    assert (
        "After the destruction of socialism in the Soviet Union (1991), a series of wars began, "
        "which today threaten to turn into a third world war and degenerate into a nuclear "
        "catastrophe." in texts
    )
    assert (
        "The UN Security Council (in which China and Russia) did not oppose the NATO bombing "
        "at that time." in texts
    )
    assert (
        '"Fascism is an open terrorist dictatorship of the most reactionary, chauvinist and '
        'imperialist elements of finance capital."' in texts
    )
    brzezinski = [t for t in texts if "Brzezinski" in t or "superpower" in t or "primacy" in t]
    assert [t[:40] for t in brzezinski] == [
        "As US presidential adviser Zbigniew Brze",
        '"The political goal of the United States',
        "Given Eurasia's central position (Europe",
    ]
    assert texts[texts.index(brzezinski[-1]) + 1].endswith('"anti-hegemonic" coalition. "')


def test_demo_paragraph_starting_with_a_lone_full_stop(demo):
    texts = [piece for _, piece in demo]
    assert "." not in texts
    assert any(t.startswith("When that failed, the mujahideen and ISIS emerged") for t in texts)
    offset = DOCUMENT.index("\n. When") + 1
    assert DOCUMENT[offset] == "."
    assert all(not (s.start <= offset < s.end) for s in split(DOCUMENT))


def test_demo_lead_in_line_and_shouts_are_sentences(demo):
    assert (
        "sentence",
        "On February 24, 2023, China proposed a 12-point peace plan, including",
    ) in demo
    assert ("sentence", "Belgium out of\u00a0 NATO, NATO\u00a0 out of Belgium !") in demo
    assert ("sentence", "Yankee \u00a0go home!") in demo


@pytest.mark.parametrize("check", DEMO_CHECKS, ids=lambda check: check["claim"][:30])
def test_each_demo_claim_is_exactly_one_segment(demo, check):
    assert check["claim"] in DOCUMENT
    assert ("sentence", check["claim"]) in demo


def test_demo_is_split_the_same_way_with_crlf_line_breaks(demo):
    text = DOCUMENT.replace("\n", "\r\n")
    assert pieces(text) == [(kind, piece.replace("\n", "\r\n")) for kind, piece in demo]


# --- property test ----------------------------------------------------------------------

ALPHABET = st.sampled_from(
    list("abcXYZ é") * 4
    + list("   \n\n\r\t\u00a0\u2028")
    + list(".!?,;:…\"'()“”«»#-*•–1)")
    + ["\r\n", "😀", "🇧🇪", "م", "ש", "。", "\x85", "\x1c"]
    + ["- ", "# ", "1. ", "a) ", "\n\n", "U.S.", "e.g.", "Mr.", "...", "3.5", "J. "]
    + ["The ", "War in Ukraine\n\n", "victims.Exchange", "---\n"]
    + ["1) ", "2) ", "1.) ", "a. ", "b. ", "⁃9. ", " . . . ", ". . . .", "[...]", "i "]
    + ["Dear all, ", "Best regards, ", "04/26/2001 07:17 AM ", "http://a.b/c ", "x@y.z. "]
    + ["« ", " »", " ?", "\u202f!", "'s ", "l'art. ", "N°. ", "P.M. ", "Mr. "]
)


@settings(
    max_examples=1000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.one_of(st.lists(ALPHABET, max_size=80).map("".join), st.text(max_size=80)),
    st.sampled_from(["en", "fr", "nl", "de"]),
)
def test_segments_are_well_formed_on_random_text(text, language):
    checked_split(text, language)
