"""Screenshot of the demo document page for the README: docs/document-page.png.

    .venv/bin/python scripts/screenshot.py              # own server on fresh demo data
    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8000 --password PW

Without --url it migrates a throwaway SQLite database, runs `seed_demo`, starts
`runserver` on a free port, takes the picture with Playwright in Debian's Chromium
(/usr/bin/chromium, or $CHROMIUM) and stops the server again.
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


def shoot(base_url: str, username: str, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1440, "height": 960}, base_url=base_url)
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        page.goto("/w/demo/")
        page.locator("table.documents a").first.click()
        page.wait_for_selector("#document-text mark")
        # Open the first published claim, so the picture shows a verdict in the panel.
        published = page.locator('#document-text mark[data-state="published"] a.claim-badge')
        published.first.click()
        page.wait_for_selector("#panel #claim-state", state="attached")
        page.locator("#panel").evaluate("el => el.scrollTop = 0")
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(200)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server with seed_demo data")
    parser.add_argument("--username", default="erin")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "document-page.png")
    args = parser.parse_args()
    if args.url:
        shoot(args.url, args.username, args.password, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url, server = demo_server(tmp)
            try:
                shoot(url, args.username, args.password, args.out)
            finally:
                server.terminate()
                server.wait(timeout=10)
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
