from annotations.text.markdown import render_markdown


def test_markdown_is_rendered():
    assert render_markdown("See the **office**.") == "<p>See the <strong>office</strong>.</p>\n"


def test_links_get_noopener_noreferrer():
    html = render_markdown("[table](https://stats.example.org/t)")
    assert html == (
        '<p><a href="https://stats.example.org/t" rel="noopener noreferrer">table</a></p>\n'
    )


def test_scripts_raw_html_and_javascript_links_do_not_survive():
    html = render_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) <a href='javascript:x'>y</a>"
        " <img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "<a href='javascript" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_images_are_dropped_so_reports_make_no_external_requests():
    assert "<img" not in render_markdown("![chart](https://evil.example/pixel.png)")


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
