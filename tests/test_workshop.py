"""okrkit workshop: the server command lines as data, and real starts of Voila and of Lab."""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okrkit import cli, workshop
from okrkit.errors import InputError
from okrkit.store import ENV_URL
from okrkit.workshop import (
    ENV_TOKEN,
    WorkshopError,
    lab_command,
    notebooks_dir,
    plan,
    voila_command,
)
from okrkit.workspace import init_workspace

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent


def _arg(argv: tuple[str, ...] | list[str], prefix: str) -> str:
    values = [a.removeprefix(prefix) for a in argv if a.startswith(prefix)]
    assert len(values) == 1, (prefix, argv)
    return values[0]


# --- command lines ------------------------------------------------------------------------------


def test_lab_listens_on_loopback_with_a_token_and_the_store() -> None:
    w = plan(app=False, port=9001, database_url="sqlite:////tmp/team.db", notebooks=NOTEBOOKS)
    assert w.argv[0] == str(BIN / "jupyter-lab")
    assert _arg(w.argv, "--ServerApp.ip=") == "127.0.0.1"
    assert _arg(w.argv, "--ServerApp.port=") == "9001"
    assert _arg(w.argv, "--ServerApp.root_dir=") == str(NOTEBOOKS)
    assert "--no-browser" in w.argv
    assert not any(a.startswith("--IdentityProvider.token") for a in w.argv)
    token = w.env[ENV_TOKEN]
    assert len(token) >= 32 and token == w.token
    assert w.url == f"http://127.0.0.1:9001/lab?token={token}"
    assert w.ready_url == f"http://127.0.0.1:9001/api/status?token={token}"
    assert w.env == {ENV_URL: "sqlite:////tmp/team.db", ENV_TOKEN: token}
    assert w.cwd == NOTEBOOKS


def test_each_plan_gets_its_own_token() -> None:
    one = plan(app=False, port=9001, database_url="sqlite://", notebooks=NOTEBOOKS)
    two = plan(app=False, port=9001, database_url="sqlite://", notebooks=NOTEBOOKS)
    assert one.token != two.token


@pytest.mark.parametrize(("root", "expected"), [(True, True), (False, False)])
def test_lab_allows_root_only_as_root(
    monkeypatch: pytest.MonkeyPatch, root: bool, expected: bool
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0 if root else 1000)
    argv = lab_command(NOTEBOOKS, port=9001, token=True)
    assert ("--allow-root" in argv) is expected


def test_voila_listens_on_loopback_with_a_token() -> None:
    w = plan(app=True, port=9002, database_url="sqlite:////tmp/team.db", notebooks=NOTEBOOKS)
    assert w.argv[:3] == (str(BIN / "voila"), str(NOTEBOOKS), "--no-browser")
    assert _arg(w.argv, "--port=") == "9002"
    assert _arg(w.argv, "--Voila.ip=") == "127.0.0.1"
    # Voila leaves the token to jupyter_server, which reads JUPYTER_TOKEN
    assert _arg(w.argv, "--Voila.auto_token=") == "True"
    assert not any(a.startswith("--Voila.token") for a in w.argv)
    token = w.env[ENV_TOKEN]
    assert len(token) >= 32 and token == w.token
    assert "--allow-root" not in w.argv
    assert w.url == f"http://127.0.0.1:9002/voila/tree?token={token}"
    assert w.ready_url == "http://127.0.0.1:9002/voila/static/voila.js"
    assert w.env == {ENV_URL: "sqlite:////tmp/team.db", ENV_TOKEN: token}


