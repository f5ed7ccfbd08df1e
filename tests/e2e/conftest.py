"""End-to-end tests: Playwright drives Debian's Chromium against a live test server.

`make test` installs the Debian packages `chromium` and `chromium-driver` when missing;
Playwright never downloads a browser of its own. axe-core comes from the npm registry into
.cache/ (not committed) the first time it is needed.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from jipp import demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / ".cache" / f"axe-core-{AXE_VERSION}"
AXE_FILE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="package", autouse=True)
def _allow_database_under_playwright(django_db_setup):
    """Playwright's sync API runs an event loop in the test thread, which makes Django refuse
    database access there. The fixtures only write before the browser acts; the live server
    serves from its own thread. Set for this package only, before any function fixture; the
    test database is created first, whichever fixture a test happens to list first."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is missing at {CHROMIUM}: run `make browsers`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def axe_source():
    """The axe-core script, installed from the npm registry on first use."""
    if not AXE_FILE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility checks.")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(AXE_DIR),
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_FILE.read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible(axe_source):
    """Run axe-core on the page; fail on any serious or critical violation."""

    def check(page):
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
        report = "\n".join(
            f"{v['impact']}: {v['id']} ({v['help']}) at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in blocking
        )
        assert not blocking, f"axe-core found violations on {page.url}:\n{report}"

    return check


@pytest.fixture
def demo_site(restored_tables):
    """The demo site as `make run` builds it, on a database that may just have been flushed."""
    home, _ = demo.build_site()
    return home


@pytest.fixture
def demo_library(demo_site):
    """The demo site with the innovation library and its 34 demo cases."""
    from innovations.demo import build_library

    return build_library(demo_site)["index"]
