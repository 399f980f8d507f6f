"""Department notebooks: a starter OKR set per department and a ready notebook to work on it.

A *department* is one of the starter templates (``okrkit.template_names()``: ``marketing``,
``sales``, ...). Its objectives, KPIs and initiatives share an id prefix (``MKT-1``,
``MKT-KPI-1``); the department's items in a cycle are the items of that cycle whose ids carry the
prefix, so objectives the team adds later (``MKT-4``) or carries over (``MKT-1-2027-Q1``) count
too.

- :func:`seed_department` imports the department's starter set into a cycle of a store that holds
  none of its objectives yet, and does nothing otherwise.
- :func:`department_okrs` is the department's part of a cycle, as an :class:`~okrkit.OkrSet`.
- :func:`make_department_notebook` (``okrkit notebook DEPARTMENT``) seeds the store and writes a
  copy of the template notebook ``templates/notebooks/department.ipynb`` with its parameters filled
  in by papermill, ready to open in Jupyter; nothing is executed.

"Who am I" in the workshop notebooks: the name a person types in step 1 (the brainstorm board's
name field) is kept with :func:`remember_my_name` (:func:`follow_my_name` keeps it as it is
typed), once per person and workspace, in ``me.json`` of the okrkit settings folder
(``$OKRKIT_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/okrkit``, else ``~/.config/okrkit``), keyed by
the store's URL. The check-in form of step 4 reads it back with :func:`my_name` as its default
author. On a JupyterHub every person has their own home folder, hence their own name.

Examples
--------
>>> from okrkit.store import Store
>>> store = Store("sqlite://")
>>> seed_department(store, "marketing", "2026-Q2"), seed_department(store, "marketing", "2026-Q2")
(True, False)
>>> [o.id for o in department_okrs(store, "marketing", "2026-Q2").objectives]
['MKT-1', 'MKT-2', 'MKT-3']
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from okrkit.cycles import Cycle, current_quarter
from okrkit.errors import ConflictError, InputError, NotFoundError
from okrkit.model import OkrSet
from okrkit.store import Store, resolve_url
from okrkit.text import resolve_lang
from okrkit.workspace import (
    load_template,
    open_workspace,
    template_names,
    template_path,
    templates_dir,
)

__all__ = [
    "department_names",
    "department_okrs",
    "follow_my_name",
    "make_department_notebook",
    "my_name",
    "remember_my_name",
    "seed_department",
    "template_notebook",
]

#: The parameters of the template notebook, in the order of its ``parameters`` cell.
PARAMETERS = ("department", "cycle", "database_url", "lang")


def department_names() -> list[str]:
    """The departments a notebook can be made for: the names of the starter templates."""
    return template_names()


def template_notebook() -> Path:
    """The department template notebook (``templates/notebooks/department.ipynb``).

    Raises
    ------
    InputError
        When the installation lacks it.
    """
    path = templates_dir() / "notebooks" / "department.ipynb"
    if not path.is_file():
        raise InputError(
            "the department template notebook is missing from this installation",
            source=str(path),
            fix="reinstall okrkit",
        )
    return path


def _template(department: str) -> OkrSet:
    template_path(department, field="department")  # a template name, never a path
    return load_template(department)


def _prefixes(template: OkrSet) -> tuple[str, ...]:
    """The id prefixes of a starter set's objectives: ``('MKT-',)`` for marketing."""
    return tuple(sorted({o.id.split("-", 1)[0] + "-" for o in template.objectives}))


def _target_cycle(store: Store, cycle: str | Cycle | None) -> Cycle:
    """``cycle`` as the store knows it; by default its running cycle, else the current quarter."""
    if isinstance(cycle, Cycle):
        return cycle
    if cycle is None:
        return store.cycle() if store.cycles() else current_quarter()
    try:
        return store.cycle(cycle)
    except NotFoundError:
        return Cycle.parse(cycle)


def _objective_ids(store: Store, cycle: Cycle) -> list[str]:
    if cycle.id not in {c.id for c in store.cycles()}:
        return []
    return [str(i) for i in store.frames(cycle).objectives["id"]]


def _renamed(okrs: OkrSet, suffix: str) -> OkrSet:
    """``okrs`` with every id suffixed (``MKT-1`` -> ``MKT-1-2027-Q1``), references included."""
    new = {
        ident: f"{ident}-{suffix}"
        for ident in [
            *(o.id for o in okrs.objectives),
            *(kr.id for _, kr in okrs.key_results()),
            *(k.id for k in okrs.kpis),
            *(i.id for i in okrs.initiatives),
        ]
    }
    return replace(
        okrs,
        objectives=tuple(
            replace(
                o,
                id=new[o.id],
                aligns_to=tuple(new.get(p, p) for p in o.aligns_to),
                key_results=tuple(replace(kr, id=new[kr.id]) for kr in o.key_results),
            )
            for o in okrs.objectives
        ),
        kpis=tuple(
            replace(k, id=new[k.id], measures=tuple(new[m] for m in k.measures)) for k in okrs.kpis
        ),
        initiatives=tuple(
            replace(i, id=new[i.id], supports=tuple(new[s] for s in i.supports))
            for i in okrs.initiatives
        ),
        checkins=tuple(replace(c, key_result=new[c.key_result]) for c in okrs.checkins),
    )


