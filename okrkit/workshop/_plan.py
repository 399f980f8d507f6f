"""What a workshop serves and how: where the notebooks are, the JupyterLab or Voila command line,
the address, port and token."""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from okrkit.errors import InputError, OkrkitError
from okrkit.store import ENV_URL

__all__ = [
    "COPY_DIR",
    "DEFAULT_IP",
    "DEFAULT_PORTS",
    "ENV_TOKEN",
    "Workshop",
    "WorkshopError",
    "free_port",
    "lab_command",
    "notebooks_dir",
    "pick_notebook",
    "plan",
    "voila_command",
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
    here = package_dir or Path(__file__).resolve().parents[1]  # the okrkit package
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
