"""Every committed notebook, opened in JupyterLab in a real (headless) Chromium: rendered, no errors, figures shown.

JupyterLab runs from the project's environment on a free loopback port with a random token; its settings,
workspaces and runtime files live in a temporary folder. Playwright drives Debian's Chromium
(``/usr/bin/chromium``, or ``CASEBOOK_CHROMIUM``); nothing is downloaded. A screenshot of each notebook's
first screen is saved as ``build/screenshots/<notebook>.png``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from casebook import paths
from casebook.publish.index import notebook_paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path(os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = "install Debian's Chromium: `sudo apt-get install chromium` (or run `.ci/install-browser` as root)"
NOTEBOOKS = notebook_paths()
SCREENSHOTS = paths.BUILD / "screenshots"
SERVER_TIMEOUT = 40  # seconds for JupyterLab to answer
RENDER_TIMEOUT = 30_000  # milliseconds for a notebook to render

# JupyterLab's preference among the mime types of one output (untrusted notebook: SVG, HTML scripts not run).
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/webp")
_ORDER = (
    "application/vnd.jupyter.widget-view+json",
    "text/html",
    "text/markdown",
    "text/latex",
    *_IMAGE_MIMES,
    "application/json",
    "text/plain",
)


def _chromium() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} not found on CI: .ci/run must call .ci/install-browser first")
    pytest.skip(f"browser test skipped: no Chromium at {CHROMIUM}; {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LAB_SETTINGS = paths.ROOT / ".jupyter" / "lab" / "user-settings"  # what `make lab` uses
AUTOSAVE_INTERVAL = 2  # seconds; JupyterLab's default is 120, the mechanism is the same


def _settings(folder: Path) -> None:
    """`make lab`'s settings (autosave off), no virtual scrolling (every cell in the DOM), no news or update check
    (there is no network); the autosave interval shortened so that a test can wait past it."""
    import shutil

    shutil.copytree(LAB_SETTINGS, folder, dirs_exist_ok=True)
    docmanager = folder / "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
    text = "\n".join(line for line in docmanager.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("//"))
    docmanager.write_text(json.dumps({**json.loads(text), "autosaveInterval": AUTOSAVE_INTERVAL}), encoding="utf-8")
    files = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none", "scrollPastEnd": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    }
    for rel, content in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content), encoding="utf-8")


def _server_log(log: Path) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return "\n".join(text.splitlines()[-30:])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab: (base url, token, log file). Stopped (with its kernels) at the end."""
    if not NOTEBOOKS:
        pytest.skip("no notebooks in notebooks/")
    _chromium()
    jupyter = Path(sys.executable).with_name("jupyter")
    home = tmp_path_factory.mktemp("jupyter")
    env = dict(os.environ)
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
    ):
        env[var] = str(home / sub)
        (home / sub).mkdir()
    env["CASEBOOK_ROOT"] = str(paths.ROOT)
    _settings(home / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    log = home / "server.log"
    cmd = [
        str(jupyter),
        "lab",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--no-browser",
        "--allow-root",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={paths.ROOT}",
        "--ServerApp.port_retries=0",
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: one page opens every notebook in turn
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=paths.ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with status {proc.returncode}:\n{_server_log(log)}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_TIMEOUT} s:\n{_server_log(log)}")
            time.sleep(0.3)
        yield base, token, log
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and everything it started (its kernels share its process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    try:  # kernels that outlived the server
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(_chromium()),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        try:
            yield b
        finally:
            b.close()


def _expected(path: Path) -> dict:
    """What the committed notebook should show: its cells, image outputs, HTML outputs and error outputs."""
    nb = nbformat.read(path, as_version=4)
    images = html = markdown = 0
    errors = []
    for i, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []):
            if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr"):
                errors.append(f"cell {i}: {out.get('ename') or out.get('name')}")
            if out.output_type in ("display_data", "execute_result"):
                mime = next((m for m in _ORDER if m in out.data), None)
                images += mime in _IMAGE_MIMES
                html += mime == "text/html"
                markdown += mime == "text/markdown"
    md_cells = sum(c.cell_type == "markdown" and bool(c.source.strip()) for c in nb.cells)
    return {"cells": len(nb.cells), "images": images, "html": html, "markdown": markdown, "md_cells": md_cells, "errors": errors}


def _wait(page, notebook: Path, log: Path, what: str, script: str, arg=None) -> None:
    """Wait until ``script`` is truthy; on timeout, fail naming ``what`` and keep a screenshot of the state."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, arg=arg, timeout=RENDER_TIMEOUT)
    except PlaywrightTimeout:
        shot = _screenshot(notebook, "-failed")
        page.screenshot(path=str(shot))
        pytest.fail(
            f"{paths.relative(notebook)}: {what} (waited {RENDER_TIMEOUT // 1000} s; "
            f"screenshot {paths.relative(shot)})\nserver log:\n{_server_log(log)}"
        )


# Each check reads one notebook panel, named by its DOM id (every notebook stays open in its own tab).
_CELLS = """([id, n]) => document.querySelectorAll(`#${id} .jp-Notebook .jp-Cell`).length >= n"""
_IMAGES = """([id, n]) => { const imgs = [...document.querySelectorAll(`#${id} .jp-OutputArea-output img`)];
                           return imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0); }"""
_MARKDOWN = """([id, nCells, nOut]) => {
    const filled = e => e.textContent.trim().length > 0;
    const cells = [...document.querySelectorAll(`#${id} .jp-MarkdownCell .jp-RenderedMarkdown`)];
    const outs = [...document.querySelectorAll(`#${id} .jp-OutputArea-output[data-mime-type="text/markdown"]`)];
    return cells.filter(filled).length >= nCells && outs.length >= nOut && outs.every(filled); }"""
_KERNEL = """([id]) => { if (document.querySelector('.jp-Dialog')) return true;
    const w = Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id);
    return w !== undefined && ['idle', 'busy'].includes(w.sessionContext.kernelDisplayStatus); }"""
_READY = """() => window.jupyterapp !== undefined"""  # _OPEN then waits until the app has restored its layout
# Open a notebook as a reviewer would from the file browser; the id of its panel once it is the current tab.
_OPEN = """async (path) => { const app = window.jupyterapp; await app.restored;
    const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await widget.context.ready; app.shell.activateById(widget.id); return widget.id; }"""


@pytest.fixture(scope="module")
def lab_page(lab, browser):
    """One JupyterLab page for every notebook (booting the app once instead of once per notebook saves Chromium about
    5 s of CPU each), in a fresh workspace (?reset): nothing else open. Its script errors are collected."""
    base, token, log = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/lab/workspaces/test-browser?reset&token={token}", wait_until="domcontentloaded")
    page.wait_for_function(_READY, timeout=RENDER_TIMEOUT)
    yield page, errors
    page.close()


@pytest.fixture(scope="module")
def opened() -> dict[Path, bytes]:
    """The notebooks the rendering tests left open in their tabs, with their bytes before they were opened."""
    return {}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_renders_in_jupyterlab(notebook: Path, lab, lab_page, opened):
    """Rendered as committed, its kernel started; it stays open for :func:`test_a_reviewer_who_only_looks_leaves_a_clean_tree`."""
    _base, _token, log = lab
    page, script_errors = lab_page
    rel = paths.relative(notebook)
    before = notebook.read_bytes()
    expected = _expected(notebook)
    assert not expected["errors"], f"{rel} is committed with error output: {expected['errors']}"
    errors_before = len(script_errors)
    panel_id = page.evaluate(_OPEN, rel)
    panel = page.locator(f"#{panel_id}")
    assert panel.count() == 1, f"{rel}: no notebook panel of its own"
    assert page.locator(".jp-NotebookPanel").count() == len(opened) + 1, "a notebook opened twice, or one closed"
    _wait(page, notebook, log, f"the notebook's {expected['cells']} cells did not render", _CELLS, [panel_id, expected["cells"]])
    cells = panel.locator(".jp-Notebook .jp-Cell")
    assert cells.count() == expected["cells"], f"{rel}: {cells.count()} cells shown, {expected['cells']} in the file"

    # Every figure output is an <img> that has loaded (non-zero natural size); every HTML output is shown.
    _wait(page, notebook, log, f"{expected['images']} figure(s) expected, not all shown", _IMAGES, [panel_id, expected["images"]])
    images = panel.locator(".jp-OutputArea-output img")
    assert images.count() == expected["images"], f"{rel}: {images.count()} figures shown, {expected['images']} in the file"
    html_outputs = panel.locator('.jp-OutputArea-output[data-mime-type="text/html"]')
    assert html_outputs.count() == expected["html"], (
        f"{rel}: {html_outputs.count()} HTML outputs shown, {expected['html']} in the file"
    )

    # Markdown (cells and outputs) renders asynchronously: wait until every piece has text.
    _wait(page, notebook, log, "Markdown cells or outputs stayed empty", _MARKDOWN,
          [panel_id, expected["md_cells"], expected["markdown"]])

    # The kernel starts as it would for a reviewer (this notebook's own, not the one the status bar showed before);
    # then: no error output, no dialog (e.g. "Error Starting Kernel"), no script error.
    _wait(page, notebook, log, "the kernel never became idle", _KERNEL, [panel_id])
    stderr = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr.count() == 0, f"{rel}: {stderr.count()} error output(s): {stderr.first.inner_text()[:500]}"
    dialog = page.locator(".jp-Dialog")
    assert dialog.count() == 0, f"{rel}: JupyterLab shows a dialog: {dialog.first.inner_text()[:500]}"
    assert not script_errors[errors_before:], f"{rel}: JavaScript errors: {script_errors[errors_before:][:3]}"

    # The first screen, as the reviewer sees it on opening (a whole-notebook screenshot, up to 16,000 px high,
    # cost Chromium about 3 s of CPU per notebook for a picture no test reads).
    page.screenshot(path=str(_screenshot(notebook)))
    opened[notebook] = before  # left open in its tab


def test_a_reviewer_who_only_looks_leaves_a_clean_tree(lab_page, opened):
    """Every notebook opened above, its kernel started and its tab still open past the autosave interval, is the
    same file on disk. One wait for all of them: proving that nothing happens can only be waited out."""
    assert opened, "no notebook was opened"
    time.sleep(3 * AUTOSAVE_INTERVAL)
    rewritten = [paths.relative(nb) for nb, before in opened.items() if nb.read_bytes() != before]
    assert rewritten == [], f"opening these in JupyterLab rewrote them: {rewritten}"


def _screenshot(notebook: Path, suffix: str = "") -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{notebook.stem}{suffix}.png"