@pytest.mark.parametrize("app", [False, True], ids=["lab", "app"])
@pytest.mark.parametrize("notebook", [None, "01"])
@pytest.mark.parametrize("ip", ["127.0.0.1", "0.0.0.0"])
def test_the_token_is_in_the_environment_and_on_no_command_line(
    app: bool, notebook: str | None, ip: str
) -> None:
    given = plan(
        app=app,
        port=9003,
        ip=ip,
        token="tok-7e1f0c",
        notebook=notebook,
        database_url="x",
        notebooks=NOTEBOOKS,
    )
    assert [a for a in given.argv if "tok-7e1f0c" in a] == []
    assert given.env[ENV_TOKEN] == "tok-7e1f0c" == given.token
    assert given.url.endswith("?token=tok-7e1f0c")
    fresh = plan(
        app=app, port=9003, ip=ip, notebook=notebook, database_url="x", notebooks=NOTEBOOKS
    )
    assert fresh.token and fresh.env[ENV_TOKEN] == fresh.token
    assert [a for a in fresh.argv if fresh.token in a] == []


def test_one_notebook_by_its_number() -> None:
    app = plan(app=True, port=9002, token="t", notebook="01", database_url="x", notebooks=NOTEBOOKS)
    assert app.argv[1] == str(NOTEBOOKS / "01_brainstorm_objectives.ipynb")
    assert app.url == "http://127.0.0.1:9002/?token=t"
    lab = plan(
        app=False,
        port=9001,
        token="t",
        notebook="05_quarter_end_review.ipynb",
        database_url="x",
        notebooks=NOTEBOOKS,
    )
    assert lab.url == "http://127.0.0.1:9001/lab/tree/05_quarter_end_review.ipynb?token=t"


def test_an_unknown_notebook_lists_the_names() -> None:
    with pytest.raises(InputError, match="01_brainstorm_objectives") as info:
        plan(app=True, port=9002, notebook="99", database_url="x", notebooks=NOTEBOOKS)
    assert "no notebook matches '99'" in str(info.value)


def test_no_token_only_when_asked() -> None:
    lab = plan(app=False, port=9001, token=False, database_url="x", notebooks=NOTEBOOKS)
    # empty on the command line: no token, even with JUPYTER_TOKEN in the environment
    assert _arg(lab.argv, "--IdentityProvider.token=") == ""
    assert lab.url == "http://127.0.0.1:9001/lab" and lab.token is None
    assert ENV_TOKEN not in lab.env
    app = plan(app=True, port=9002, token=False, database_url="x", notebooks=NOTEBOOKS)
    assert not any("token" in a for a in app.argv)
    assert app.url == "http://127.0.0.1:9002/voila/tree"
    assert ENV_TOKEN not in app.env


def test_every_address_prints_the_host_name_and_checks_loopback() -> None:
    w = plan(app=True, port=9002, ip="0.0.0.0", token="t", database_url="x", notebooks=NOTEBOOKS)
    assert _arg(w.argv, "--Voila.ip=") == "0.0.0.0"
    assert w.url == f"http://{socket.gethostname()}:9002/voila/tree?token=t"
    assert w.ready_url.startswith("http://127.0.0.1:9002/")


def test_a_taken_port_is_replaced_by_a_free_one() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        taken = s.getsockname()[1]
        assert workshop.free_port(taken) != taken
    assert workshop.free_port(None) > 0


def test_missing_executables_are_named(tmp_path: Path) -> None:
    with pytest.raises(WorkshopError, match="voila is not installed"):
        voila_command(NOTEBOOKS, port=1, token=False, bindir=tmp_path)


def test_notebooks_come_from_the_checkout() -> None:
    assert notebooks_dir() == NOTEBOOKS


def test_an_installed_package_copies_its_notebooks(tmp_path: Path) -> None:
    package = tmp_path / "site" / "okrkit"
    (package / "_notebooks").mkdir(parents=True)
    (package / "_notebooks" / "01_a.ipynb").write_text("{}")
    (package / "_notebooks" / "02_b.ipynb").write_text("{}")
    target = tmp_path / "work"
    target.mkdir()
    (target / "01_a.ipynb").write_text("edited")
    assert notebooks_dir(package, copy_to=target) == target
    assert (target / "01_a.ipynb").read_text() == "edited"  # a participant's work is kept
    assert (target / "02_b.ipynb").read_text() == "{}"
    with pytest.raises(WorkshopError, match="checkout"):
        notebooks_dir(tmp_path / "elsewhere" / "okrkit")


