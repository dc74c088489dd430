from annotations.text.diffing import changed, words


def test_a_replaced_word_is_a_delete_then_an_insert_and_spaces_stay():
    assert words("Unemployment fell to 5%.", "Unemployment rose to  5%.") == [
        ("equal", "Unemployment "),
        ("delete", "fell"),
        ("insert", "rose"),
        ("equal", " to"),
        ("delete", " "),
        ("insert", "  "),
        ("equal", "5%."),
    ]


def test_added_and_removed_text_and_no_change():
    assert words("", "New <b>text</b>") == [("insert", "New <b>text</b>")]
    assert words("Old text", "") == [("delete", "Old text")]
    assert words("Same\nlines", "Same\nlines") == [("equal", "Same\nlines")]
    assert not changed(words("Same", "Same"))
    assert changed(words("Same", "Other"))
