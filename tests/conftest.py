"""Shared fixtures: content roots, built outputs, a local HTTP server and headless Chromium.

Builds are session-scoped: the shipped corpus and the mini fixture are each built once per run.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


BROWSER_FIXTURES = {"browser", "page"}
# Fixtures that build whole outputs or large corpora: a test using one is marked ``slow`` (left
# out of ``make test-fast``).
SLOW_FIXTURES = {
    "shipped_build",
    "mini_build",
    "synth_root",
    "big_site",
    "zensical_site",
    "papers",  # exam papers, keys and sheets rendered (PDF)
    "plans",  # study plans rendered (PDF)
    "sittings",  # graded sittings and trend charts
    "decks",  # slide decks
}


def pytest_collection_modifyitems(config, items):
    """A test that drives Chromium must say so (``@pytest.mark.browser``), so `-m browser` and
    `-m "not browser"` select exactly the browser tests. A test using a slow fixture is marked
    ``slow``."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    unmarked = [
        item.nodeid
        for item in items
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("browser") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "browser tests without @pytest.mark.browser: " + ", ".join(unmarked)
        )


def copy_root(source: Path, target: Path) -> Path:
    """A writable copy of a content root (sources only, no build output)."""
    ignore = shutil.ignore_patterns("build", "dist", "private", ".venv", "__pycache__")
    shutil.copytree(source, target, ignore=ignore)
    if not (target / "mkdocs.yml").exists():
        shutil.copyfile(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture
def mini_root(tmp_path) -> Path:
    """A fresh writable copy of the small fixture content root."""
    return copy_root(MINI, tmp_path / "mini")


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory):
    """The mini fixture built once: (root, out, report)."""
    from generator.build import build

    root = copy_root(MINI, tmp_path_factory.mktemp("mini-build") / "root")
    out = root / "dist"
    return root, out, build(root, out)


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory):
    """The repository's own content built once into a temporary folder: (root, out, report)."""
    from generator.build import build

    root = copy_root(REPO, tmp_path_factory.mktemp("shipped") / "root")
    shutil.rmtree(root / "tests", ignore_errors=True)
    out = root / "dist"
    return root, out, build(root, out)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="session")
def serve_dir():
    """Serve a folder on 127.0.0.1 under a sub-path: serve_dir(folder) -> base URL ending in '/'."""
    servers = []

    def start(folder: Path, sub_path: str = "qinglian") -> str:
        mount = folder.parent / f"_mount_{folder.name}"
        mount.mkdir(exist_ok=True)
        link = mount / sub_path
        if not link.exists():
            link.symlink_to(folder, target_is_directory=True)
        handler = functools.partial(_QuietHandler, directory=str(mount))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/{sub_path}/"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every request URL in ``page.requested``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.requested = []
    pg.on("request", lambda request: pg.requested.append(request.url))
    yield pg
    context.close()


class ProgressRecorder:
    """A stand-in for the CLI's progress factory that records what it was asked to show.

    ``calls`` holds ``(description, total)`` for each bar opened and the task id for each advance.
    """

    def __init__(self):
        self.calls: list = []

    def __call__(self, description: str, total: int):
        self.calls.append((description, total))
        return self, "task"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, task, advance=1):
        self.calls.extend([task] * advance)


@pytest.fixture
def progress_recorder() -> ProgressRecorder:
    return ProgressRecorder()
