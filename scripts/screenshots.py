"""Screenshots of the resident site for the README: `make screenshots`.

Builds a throwaway SQLite database with the demo partnership (`load_demo --people 300`, which
sets up everything `make run` shows), serves it with `runserver` on a free port, and
walks the resident journeys in Chromium (Playwright), saving a PNG of each page, 1000 pixels
wide, into docs/screenshots/. Offline by default: the map has no tiles unless
LEAFLET_TILE_URL is set in the environment.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WIDTH = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    done = subprocess.run(
        [PYTHON, "-m", "firstcontact", *args],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"`firstcontact {' '.join(args)}` failed.")


def prepare(env: dict) -> None:
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_demo", "--people", "300", "--no-progress", "-v", "0")
    # The demo loader sets up everything the pages show (tell us once, eligibility questions,
    # "also offer" prompts, licensing, Polish): the same data as `make run`.


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server at {url} did not start.")


def find_chromium(given: str | None) -> str:
    for candidate in (
        given,
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("Chromium not found: run `make chromium`, or pass --chromium PATH.")


def walk(base: str, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        context = browser.new_context(
            base_url=base,
            viewport={"width": WIDTH, "height": 800},
            device_scale_factor=1,
            locale="en-GB",
        )
        page = context.new_page()
        page.set_default_timeout(15_000)

        def shot(name: str) -> None:
            page.wait_for_load_state("networkidle")
            path = out / f"{name}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
            print(f"  {path.relative_to(PROJECT)}")

        def submit() -> None:
            page.locator("main button.govuk-button[type=submit]").first.click()
            page.wait_for_load_state()

        def fill(**fields: str) -> None:
            for field, value in fields.items():
                page.locator(f"#id_{field}").fill(value)

        page.goto("/")
        shot("01-start")
        page.goto("/search/?q=bin")
        shot("02-search")

        # Report a pothole: by the map, then the questions.
        page.goto("/report/")
        shot("03-report-category")
        page.goto("/report/pothole/location/")
        submit()
        shot("04-report-location-error")
        box = page.locator("#fc-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
        fill(address="Outside the primary school on Church Lane")
        shot("05-report-location-pin")
        submit()
        page.get_by_label("More than 10cm").check()
        shot("06-report-question")
        submit()
        page.get_by_label("Near a school").check()
        submit()
        fill(answer="60")
        submit()
        fill(description="A deep pothole right by the school crossing; cars swerve round it.")
        shot("07-report-details")
        submit()
        fill(full_name="Sam Resident", email="sam@example.org")
        shot("08-report-contact")
        submit()
        shot("09-report-check")
        submit()
        shot("10-report-done")
        reference = page.locator(".fc-reference").inner_text()

        # Apply for a Blue Badge.
        page.goto("/apply/")
        shot("11-apply-list")
        page.goto("/apply/blue-badge/")
        shot("12-apply-start")
        page.locator("main .govuk-button--start").click()
        if "/eligibility-" in page.url:
            shot("13-apply-eligibility")
            page.locator("#id_answer_0").check()
            submit()
        page.get_by_label("Difficulty walking").check()
        submit()
        page.locator("#id_answer_1").check()  # not a renewal
        shot("14-apply-question")
        submit()
        fill(answer="Arthritis in both knees; I can walk about 30 metres.")
        submit()
        fill(line1="12 High Street", town="Casterbridge", postcode="WX1 2AB")
        shot("15-apply-address")
        submit()
        fill(full_name="Alex Applicant", email="alex@example.org")
        submit()
        shot("16-apply-check")
        submit()
        shot("17-apply-done")

        # Tell us once about a death.
        page.goto("/tell-us-once/")
        shot("18-tell-us-once")
        page.goto("/tell-us-once/bereavement/")
        shot("19-tell-us-once-start")
        page.locator("main .govuk-button--start").click()
        fill(line1="4 Church Street", town="Melchester", postcode="WX4 2AB")
        submit()
        for box in page.locator("input[type=checkbox]").all():
            box.check()
        shot("20-tell-us-once-services")
        submit()
        while "/question-" in page.url:
            if page.locator("#id_answer_day").count():
                fill(answer_day="1", answer_month="11", answer_year="2026")
            elif "deceased_name" in page.url:
                fill(answer="Pat Example")
            submit()
        fill(full_name="Robin Relative", email="robin@example.org")
        submit()
        shot("21-tell-us-once-consent")
        page.locator("#id_consent_0").check()
        submit()
        shot("22-tell-us-once-check")
        submit()
        shot("23-tell-us-once-bundle")

        # Track, give feedback, and the Polish start page.
        page.goto(f"/track/?reference={reference}")
        fill(contact="sam@example.org")
        shot("24-track")
        submit()
        shot("25-track-result")
        page.goto("/feedback/")
        submit()
        shot("26-feedback-error")
        page.goto("/")
        page.locator("button[name=language][value=pl]").click()
        page.wait_for_load_state()
        shot("27-start-polish")
        page.goto("/report/pothole/location/")
        submit()
        shot("28-report-location-error-polish")
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(PROJECT / "docs" / "screenshots"))
    parser.add_argument("--chromium")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium(args.chromium)

    with tempfile.TemporaryDirectory(prefix="fc-screenshots-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "1",
            "SECRET_KEY": "screenshots-only",
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "TASKS_BACKEND": "immediate",
            "LEAFLET_TILE_URL": os.environ.get("LEAFLET_TILE_URL", ""),
            "PORTAL_SUBMISSIONS_PER_HOUR": "1000",
            "PYTHONPATH": str(PROJECT / "src"),
        }
        env.pop("EMAIL_HOST", None)
        print("Loading the demo partnership into a throwaway database…")
        prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "firstcontact", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/")
            print(f"Saving screenshots into {out}:")
            walk(base, out, chromium)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
