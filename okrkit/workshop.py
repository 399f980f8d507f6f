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
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import webbrowser
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from okrkit.errors import InputError, OkrkitError
from okrkit.store import ENV_URL

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

DEFAULT_IP = "127.0.0.1"
#: Where JupyterLab and Voila read the token from (jupyter_server's ``IdentityProvider``).
ENV_TOKEN = "JUPYTER_TOKEN"
#: The ports tried first when none is given (JupyterLab's and Voila's usual ones).
DEFAULT_PORTS = {"lab": 8888, "app": 8866}
#: Where an installed okrkit (no checkout) copies its bundled notebooks to work on them.
COPY_DIR = "okrkit-notebooks"


class WorkshopError(OkrkitError):
    """The workshop server cannot be started or did not come up."""


@dataclass(frozen=True)
class Workshop:
    """A ready-to-run server command: what to run, where, with which environment.

    Attributes
    ----------
    app
        ``True`` for Voila, ``False`` for JupyterLab.
    argv
        The command line; it never holds the token.
    env
        The variables the server gets on top of the current environment:
        ``OKRKIT_DATABASE_URL``, and the token in ``JUPYTER_TOKEN`` when there is one.
    cwd
        The notebooks folder the server works in.
    url
        The address to open, with the token.
    ready_url
        An address that answers 200 once the server is up.
    token
        The token asked for, ``None`` without one.
    """

    app: bool
    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: Path
    url: str
    ready_url: str
    token: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """``"Voila"`` or ``"JupyterLab"``."""
        return "Voila" if self.app else "JupyterLab"


# --- where the notebooks are ------------------------------------------------------------------


def notebooks_dir(package_dir: Path | None = None, *, copy_to: Path | None = None) -> Path:
    """The workshop notebooks folder.

    In a checkout that is the repository's ``notebooks/``. An installed okrkit has no checkout:
    its bundled notebooks (``okrkit/_notebooks``) are copied into ``copy_to`` (default
    ``./okrkit-notebooks``) so that participants' edits never land in the installation; the
    notebooks already there are kept.

    Raises
    ------
    WorkshopError
        When neither is there.
    """
    here = package_dir or Path(__file__).resolve().parent
    checkout = here.parent / "notebooks"
    if checkout.is_dir() and any(checkout.glob("*.ipynb")):
        return checkout
    bundled = here / "_notebooks"
    if bundled.is_dir():
        target = copy_to or Path.cwd() / COPY_DIR
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(bundled.glob("*.ipynb")):
            if not (target / path.name).exists():
                shutil.copyfile(path, target / path.name)
        return target
    raise WorkshopError(
        "the workshop notebooks are missing from this installation: run okrkit workshop from a"
        " checkout of okrkit (its notebooks/ folder), or reinstall okrkit"
    )


def pick_notebook(folder: Path, name: str) -> Path:
    """The notebook of ``folder`` called ``name``: with or without ``.ipynb``, or its number.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "01_brainstorm_objectives.ipynb").write_text("{}")
    >>> pick_notebook(d, "01").name, pick_notebook(d, "01_brainstorm_objectives").name
    ('01_brainstorm_objectives.ipynb', '01_brainstorm_objectives.ipynb')
    """
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    stem = name.removesuffix(".ipynb")
    exact = [n for n in names if n == f"{stem}.ipynb"]
    matches = exact or [n for n in names if n.startswith(stem)]
    if len(matches) != 1:
        problem = "no notebook" if not matches else "more than one notebook"
        raise InputError(
            f"{problem} matches {name!r} in {folder}",
            field="notebook",
            fix=f"choose one of: {', '.join(n.removesuffix('.ipynb') for n in names)}",
        )
    return folder / matches[0]


# --- the command lines --------------------------------------------------------------------------


def _bin(name: str, bindir: Path | None) -> str:
    """The executable ``name`` beside this Python (the environment okrkit is installed in)."""
    folder = bindir or Path(sys.executable).parent
    path = folder / name
    if not path.exists():
        raise WorkshopError(
            f"{name} is not installed beside {sys.executable}: install okrkit with its"
            f" dependencies (pip install okrkit) in this environment"
        )
    return str(path)


