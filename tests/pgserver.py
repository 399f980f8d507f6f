"""A throwaway PostgreSQL server for the store tests, or the one ``OKRKIT_TEST_POSTGRES_URL`` names.

Without that variable, :func:`start` runs Debian's PostgreSQL (``apt-get install postgresql``)
from a temporary data directory on a free port of 127.0.0.1, with trust authentication for the
superuser role ``okrkit``; :meth:`Server.stop` stops it and removes the directory. ``initdb``
refuses to run as root, so as root the server runs as the ``postgres`` user the package creates.

Each test gets a fresh database from :meth:`Server.new_database` and loses it afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Point the tests at an existing server instead (a role that may create databases).
URL_VARIABLE = "OKRKIT_TEST_POSTGRES_URL"
ENABLE = (
    "sudo apt-get install -y postgresql (or set OKRKIT_TEST_POSTGRES_URL to a server's URL,"
    " e.g. postgresql+psycopg://user@host:5432/postgres)"
)
_counter = itertools.count(1)


class Unavailable(Exception):
    """No PostgreSQL server can be had; the message says why."""


@dataclass
class Server:
    """A PostgreSQL server the tests may create and drop databases on."""

    url: str
    data_dir: Path | None = None
    bin_dir: Path | None = None
    _prefix: str = field(default_factory=lambda: f"okrkit_test_{os.getpid()}_")

    def url_of(self, database: str) -> str:
        import sqlalchemy as sa

        return str(sa.engine.make_url(self.url).set(database=database).render_as_string(False))

    def _admin(self) -> Any:
        import psycopg

        url = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
        return psycopg.connect(url, autocommit=True, connect_timeout=10)

    def new_database(self) -> str:
        """Create an empty database and return its name."""
        name = f"{self._prefix}{next(_counter)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop a server :func:`start` started and remove its data; leave others alone."""
        if self.data_dir is None or self.bin_dir is None:
            return
        try:
            _run(
                _as_owner(
                    [
                        str(self.bin_dir / "pg_ctl"),
                        "-D",
                        str(self.data_dir),
                        "-m",
                        "fast",
                        "-w",
                        "stop",
                    ]
                )
            )
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start() -> Server:
    """The server to test against: the one named by the environment, or a fresh local one.

    Raises
    ------
    Unavailable
        When the driver or the server programs are missing, or the server does not start.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable(
            "the PostgreSQL driver is not installed (.venv/bin/pip install 'psycopg[binary]')"
        ) from None
    given = os.environ.get(URL_VARIABLE)
    if given:
        server = Server(url=given)
        try:
            server.drop_database(server.new_database())
        except Exception as exc:
            raise Unavailable(f"{URL_VARIABLE}={given} cannot create databases: {exc}") from None
        return server
    bin_dir = _find_bin()
    if bin_dir is None:
        raise Unavailable("PostgreSQL is not installed (no initdb/pg_ctl found)")
    top = Path(tempfile.mkdtemp(prefix="okrkit-pg-"))
    data = top / "data"
    data.mkdir()
    try:
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam("postgres")
            top.chmod(0o755)
            os.chown(data, user.pw_uid, user.pw_gid)
        _run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "okrkit",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        )
        port = _free_port()
        options = (
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run(
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "-l",
                    str(data / "server.log"),
                    "start",
                ]
            )
        )
    except (Unavailable, KeyError, OSError) as exc:
        shutil.rmtree(top, ignore_errors=True)
        raise Unavailable(f"the local PostgreSQL server did not start: {exc}") from None
    return Server(
        url=f"postgresql+psycopg://okrkit@127.0.0.1:{port}/postgres", data_dir=data, bin_dir=bin_dir
    )


def _find_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root without runuser: cannot start PostgreSQL as postgres")
    return [runuser, "-u", "postgres", "--", *command]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        program = next((Path(c).name for c in command if "postgresql" in c), command[0])
        raise Unavailable(f"{program}: {(done.stderr or done.stdout).strip()}")


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