# --- the command: which store the notebooks get ------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[workshop.Workshop, bool]]:
    calls: list[tuple[workshop.Workshop, bool]] = []

    def fake_start(w: workshop.Workshop, *, open_browser: bool = True) -> int:
        calls.append((w, open_browser))
        return 0

    monkeypatch.setattr(workshop, "start", fake_start)
    return calls


def test_cli_passes_the_store_given_as_an_absolute_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[tuple[workshop.Workshop, bool]]
) -> None:
    init_workspace(tmp_path / "team").close()
    monkeypatch.chdir(tmp_path)
    assert cli.main(["workshop", "--app", "--no-browser", "--db", "team/okrkit.db"]) == 0
    (w, open_browser), *_ = started
    assert w.env[ENV_URL] == f"sqlite:///{tmp_path / 'team' / 'okrkit.db'}"
    assert w.app and not open_browser and w.token


def test_cli_uses_the_environment_then_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[tuple[workshop.Workshop, bool]]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OKRKIT_DEMO_DIR", str(tmp_path / "demo"))
    assert cli.main(["workshop"]) == 0
    assert started[-1][0].env[ENV_URL] == f"sqlite:///{tmp_path / 'demo' / 'okrkit.db'}"
    assert not started[-1][0].app and started[-1][1]
    init_workspace(tmp_path / "env").close()
    monkeypatch.setenv(ENV_URL, str(tmp_path / "env" / "okrkit.db"))
    assert cli.main(["workshop", "--no-token"]) == 0
    assert started[-1][0].env[ENV_URL] == f"sqlite:///{tmp_path / 'env' / 'okrkit.db'}"
    assert started[-1][0].token is None


def test_cli_reports_a_missing_store_and_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], started: list[object]
) -> None:
    assert cli.main(["workshop", "--db", str(tmp_path / "nope.db")]) == 2
    assert "no store at" in capsys.readouterr().err
    init_workspace(tmp_path).close()
    assert cli.main(["workshop", "--db", str(tmp_path / "okrkit.db"), "--notebook", "x"]) == 2
    assert "choose one of: 00_start_here" in capsys.readouterr().err
    assert started == []


# --- real servers -------------------------------------------------------------------------------


def _status(url: str, timeout: float = 10) -> int:
    """The HTTP status of a GET, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        return conn.getresponse().status
    finally:
        conn.close()


def _listeners(port: int) -> set[str]:
    """The local addresses listening on TCP ``port`` (hex, as in /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hexport = local.rsplit(":", 1)
                if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def _cmdlines_holding(secret: str) -> list[str]:
    """The command lines, of every process on this machine, that hold ``secret``.

    Any user reads these (``ps``, ``/proc/PID/cmdline``).
    """
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):  # the process ended meanwhile
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if secret in args:
                found.append(f"{cmdline.parent.name}: {args}")
    return found


def _kernels_of(pid: int) -> list[int]:
    """The kernels the server ``pid`` started (its ipykernel children)."""
    kernels = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            args = (stat.parent / "cmdline").read_bytes()
            if parent == pid and b"ipykernel" in args:
                kernels.append(int(stat.parent.name))
    return kernels


def _need(executable: str) -> None:
    """Skip, with the reason, when ``executable`` is not installed beside this Python.

    Under CI (``CI=true``) the test fails instead: there the servers must be there.
    """
    if not (BIN / executable).exists():
        reason = f"{executable} is not installed beside {sys.executable}: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot start a workshop server under CI: {reason}", pytrace=False)
        pytest.skip(reason)