def lab_command(
    root: Path,
    *,
    port: int,
    ip: str = DEFAULT_IP,
    token: bool,
    allow_root: bool | None = None,
    bindir: Path | None = None,
) -> list[str]:
    """The JupyterLab command line serving ``root``.

    With ``token`` the server asks for the token it finds in ``JUPYTER_TOKEN`` (or for one it
    makes up when that is unset); the token itself is never on the command line. Without it the
    server asks for none. ``allow_root`` defaults to whether this process is root (JupyterLab
    refuses to run as root otherwise). The server never opens a browser itself, asks no news feed
    and checks for no updates.
    """
    if allow_root is None:
        allow_root = hasattr(os, "geteuid") and os.geteuid() == 0
    argv = [
        _bin("jupyter-lab", bindir),
        "--no-browser",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if not token:
        argv.append("--IdentityProvider.token=")  # empty: no token, whatever the environment says
    if allow_root:
        argv.append("--allow-root")
    return argv


def voila_command(
    target: Path,
    *,
    port: int,
    ip: str = DEFAULT_IP,
    token: bool,
    bindir: Path | None = None,
) -> list[str]:
    """The Voila command line serving ``target``: a notebooks folder or one notebook.

    With ``token`` Voila asks for the token it finds in ``JUPYTER_TOKEN`` (or for one it makes up
    when that is unset), as :func:`lab_command` does; without it Voila asks for none.
    """
    argv = [
        _bin("voila", bindir),
        str(target),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
    ]
    if token:
        # Voila then leaves the token to jupyter_server's IdentityProvider, which reads it from
        # JUPYTER_TOKEN; --Voila.token would put it where ps shows it.
        argv.append("--Voila.auto_token=True")
    argv.append("--Voila.port_retries=0")
    return argv


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def free_port(preferred: int | None = None, ip: str = DEFAULT_IP) -> int:
    """``preferred`` when nothing listens there on ``ip``, else a free port the system picks."""
    if preferred is not None:
        with socket.socket() as s:
            try:
                s.bind((ip, preferred))
            except OSError:
                pass
            else:
                return preferred
    with socket.socket() as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


def plan(
    *,
    app: bool,
    port: int | None = None,
    ip: str = DEFAULT_IP,
    token: str | bool = True,
    notebook: str | None = None,
    database_url: str,
    notebooks: Path | None = None,
    allow_root: bool | None = None,
    bindir: Path | None = None,
) -> Workshop:
    """Everything :func:`start` runs, nothing started.

    Parameters
    ----------
    app
        Voila (``True``) or JupyterLab (``False``).
    port
        The port; default 8866 for Voila and 8888 for JupyterLab, or a free one when taken.
    ip
        The address to listen on (default 127.0.0.1: this machine only).
    token
        ``True`` for a fresh random token, a string for that token, ``False`` for none.
    notebook
        One notebook to open (Voila serves only that one), e.g. ``"01"``.
    database_url
        The store URL the notebooks open (``OKRKIT_DATABASE_URL``).
    notebooks
        The notebooks folder (default :func:`notebooks_dir`).
    allow_root, bindir
        See :func:`lab_command`; ``bindir`` is where the executables are (default: beside
        ``sys.executable``).

    Raises
    ------
    InputError
        When ``notebook`` names no notebook (or several).
    WorkshopError
        When the notebooks or the server executables are missing.
    """
    folder = (notebooks or notebooks_dir()).resolve()
    chosen = pick_notebook(folder, notebook) if notebook else None
    if port is None:
        port = free_port(DEFAULT_PORTS["app" if app else "lab"], ip)
    secret = secrets.token_hex(24) if token is True else (token or None)
    everywhere = ip in ("", "0.0.0.0", "::")
    local = "127.0.0.1" if everywhere else (f"[{ip}]" if ":" in ip else ip)
    # listening on every address: participants reach it by the machine's name
    base = f"http://{socket.gethostname() if everywhere else local}:{port}"
    check = f"http://{local}:{port}"
    query = f"?token={secret}" if secret else ""
    if app:
        argv = voila_command(
            chosen or folder, port=port, ip=ip, token=secret is not None, bindir=bindir
        )
        path = "/" if chosen else "/voila/tree"
        ready = f"{check}/voila/static/voila.js"
    else:
        argv = lab_command(
            folder,
            port=port,
            ip=ip,
            token=secret is not None,
            allow_root=allow_root,
            bindir=bindir,
        )
        path = f"/lab/tree/{chosen.name}" if chosen else "/lab"
        ready = f"{check}/api/status{query}"
    env = {ENV_URL: database_url}
    if secret:
        env[ENV_TOKEN] = secret
    return Workshop(
        app=app,
        argv=tuple(argv),
        env=env,
        cwd=folder,
        url=f"{base}{path}{query}",
        ready_url=ready,
        token=secret,
    )


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
