"""Workshop mode: JupyterLab or a Voila app on the workshop notebooks, against one store.

``okrkit workshop`` opens JupyterLab on the notebooks folder; ``okrkit workshop --app`` serves the
notebooks through Voila, so participants see the widgets and never the code. Either way the
server's kernels get ``OKRKIT_DATABASE_URL`` pointing at the chosen store, listen on 127.0.0.1
and ask for a token unless told otherwise.

The token never goes on a command line, where any user of the machine reads it with ``ps``: the
server reads it from ``JUPYTER_TOKEN`` in its environment, which only its own user can read.

The command line is built by plain functions (:func:`lab_command`, :func:`voila_command`,
:func:`plan`) that start nothing, so it is tested as data; :func:`start` runs a :class:`Workshop`
until Ctrl-C and stops the server cleanly.

>>> w = plan(app=True, port=8866, token="s3cret", notebooks=Path("nb"), database_url="sqlite://")
>>> w.url
'http://127.0.0.1:8866/voila/tree?token=s3cret'
>>> [a for a in w.argv if a.startswith("--Voila.")]
['--Voila.ip=127.0.0.1', '--Voila.auto_token=True', '--Voila.port_retries=0']
>>> w.env["JUPYTER_TOKEN"], any("s3cret" in a for a in w.argv)
('s3cret', False)
"""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import webbrowser
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType

from okrkit.store import ENV_URL
from okrkit.workshop._plan import (
    DEFAULT_IP,
    ENV_TOKEN,
    Workshop,
    WorkshopError,
    free_port,
    lab_command,
    notebooks_dir,
    pick_notebook,
    plan,
    voila_command,
)

__all__ = [
    "DEFAULT_IP",
    "ENV_TOKEN",
    "Workshop",
    "WorkshopError",
    "free_port",
    "lab_command",
    "launch",
    "notebooks_dir",
    "pick_notebook",
    "plan",
    "start",
    "stop",
    "voila_command",
    "wait_ready",
]


# --- running ------------------------------------------------------------------------------------


def launch(
    workshop: Workshop,
    *,
    env: Mapping[str, str] | None = None,
    log: int | None = None,
) -> subprocess.Popen[bytes]:
    """Start the server in the background, in its own process group; returns the process.

    ``env`` replaces the current environment as the base (``workshop.env``, with the token, goes
    on top); ``log`` is a file descriptor for the server's output (default: this terminal). Wait
    for it with :func:`wait_ready` and stop it with :func:`stop`.
    """
    base = dict(os.environ if env is None else env)
    return subprocess.Popen(
        workshop.argv,
        cwd=workshop.cwd,
        env={**base, **workshop.env},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
        start_new_session=True,  # Ctrl-C reaches okrkit only, which stops the server cleanly
    )


def wait_ready(
    workshop: Workshop, process: subprocess.Popen[bytes] | None = None, timeout: float = 60.0
) -> None:
    """Wait until the server answers :attr:`Workshop.ready_url` with 200, then check its token.

    With a token, the server must refuse a request without it and accept one with it. A Jupyter
    configuration file can set a token of its own, or none, over the one okrkit passes in
    ``JUPYTER_TOKEN``; such a server is reported rather than left running.

    Raises
    ------
    WorkshopError
        When the process ends first, ``timeout`` seconds pass, or the server does not ask for
        the token of ``workshop``.
    """
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise WorkshopError(
                f"{workshop.name} stopped at start (exit code {process.returncode}); its"
                " messages are above"
            )
        status = _status(workshop.ready_url)
        if status == 200:
            break
        if status == 403:
            raise _token_error(workshop, "refuses the token okrkit gave it")
        if time.monotonic() > deadline:
            raise WorkshopError(f"{workshop.name} did not answer within {timeout:g} s")
        time.sleep(0.2)
    if workshop.token:
        # The login page: shown (200) to a visitor without the token, skipped (302) with it.
        parts = urllib.parse.urlsplit(workshop.ready_url)
        login = f"{parts.scheme}://{parts.netloc}/login"
        if _status(login) != 200:
            raise _token_error(workshop, "answers without the token")
        if _status(login, workshop.token) != 302:
            raise _token_error(workshop, "refuses the token okrkit gave it")


def _status(url: str, token: str | None = None) -> int | None:
    """The HTTP status of a GET of ``url`` (no redirect followed), ``None`` when nothing answers."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    # the token goes in a header: in no URL, so in no log line
    headers = {"Authorization": f"token {token}"} if token else {}
    connection = http.client.HTTPConnection(parts.hostname or DEFAULT_IP, parts.port, timeout=2)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def _token_error(workshop: Workshop, problem: str) -> WorkshopError:
    if workshop.app:
        where = "Voila.token in a voila.json or voila.py of the notebooks folder or of"
    else:
        where = "IdentityProvider.token in a jupyter_server_config file of"
    return WorkshopError(
        f"{workshop.name} {problem}: a Jupyter configuration file overrides the token ({where}"
        " a config folder that `jupyter --paths` lists); remove that setting"
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> int:
    """Stop the server by its PID: SIGTERM (a clean shutdown of its kernels), then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


class _Stop(Exception):
    """SIGTERM or SIGHUP reached okrkit while the server ran."""


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Stop(signum)

    wanted = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    old = {s: signal.signal(s, handler) for s in wanted}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def start(workshop: Workshop, *, open_browser: bool = True, timeout: float = 120.0) -> int:
    """Run the server until Ctrl-C (or SIGTERM), then stop it; returns 0 on a clean stop.

    Prints the address with the token once the server answers, and opens it in a browser
    unless ``open_browser`` is false. The browser gets a page that forwards to the address (in a
    folder only this user can read, removed on stop), so the token is on no browser's command
    line either.
    """
    out = sys.stdout
    with _stop_on_signals(), tempfile.TemporaryDirectory(prefix="okrkit-workshop-") as private:
        process = launch(workshop)
        try:
            wait_ready(workshop, process, timeout)
            print(
                f"{workshop.name} serves {workshop.cwd} (server PID {process.pid}) on the store"
                f" {_safe(workshop.env[ENV_URL])}",
                file=out,
            )
            print(f"open: {workshop.url}", file=out)
            print("press Ctrl-C to stop", file=out, flush=True)
            if open_browser:
                webbrowser.open(_forward_page(workshop.url, Path(private)).as_uri())
            return process.wait()
        except (KeyboardInterrupt, _Stop):
            print(f"stopping {workshop.name} ...", file=out, flush=True)
            stop(process)
            return 0
        finally:
            stop(process)


def _forward_page(url: str, folder: Path) -> Path:
    """A page in ``folder`` that forwards the browser to ``url``, readable by this user only.

    ``folder`` is one only this user can enter (as :func:`tempfile.mkdtemp` makes them).
    """
    page = folder / "open.html"
    link = html.escape(url, quote=True)
    text = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={link}"><title>okrkit workshop</title></head>'
        f'<body><p><a href="{link}">Open the workshop</a></p></body></html>\n'
    )
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return page


def _safe(url: str) -> str:
    """``url`` without a password."""
    try:
        from sqlalchemy.engine import make_url  # heavy: import on first use

        return str(make_url(url).render_as_string(hide_password=True))
    except Exception:
        return url
