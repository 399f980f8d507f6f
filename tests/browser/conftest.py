"""Real-browser test set-up: headless Chromium through Playwright, Voila and JupyterLab servers.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``) driven by Python Playwright; the
Playwright browser downloads are never used. When either is missing the tests are skipped with
the command that enables them, and under CI (``CI=true``) they fail loudly instead.

Each server runs on a free port of 127.0.0.1 with its own Jupyter folders and a temporary store
holding the marketing starter set in the running quarter; it is started with
:func:`okrkit.workshop.launch` (the code behind ``okrkit workshop``) and stopped by its PID.
Screenshots of every step land in ``build/browser/``.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okrkit import workshop
from okrkit.store import Store
from okrkit.workspace import init_workspace

ROOT = Path(__file__).resolve().parents[2]
#: Debian's package; OKRKIT_TEST_CHROMIUM points elsewhere (another build, or none to try the skip).
CHROMIUM = Path(os.environ.get("OKRKIT_TEST_CHROMIUM") or "/usr/bin/chromium")
SHOTS = ROOT / "build" / "browser"
ENABLE = "sudo apt-get install -y chromium && .venv/bin/pip install playwright"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Widgets render after the kernel has run the notebook: be generous.
RENDER_TIMEOUT_MS = 120_000
STEP_TIMEOUT_MS = 30_000


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing"
    if importlib.util.find_spec("playwright") is None:
        return "Python Playwright is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium; skipped (failed under CI=true) when it cannot be had."""
    problem = _missing()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"real-browser tests cannot run under CI: {problem}", pytrace=False)
        pytest.skip(f"{problem}; enable the real-browser tests with: {ENABLE}")
    from playwright.sync_api import sync_playwright

    for old in SHOTS.glob("FAILED-*.png"):  # from an earlier run
        old.unlink()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Served:
    """A running server on a temporary store."""

    workshop: workshop.Workshop
    store_url: str
    mode: str  # "voila" or "lab"

    def store(self) -> Store:
        return Store(self.store_url, create=False)

    def notebook_url(self, name: str) -> str:
        token = self.workshop.token
        base = self.workshop.url.split("/", 3)[:3]
        root = "/".join(base)
        if self.mode == "voila":
            return f"{root}/voila/render/{name}?token={token}"
        # reset: open this notebook alone, not the tabs an earlier test left in the workspace
        return f"{root}/lab/tree/{name}?reset&token={token}"


def _serve(mode: str, tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp(f"browser-{mode}")
    init_workspace(tmp / "ws", ["marketing"]).close()
    url = f"sqlite:///{tmp / 'ws' / 'okrkit.db'}"
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env[name] = str(tmp / name.lower())
    # No "official Jupyter news?" toast over the widgets.
    settings = tmp / "jupyter_config_dir" / "lab" / "user-settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    # The notebooks are copied: JupyterLab saves checkpoints and state beside them.
    notebooks = tmp / "notebooks"
    notebooks.mkdir()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        (notebooks / path.name).write_bytes(path.read_bytes())
    w = workshop.plan(
        app=mode == "voila",
        port=workshop.free_port(),
        database_url=url,
        notebooks=notebooks,
    )
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed in the finally below
    process = workshop.launch(w, env=env, log=log.fileno())
    try:
        try:
            workshop.wait_ready(w, process, timeout=90)
        except workshop.WorkshopError as exc:
            raise AssertionError(f"{exc}\n{(tmp / 'server.log').read_text()}") from None
        yield Served(w, url, mode)
    finally:
        workshop.stop(process)
        log.close()


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Served]:
    """Voila serving the workshop notebooks folder, as ``okrkit workshop --app`` does."""
    yield from _serve("voila", tmp_path_factory, browser)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Served]:
    """JupyterLab on the workshop notebooks folder, as ``okrkit workshop`` does."""
    yield from _serve("lab", tmp_path_factory, browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; a failed test leaves ``build/browser/FAILED-<test>.png``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        if request.node.stash.get(FAILED, False):
            _shot(page, f"FAILED-{request.node.name}")
        context.close()


def _shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Any:
    """``screenshot(page, name)`` keeps the page as ``build/browser/NAME.png``."""
    return _shot