def _kill(pid: int | None) -> None:
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def jupyter_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a server under test: its own Jupyter folders and a temporary store."""
    init_workspace(tmp_path / "ws", ["marketing"]).close()
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env[name] = str(tmp_path / name.lower())
    env[ENV_URL] = f"sqlite:///{tmp_path / 'ws' / 'okrkit.db'}"
    return env


def check_workshop_serves_and_stops(args: list[str], env: dict[str, str], tmp_path: Path) -> None:
    """Start ``okrkit workshop ARGS``, check the server, stop it with Ctrl-C (SIGINT).

    The server answers with the token only, and the token is on no command line.
    """
    _need("voila" if "--app" in args else "jupyter-lab")
    port = workshop.free_port()
    out = tmp_path / "workshop.out"
    okrkit = str(Path(sys.executable).parent / "okrkit")
    server_pid: int | None = None
    with open(out, "wb") as log:
        proc = subprocess.Popen(
            [okrkit, "workshop", "--no-browser", "--port", str(port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=tmp_path,
        )
    try:
        deadline = time.monotonic() + 90
        while "press Ctrl-C" not in out.read_text():
            assert proc.poll() is None, out.read_text()
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.2)
        text = out.read_text()
        server_pid = int(text.split("(server PID ", 1)[1].split(")", 1)[0])
        url = next(line[6:] for line in text.splitlines() if line.startswith("open: "))
        assert url.startswith(f"http://127.0.0.1:{port}/") and "?token=" in url
        assert f"on the store {env[ENV_URL]}" in text
        token = url.split("?token=", 1)[1]
        base = f"http://127.0.0.1:{port}"
        if "--app" in args:
            assert _status(f"{base}/voila/static/voila.js") == 200
            assert _status(url) == 200
            assert _status(url.split("?", 1)[0]) in (302, 403)  # to the login page
        else:
            assert _status(f"{base}/api/status?token={token}") == 200
            assert _status(f"{base}/api/status") == 403
        assert _cmdlines_holding(token) == []
        assert _listeners(port) == {"0100007F"}  # 127.0.0.1, nothing else
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, out.read_text()
        deadline = time.monotonic() + 15
        while _alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(server_pid), "the server outlived okrkit workshop"
        assert _listeners(port) == set()
    finally:
        _kill(proc.pid if proc.poll() is None else None)
        proc.wait()
        if server_pid is not None and _alive(server_pid):
            _kill(server_pid)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc/net/tcp (Linux)")
def test_voila_app_starts_answers_and_stops(jupyter_env: dict[str, str], tmp_path: Path) -> None:
    check_workshop_serves_and_stops(["--app"], jupyter_env, tmp_path)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc/net/tcp (Linux)")
def test_jupyterlab_starts_answers_and_stops(jupyter_env: dict[str, str], tmp_path: Path) -> None:
    check_workshop_serves_and_stops([], jupyter_env, tmp_path)


@pytest.fixture
def servers(
    tmp_path: Path, jupyter_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The servers that :func:`okrkit.workshop.start` launches in this test, stopped at its end.

    They get the environment of :func:`jupyter_env`; their output goes to ``server.log``.
    """
    for name, value in jupyter_env.items():
        monkeypatch.setenv(name, value)
    launched: list[subprocess.Popen[bytes]] = []
    real_launch = workshop.launch
    with open(tmp_path / "server.log", "wb") as log:

        def launch(w: workshop.Workshop) -> subprocess.Popen[bytes]:
            launched.append(real_launch(w, log=log.fileno()))
            return launched[-1]

        monkeypatch.setattr(workshop, "launch", launch)
        try:
            yield launched
        finally:
            for process in launched:
                workshop.stop(process)


