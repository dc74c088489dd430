"""Tests for importers.html: main content, structure and metadata of pages."""

from annotations.importers import import_file
from tests.importers.samples import refused

ARTICLE = """\
<!DOCTYPE html>
<html lang="de-CH">
<head>
  <meta charset="utf-8">
  <title>Budget speech | Example News</title>
  <meta property="og:title" content="The budget speech">
  <meta name="author" content="Jane Reporter">
  <meta property="article:published_time" content="2024-03-05T10:00:00Z">
  <link rel="canonical" href="https://news.example.org/budget">
  <style>p { color: red } .secret-style {}</style>
  <script>var secretScript = "never show";</script>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
  <article>
    <h1>Budget speech</h1>
    <p>The minister said that <b>taxes</b> fell by <a href="/x">three per cent</a>.</p>
    <h2>Promises</h2>
    <ul><li>Lower taxes</li><li>More teachers</li></ul>
    <ol><li>First step</li><li>Second step</li></ol>
    <p>Unemployment was 5 per cent in 2023.<br>It fell in 2024.</p>
    <script>document.write("injected script text");</script>
  </article>
  <footer>Copyright 2024 Example News</footer>
</body>
</html>
"""


def test_html_main_content_keeps_headings_lists_and_paragraphs():
    imported = import_file(ARTICLE.encode(), "article.html")
    assert imported.text == (
        "# Budget speech\n"
        "\n"
        "The minister said that taxes fell by three per cent.\n"
        "\n"
        "## Promises\n"
        "\n"
        "- Lower taxes\n"
        "- More teachers\n"
        "\n"
        "1. First step\n"
        "2. Second step\n"
        "\n"
        "Unemployment was 5 per cent in 2023.\n"
        "It fell in 2024."
    )


def test_html_scripts_styles_and_navigation_never_appear():
    text = import_file(ARTICLE.encode(), "article.html").text
    for fragment in ("secret", "never show", "injected", "color", "Home", "About us"):
        assert fragment not in text


def test_html_metadata_is_extracted():
    imported = import_file(ARTICLE.encode(), "article.html")
    assert imported.format == "html"
    assert imported.title == "The budget speech"
    assert imported.author == "Jane Reporter"
    assert imported.published == "2024-03-05"
    assert imported.language == "de-CH"
    assert imported.source_url == "https://news.example.org/budget"


def test_html_title_falls_back_to_the_title_element():
    html = b"<html><head><title>Plain title</title></head><body><p>Words.</p></body></html>"
    imported = import_file(html, "a.html")
    assert (imported.title, imported.text) == ("Plain title", "Words.")


def test_html_is_sniffed_without_name_or_type():
    html = b"<!doctype html><html><body><h2>Head</h2><p>Body text.</p></body></html>"
    imported = import_file(html)
    assert (imported.format, imported.text) == ("html", "## Head\n\nBody text.")


def test_html_fragment_without_html_element_is_imported():
    imported = import_file(b"<p>First.</p><p>Second.</p>", None, "text/html")
    assert imported.text == "First.\n\nSecond."


def test_xhtml_with_xml_declaration_is_imported():
    html = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
        b"<body><p>Body text here.</p></body></html>"
    )
    assert import_file(html, "a.xhtml").text == "Body text here."


def test_html_meta_charset_is_honoured():
    html = (
        '<html><head><meta charset="windows-1252"></head><body><p>Café “quoted”.</p></body></html>'
    )
    assert import_file(html.encode("cp1252"), "a.html").text == "Café “quoted”."


def test_html_table_rows_become_list_items_with_cells_joined():
    html = (
        b"<html><body><p>Rates:</p><table><tr><td>2023</td><td>5 %</td></tr>"
        b"<tr><td>2024</td><td>4 %</td></tr></table></body></html>"
    )
    assert import_file(html, "a.html").text == "Rates:\n\n- 2023 \u00b7 5 %\n- 2024 \u00b7 4 %"