def _linked(okrs: OkrSet, present: list[str]) -> OkrSet:
    """Keep the alignment links that reach an objective or key result of the set or of the target
    cycle (``present``).

    A link to another department's objective (``CO-1``) or key result (``CO-2-KR1``) follows it
    into the cycle (``CO-1``, or its copy ``CO-1-<cycle>``); a link to one the cycle lacks is
    dropped, so the seeded objectives show as unaligned (the alignment checks say so) rather than
    as links to nothing.
    """
    inside = set(okrs.ids)
    there = set(present)
    suffix = f"-{okrs.cycle.id}"

    def target(parent: str) -> str | None:
        if parent in inside or parent in there:
            return parent
        if parent + suffix in there:
            return parent + suffix
        return None

    return replace(
        okrs,
        objectives=tuple(
            replace(o, aligns_to=tuple(p for p in map(target, o.aligns_to) if p is not None))
            for o in okrs.objectives
        ),
    )


def _has_department(ids: list[str], prefixes: tuple[str, ...]) -> bool:
    return any(i.startswith(prefixes) for i in ids)


def seed_department(store: Store, department: str, cycle: str | Cycle | None = None) -> bool:
    """Import a department's starter set into ``cycle`` unless the cycle has its objectives.

    Parameters
    ----------
    store
        The store to seed.
    department
        A starter template name (see :func:`department_names`).
    cycle
        The cycle to seed (default: the store's running cycle, else its latest, else the current
        quarter). Created in the store when new.

    Returns
    -------
    bool
        ``True`` when the starter set was imported, ``False`` when the cycle already held an
        objective of the department (an id with its prefix, such as ``MKT-``).

    Notes
    -----
    Ids are unique across a store's cycles. When the template's ids are taken by another cycle,
    the copies get the cycle as a suffix (``MKT-1-2027-Q1``), as carry-over does. Links to
    objectives the cycle does not hold are dropped (see the module docstring). Seeding is one
    transaction; two processes seeding at once end with one copy.

    Raises
    ------
    InputError
        For an unknown department; the message lists the names.
    ConflictError
        When the cycle is in the store with other dates than ``cycle`` names.
    """
    prefixes = _prefixes(_template(department))
    target = _target_cycle(store, cycle)
    starter = load_template(department, target)
    error: ConflictError | None = None
    for candidate in (starter, _renamed(starter, target.id)):
        present = _objective_ids(store, target)
        if _has_department(present, prefixes):
            return False
        try:
            krs = store.frames(target).key_results["id"].tolist() if present else []
            store.import_set(_linked(candidate, [*present, *map(str, krs)]))
        except ConflictError as exc:  # ids taken by another cycle, or by a concurrent seed
            error = exc
            continue
        return True
    if _has_department(_objective_ids(store, target), prefixes):
        return False
    assert error is not None
    raise error


def department_okrs(store: Store, department: str, cycle: str | Cycle | None = None) -> OkrSet:
    """The department's objectives, KPIs, initiatives and check-ins in one cycle of the store.

    Items belong to the department when their id carries its prefix (``MKT-`` for marketing).
    KPIs and initiatives keep only their links to the department's key results.

    Raises
    ------
    InputError
        For an unknown department.
    NotFoundError
        When the store has no such cycle.
    """
    prefixes = _prefixes(_template(department))
    okrs = store.load(_target_cycle(store, cycle))
    objectives = tuple(o for o in okrs.objectives if o.id.startswith(prefixes))
    krs = {kr.id for o in objectives for kr in o.key_results}
    return OkrSet(
        cycle=okrs.cycle,
        objectives=objectives,
        kpis=tuple(
            replace(k, measures=tuple(m for m in k.measures if m in krs))
            for k in okrs.kpis
            if k.id.startswith(prefixes)
        ),
        initiatives=tuple(
            replace(i, supports=tuple(s for s in i.supports if s in krs))
            for i in okrs.initiatives
            if i.id.startswith(prefixes)
        ),
        checkins=tuple(c for c in okrs.checkins if c.key_result in krs),
    )


