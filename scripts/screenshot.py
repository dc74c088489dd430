"""Screenshots of the main pages at desktop (1280x800) and phone (390x844) width, for the
README: docs/screenshots/<size>-<page>.png.

    .venv/bin/python scripts/screenshot.py              # own server on fresh demo data
    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8000 --password PW

Without --url it migrates a throwaway SQLite database, runs `seed_demo`, starts
`runserver` on a free port, publishes the demo report at /reports/demo/ (through the
page's confirmation dialog), takes the pictures with Playwright in Debian's Chromium
(/usr/bin/chromium, or $CHROMIUM) and stops the server again. With --url it publishes
nothing: the report picture shows /reports/demo/ if that server has it.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "fact-check-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url}")


def demo_server(tmp: str):
    """Start runserver on fresh demo data; return (base url, process)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
        "SECRET_KEY": "screenshot-only",
        "DEBUG": "1",
        "SECURE_SSL": "0",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--password", DEMO_PASSWORD], env=env, check=True, cwd=ROOT
    )
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/healthz")
    return url, server


SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def log_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def document_url(page) -> str:
    page.goto("/w/demo/")
    page.locator("table.documents a").first.click()
    page.wait_for_selector("#document-text mark")
    return page.url.split("#")[0]


def publish_report(page, url: str) -> None:
    """The demo desk's report, published through the page's confirmation dialog."""
    page.goto(url)
    page.get_by_text("Export and publish").click()
    page.get_by_role("button", name="Publish the report…").click()
    dialog = page.get_by_role("dialog", name="Publish the report?")
    dialog.get_by_label("Public address /reports/").fill("demo")
    dialog.get_by_role("button", name="Publish").click()
    page.wait_for_selector(".messages")


def open_published_claim(page) -> None:
    badge = page.locator('#document-text mark[data-state="published"] a.claim-badge').first
    badge.scroll_into_view_if_needed()
    badge.click()
    page.wait_for_selector("#panel #claim-state", state="attached")
    page.locator("#panel").evaluate("el => el.scrollTop = 0")


def pages(url: str):
    """(name, path, prepare) for each picture; prepare(page) runs after loading."""
    slug = "demo"

    def report_dialog(page):
        page.get_by_text("Export and publish").click()
        page.get_by_role("button", name="Update the public report…").click()

    return [
        ("document", url, None),
        ("document-panel", url, open_published_claim),
        ("publish-report", url, report_dialog),
        ("review-queue", "/review/", None),
        ("workspace", f"/w/{slug}/", None),
        ("search", f"/w/{slug}/search/?q=unemployment", None),
        ("import", f"/w/{slug}/import/", None),
        ("report", "/reports/demo/", None),
    ]


def shoot(base_url: str, username: str, password: str, out: Path, publish: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    written = []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, base_url=base_url
            )
            page = context.new_page()
            log_in(page, username, password)
            url = document_url(page)
            if publish and size == "desktop":
                publish_report(page, url)
            for name, path, prepare in pages(url):
                page.goto(path)
                if prepare:
                    prepare(page)
                page.wait_for_timeout(250)
                target = out / f"{size}-{name}.png"
                page.screenshot(path=str(target))
                written.append(target)
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server with seed_demo data and its report")
    parser.add_argument("--username", default="erin")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if args.url:
        written = shoot(args.url, args.username, args.password, args.out, publish=False)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url, server = demo_server(tmp)
            try:
                written = shoot(url, args.username, args.password, args.out, publish=True)
            finally:
                server.terminate()
                server.wait(timeout=10)
    for path in written:
        print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