NEWS_PAGE = b"""<!doctype html><html lang="en"><head><title>Housing plan | Daily News</title>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/world">World</a></li></ul></nav></header>
<main>
<h1>Housing plan</h1>
<p>The minister said rents rose by 12 per cent last year.</p>
<ul><li><a href="/share/fb">Share</a></li><li><a href="/share/tw">Tweet</a></li></ul>
<h2>What was promised</h2>
<p>She promised 12,000 new homes by 2025. <a href="/more">Read more</a></p>
<p>Prices, <a href="/stats">the statistics office says</a>, will fall.</p>
<p>There is <a href="/m">more</a> to it.</p>
<table><tr><th>Year</th><th>Homes</th></tr><tr><td>2024</td><td>12,000</td></tr></table>
<p><a href="/story2">Continue reading</a></p>
<p><a href="/a">Other story one</a> | <a href="/b">Other story two</a></p>
<h3>Related</h3>
<ul><li><a href="/r1">Taxes rise again in Flanders</a></li>
<li><a href="/r2">Budget talks stall</a></li></ul>
</main>
<footer><p>\xc2\xa9 2024 Daily News. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li></ul></footer>
</body></html>"""


def test_html_navigation_footer_and_link_only_boilerplate_are_dropped():
    imported = import_file(NEWS_PAGE, "news.html")
    assert imported.text == (
        "# Housing plan\n\n"
        "The minister said rents rose by 12 per cent last year.\n\n"
        "## What was promised\n\n"
        "She promised 12,000 new homes by 2025.\n\n"
        "Prices, the statistics office says, will fall.\n\n"
        "There is more to it.\n\n"
        "- Year: 2024 \u00b7 Homes: 12,000"
    )
    assert imported.title == "Housing plan"


def test_html_with_only_scripts_is_refused_as_empty():
    html = b"<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>"
    error = refused(html, "page.html")
    assert error.code == "empty"
    assert str(error) == (
        '"page.html" contains no text to import (scripts, menus and page furniture are left '
        "out). Check that you chose the right file."
    )


def test_html_without_article_element_keeps_headings_and_lists():
    html = (
        b"<html><head><title>Doc</title><style>.c1{}</style></head><body class='c5'>"
        b"<p>Budget</p><h1>Intro</h1><p>Para one.</p><h2>Sub</h2>"
        b"<ul><li>a</li><li>b</li></ul><p>Para two.</p></body></html>"
    )
    imported = import_file(html, "export.html")
    assert imported.text == "Budget\n\n# Intro\n\nPara one.\n\n## Sub\n\n- a\n- b\n\nPara two."


def test_html_page_without_article_element_drops_navigation_and_sidebar():
    html = b"""<html><body>
    <header><div class="logo">Site</div><nav><a href="/">Home</a> <a href="/b">Blog</a></nav>
    </header>
    <div id="sidebar"><h3>Related</h3><ul><li><a href="/1">Link one</a></li>
    <li><a href="/2">Link two</a></li></ul></div>
    <div id="content"><h1>Headline</h1><p>Main text is here.</p>
    <h2>Section</h2><p>More main text.</p></div>
    <div class="cookie">We use cookies. <a href="/c">Accept</a></div>
    <footer>(c) Site</footer></body></html>"""
    imported = import_file(html, "page.html")
    assert imported.text == "# Headline\n\nMain text is here.\n\n## Section\n\nMore main text."


def test_html_nested_lists_quotes_and_preformatted_code():
    html = b"""<html><body><article><h1>T</h1><p>This paragraph
       wraps   over lines.</p>
    <ul><li>outer<ul><li>inner one</li><li>inner two</li></ul></li><li>second<br>line</li></ul>
    <blockquote><p>Quote one.</p><p>Quote two.</p></blockquote>
    <pre># not a heading
      indented</pre>
    <p>After.</p></article></body></html>"""
    assert import_file(html, "a.html").text == (
        "# T\n"
        "\n"
        "This paragraph wraps over lines.\n"
        "\n"
        "- outer\n"
        "- inner one\n"
        "- inner two\n"
        "- second line\n"
        "\n"
        "Quote one.\n"
        "\n"
        "Quote two.\n"
        "\n"
        "```\n"
        "# not a heading\n"
        "      indented\n"
        "```\n"
        "\n"
        "After."
    )