def make_department_notebook(
    department: str,
    *,
    cycle: str | Cycle | None = None,
    output: str | os.PathLike[str] | None = None,
    database_url: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    force: bool = False,
) -> Path:
    """Write a department's notebook, ready to open, and seed its store when needed.

    The notebook is the template notebook with an ``injected-parameters`` cell after its
    ``parameters`` cell (papermill's parameterize step; nothing is executed).

    Parameters
    ----------
    department
        A starter template name (see :func:`department_names`).
    cycle
        The cycle to plan (default: the store's running cycle, else its latest, else the current
        quarter). The notebook gets the cycle's id, so it keeps showing this cycle.
    output
        Where to write the notebook (default: ``<department>_okrs.ipynb`` in the current folder).
        Its folder must exist.
    database_url
        The store (a SQLite path or a database URL), written into the notebook as an absolute
        path or URL. Default: ``None`` in the notebook too, which opens ``$OKRKIT_DATABASE_URL``,
        else the demo workspace. Keep passwords in ``$OKRKIT_DATABASE_URL`` rather than here:
        the URL is written into the notebook as given.
    lang
        ``"en"`` or ``"sv"`` for the views' labels (default: ``$OKRKIT_LANG``, else English).
    force
        Overwrite an existing file at ``output``.

    Returns
    -------
    pathlib.Path
        The notebook written.

    Raises
    ------
    InputError
        For an unknown department or language, an existing output (without ``force``) or a
        missing output folder.
    """
    import nbformat  # heavy: import on first use

    _template(department)
    if lang is not None:
        try:
            lang = resolve_lang(lang)
        except ValueError as exc:
            raise InputError(str(exc), field="lang", fix="use en or sv") from None
    path = Path(output) if output is not None else Path(f"{department}_okrs.ipynb")
    if path.exists() and not force:
        raise InputError(
            f"{path} exists already",
            fix="pass --force (force=True) to overwrite it, or choose another path with -o",
        )
    if not path.parent.is_dir():
        raise InputError(
            f"cannot write {path}: the folder {path.parent} does not exist", fix="create it first"
        )
    template = template_notebook()
    url = resolve_url(database_url) if database_url is not None else None
    store = open_workspace(url)
    try:
        seed_department(store, department, cycle)
        target = _target_cycle(store, cycle).id
    finally:
        store.close()

    from papermill.parameterize import parameterize_notebook  # type: ignore[import-untyped]

    nb = nbformat.read(template, as_version=4)  # type: ignore[no-untyped-call]
    # papermill expects every cell to have tags (its own reader adds them); add them only for
    # the call, so the notebook written carries no empty tag lists.
    untagged = [cell for cell in nb.cells if "tags" not in cell.metadata]
    for cell in untagged:
        cell.metadata["tags"] = []
    nb.metadata.setdefault("papermill", {})
    values = {"department": department, "cycle": target, "database_url": url, "lang": lang}
    nb = parameterize_notebook(nb, values, comment="Parameters of this department notebook")
    for cell in untagged:
        del cell.metadata["tags"]
    nbformat.write(nb, path)  # type: ignore[no-untyped-call]
    return path


# --- who am I -----------------------------------------------------------------------------------


def _settings_file() -> Path:
    folder = os.environ.get("OKRKIT_CONFIG_DIR")
    if not folder:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        folder = str(Path(base) / "okrkit")
    return Path(folder) / "me.json"


def _names() -> dict[str, str]:
    try:
        names = json.loads(_settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


def my_name(store: Store) -> str:
    """The name this person gave in the workspace of ``store`` (``""`` when none yet).

    See :func:`remember_my_name`.
    """
    return _names().get(store.display_url, "")


def remember_my_name(store: Store, name: str) -> None:
    """Keep ``name`` as this person's name in the workspace of ``store``.

    Written to ``me.json`` in the okrkit settings folder (see the module docstring); the check-in
    form reads it as its default author. An empty name forgets it. A settings folder that cannot
    be written keeps nothing (the forms then start with an empty author).

    Examples
    --------
    >>> import tempfile
    >>> from okrkit.store import Store
    >>> os.environ["OKRKIT_CONFIG_DIR"] = tempfile.mkdtemp()
    >>> store = Store("sqlite://")
    >>> remember_my_name(store, "Ana"); my_name(store)
    'Ana'
    >>> del os.environ["OKRKIT_CONFIG_DIR"]
    """
    names = _names()
    name = name.strip()
    if names.get(store.display_url, "") == name:
        return
    if name:
        names[store.display_url] = name
    else:
        names.pop(store.display_url, None)
    path = _settings_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(names, indent=1, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return


def follow_my_name(store: Store, field: Any) -> None:
    """Keep the name typed into the text widget ``field`` (the brainstorm board's name) as this
    person's name (:func:`remember_my_name`), now and whenever it changes."""
    remember_my_name(store, str(field.value or ""))
    field.observe(lambda change: remember_my_name(store, str(change["new"] or "")), names="value")
