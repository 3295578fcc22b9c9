"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

`make test` installs Chromium (`make chromium`) and builds the front-end (`make frontend`);
tests here are marked `browser` and skipped only when no Chromium executable can be found.
Set CHROMIUM to use another executable, and SCREENSHOT_DIR to keep screenshots taken with
`save_screenshot(page, name)`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
FRONTEND_CSS = PROJECT_DIR / "var" / "frontend" / "firstcontact" / "firstcontact.css"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"  # tests/conftest.py's make_user


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="package")
def browser():
    """Chromium, launched once for the tests in this package and closed after them."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium not found (run `make chromium`, or set CHROMIUM to its path)")
    for needed in (AXE_JS, FRONTEND_CSS):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make frontend` (npm ci and the asset build)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread, so Django's
    # async-safety check would refuse the ORM calls tests make between browser steps; they are
    # synchronous, so the check stands aside while Playwright runs (and only then).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Reports every Content-Security-Policy violation to the console, where PageProblems sees it.
# Playwright's init scripts run outside the page's policy, so this one is never blocked itself.
CSP_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.effectiveDirective + " blocked " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber +
    (event.sample ? " (" + event.sample + ")" : ""));
}, true);
"""
CSP_MESSAGE_MARKS = ("CSP violation:", "Content Security Policy", "Refused to")


class PageProblems:
    """Failed responses, JavaScript errors and Content-Security-Policy violations seen by a
    page, checked after each test."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.csp_violations: list[str] = []

    def watch(self, page) -> None:
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if any(mark in message.text for mark in CSP_MESSAGE_MARKS):
            self.csp_violations.append(f"{message.text} [{message.location.get('url', '')}]")


def _new_page(browser, live_server, problems: PageProblems, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    context.add_init_script(script=CSP_VIOLATION_LISTENER)
    page = context.new_page()
    problems.watch(page)
    return context, page


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser, live_server, page_problems) -> Iterator:
    """A page in a fresh browser context whose relative URLs go to the live server. The test
    fails if any request got a 4xx/5xx answer, any script threw, or anything broke the
    Content-Security-Policy."""
    context, page = _new_page(browser, live_server, page_problems)
    yield page
    context.close()
    assert not page_problems.failed, f"requests failed: {page_problems.failed}"
    assert not page_problems.errors, f"JavaScript errors: {page_problems.errors}"
    assert not page_problems.csp_violations, (
        f"Content-Security-Policy violations: {page_problems.csp_violations}"
    )


@pytest.fixture
def page_without_js(browser, live_server, page_problems) -> Iterator:
    context, page = _new_page(browser, live_server, page_problems, java_script_enabled=False)
    yield page
    context.close()
    assert not page_problems.failed, f"requests failed: {page_problems.failed}"
    assert not page_problems.csp_violations, (
        f"Content-Security-Policy violations: {page_problems.csp_violations}"
    )


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_no_axe_violations(
    page, *, exclude: list[str] | None = None, enable: list[str] | None = None
) -> None:
    """Run axe-core on the page as it is now and fail with a readable list of violations.

    exclude: CSS selectors of parts not to check (e.g. a third-party map widget).
    enable: rules axe leaves off by default to check as well (e.g. "target-size", WCAG 2.2).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script> so a Content-Security-Policy can't block it.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async ([exclude, enable]) => await axe.run(
            exclude.length ? {exclude: exclude.map((s) => [s])} : document,
            {resultTypes: ["violations"],
             rules: Object.fromEntries(enable.map((rule) => [rule, {enabled: true}]))})""",
        [exclude or [], enable or []],
    )
    violations = result["violations"]
    if not violations:
        return
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {', '.join(map(str, node['target']))}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    pytest.fail("\n".join(lines), pytrace=False)


def save_screenshot(page, name: str) -> Path | None:
    """Save a full-page screenshot to $SCREENSHOT_DIR/<name>.png when SCREENSHOT_DIR is set."""
    directory = os.environ.get("SCREENSHOT_DIR")
    if not directory:
        return None
    path = Path(directory) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
