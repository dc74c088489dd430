"""Time the PDF importer on a long PDF printed from HTML, as a browser prints.

    .venv/bin/python bench/pdf_import.py [--pages 50] [--runs 3]

WeasyPrint lays out paragraphs, headings and lists under a running header and page
numbers until the PDF has about --pages pages; the importer then rebuilds the structured
text from the page layout. Prints the pages, characters and seconds of each run.
Budget: under 2 s for 50 pages.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 2.0

PAGE = """<h2>Section {n}</h2>
<p>Rents in Brussels rose by 20 per cent between 2010 and 2020, while wages rose by barely 5
per cent. One family in four now spends more than forty per cent of its income on housing.
Landlords with more than ten homes own a third of all rented property in the capital.</p>
<ul><li>Rents are frozen for three years in every municipality.</li>
<li>Fifty thousand public homes are built before 2030.</li></ul>
<p>Insulating a home costs about 30,000 euros, which working families cannot afford without
public loans at zero interest and a renovation programme that the regions organise street
by street. A tax on the largest fortunes brings in eight billion euros a year.</p>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import pypdfium2
    import weasyprint

    from annotations.importers import import_file

    style = (
        "<style>@page { size: A5; margin: 25mm 18mm; @top-center { content: 'Programme' }"
        " @bottom-right { content: counter(page) } } body { font: 10pt/1.4 serif;"
        " hyphens: auto; text-align: justify }</style>"
    )
    body = "".join(PAGE.format(n=n) for n in range(args.pages * 2))
    data = weasyprint.HTML(string=f"<html lang='en'>{style}<body>{body}</body></html>").write_pdf()
    pages = len(pypdfium2.PdfDocument(data))
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        text = import_file(data, "programme.pdf").text
        times.append(time.perf_counter() - started)
        size = f"{len(data) / 1e3:.0f} KB"
        print(f"{pages} pages  {size}  {len(text):,} characters  {times[-1]:.2f} s")
    worst = max(times) * 50 / pages
    verdict = "within" if worst < BUDGET_S else "OVER"
    print(
        f"median {statistics.median(times):.2f} s; worst {worst:.2f} s per 50 pages "
        f"({verdict} the {BUDGET_S:.0f} s budget)"
    )


if __name__ == "__main__":
    main()