@pytest.mark.skipif(not Path("/proc/1/cmdline").exists(), reason="reads /proc/PID/cmdline (Linux)")
@pytest.mark.parametrize("app", [False, True], ids=["lab", "app"])
def test_the_token_is_on_no_command_line_of_the_server_or_its_kernels(
    app: bool,
    servers: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """:func:`okrkit.workshop.start` as ``okrkit workshop`` runs it, browser and Ctrl-C included."""
    _need("voila" if app else "jupyter-lab")
    w = plan(app=app, port=workshop.free_port(), database_url=os.environ[ENV_URL])
    assert w.token
    seen: dict[str, Any] = {}

    def browser(uri: str) -> bool:
        """Looks at everything while the server runs, then presses Ctrl-C."""
        seen["uri"] = uri
        page = Path(urllib.parse.urlsplit(uri).path)
        with contextlib.suppress(OSError):
            seen["modes"] = (page.stat().st_mode & 0o777, page.parent.stat().st_mode & 0o777)
            seen["text"] = page.read_text()
        base = w.url.split("?", 1)[0]
        seen["answers"] = (_status(w.url), _status(base), _status(f"{base}?token=not-{w.token}"))
        seen["kernel started"] = _start_kernel(w)
        deadline = time.monotonic() + 30
        while not _kernels_of(servers[0].pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        seen["kernels"] = _kernels_of(servers[0].pid)
        seen["holding"] = _cmdlines_holding(w.token or "")
        raise KeyboardInterrupt

    monkeypatch.setattr(webbrowser, "open", browser)
    assert workshop.start(w, timeout=90) == 0
    assert len(servers) == 1 and servers[0].poll() is not None
    assert seen["kernel started"] in (200, 201) and seen["kernels"], "no kernel to look at"
    assert seen["holding"] == []
    with_token, without, wrong = seen["answers"]
    assert with_token == 200 and without in (302, 403) and wrong in (302, 403)  # 302: to login
    # the browser got a page that forwards to the address, not the address itself
    assert seen["uri"].startswith("file:///") and w.token not in seen["uri"]
    assert seen.get("modes") == (0o600, 0o700)
    assert f'url={html.escape(w.url)}"' in seen["text"]
    assert not Path(urllib.parse.urlsplit(seen["uri"]).path).parent.exists()  # removed on stop
    assert f"open: {w.url}" in capsys.readouterr().out


def _start_kernel(w: workshop.Workshop) -> int:
    """Have the server start a kernel, as a visitor does; returns the HTTP status."""
    if w.app:  # rendering a notebook runs it in a kernel of its own
        return _status(w.url.replace("/voila/tree?", "/voila/render/00_start_here.ipynb?"), 60)
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(w.url).port, timeout=30)
    try:
        body = json.dumps({"name": "python3"})
        conn.request(
            "POST", "/api/kernels", body=body, headers={"Authorization": f"token {w.token}"}
        )
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("app", "configured", "problem"),
    [
        (False, "", "answers without the token"),
        (False, "another", "refuses the token okrkit gave it"),
        (True, "another", "refuses the token okrkit gave it"),
    ],
    ids=["lab-none", "lab-another", "app-another"],
)
def test_a_config_file_that_overrides_the_token_stops_the_server(
    app: bool,
    configured: str,
    problem: str,
    servers: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The token travels in the environment, which a Jupyter config file can override."""
    _need("voila" if app else "jupyter-lab")

    def browser(uri: str) -> bool:
        raise KeyboardInterrupt  # a server that came up anyway: Ctrl-C, not a test that hangs

    monkeypatch.setattr(webbrowser, "open", browser)
    config = Path(os.environ["JUPYTER_CONFIG_DIR"])
    config.mkdir()
    if app:
        (config / "voila.json").write_text(json.dumps({"Voila": {"token": configured}}))
    else:
        settings = {"IdentityProvider": {"token": configured}}
        (config / "jupyter_server_config.json").write_text(json.dumps(settings))
    w = plan(app=app, port=workshop.free_port(), database_url=os.environ[ENV_URL])
    with pytest.raises(WorkshopError, match=problem):
        workshop.start(w, timeout=90)
    assert len(servers) == 1 and servers[0].poll() is not None  # stopped, not left serving
