"""Browser journeys: pytest-playwright driving Debian's Chromium against pytest-django's
live_server (DESIGN.md section 0).

- No `playwright install`: the launch arguments point at /usr/bin/chromium.
- Playwright's sync API runs an event loop in the test thread, so the ORM calls the tests
  make between browser steps need DJANGO_ALLOW_ASYNC_UNSAFE.
- The site sends a strict content security policy; the browser context bypasses it only so
  that axe-core can be injected for the accessibility checks.
"""

import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENS = os.environ.get("SYSTEM_TEST_SCREENS", "")  # e.g. /tmp/screens while developing


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "bypass_csp": True,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(autouse=True)
def _page_timeouts(request):
    """Fail fast: a local server answers in well under a few seconds."""
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)


def url(live_server, path: str) -> str:
    return f"{live_server.url}{path}"


def sign_in(page, live_server, user, password: str = PASSWORD, lands_on: str = "/"):
    """Sign in through the real form, as a person would, and land on the home page."""
    page.goto(url(live_server, "/sign-in/"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url(live_server, lands_on))
    return page


def sign_out(page, live_server):
    """The header's sign-out button (a POST form) ends the session and shows sign-in."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(url(live_server, "/sign-in/"))


def assert_accessible(page, *, context: str = ""):
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the current page and fail with a
    readable list of violations."""
    page.add_script_tag(path=str(AXE_JS))
    # With JavaScript disabled the script tag never runs, and axe could not run anyway (its
    # timers never fire): then check the same markup, scripts removed, in a scratch page.
    violations = _run_axe(page) if _axe_loaded(page) else _run_axe_on_copy(page)
    violations = [v for v in violations if not _is_govuk_conditional_reveal(v)]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {context or page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                lines.append(f"    at {target}: {node['html'][:200]}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                if summary:
                    lines.append(f"      {summary[:300]}")
        pytest.fail("\n".join(lines), pytrace=False)


def _is_govuk_conditional_reveal(violation: dict) -> bool:
    """govuk-frontend sets aria-expanded on radios and checkboxes that reveal a conditional
    question, on purpose (alphagov/govuk-frontend#979: screen readers announce it), and axe
    reports it as aria-allowed-attr. Only that exact case is let through."""
    if violation["id"] != "aria-allowed-attr":
        return False
    return all(
        "aria-expanded" in node["html"]
        and ("govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"])
        for node in violation["nodes"]
    )


def _axe_loaded(page) -> bool:
    return page.evaluate("() => typeof window.axe !== 'undefined'")


def _run_axe(page) -> list[dict]:
    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return results["violations"]


def _run_axe_on_copy(page) -> list[dict]:
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
    target = page.url
    scratch = page.context.browser.new_context(bypass_csp=True, viewport=page.viewport_size)
    try:
        copy = scratch.new_page()
        copy.route(
            lambda u: u == target,
            lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
        )
        copy.goto(target)  # stylesheets and images still come from the live server
        copy.add_script_tag(path=str(AXE_JS))
        return _run_axe(copy)
    finally:
        scratch.close()


def screenshot(page, name: str):
    """A full-page screenshot for people to look at, when SYSTEM_TEST_SCREENS names a folder
    (not committed, not asserted)."""
    if not SCREENS:
        return
    folder = Path(SCREENS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
