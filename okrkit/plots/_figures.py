"""What every okrkit figure shares: an Agg figure a notebook shows once, the file formats it
saves to, and shortened labels."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "MAX_INCHES",
    "NODE_COLOURS",
    "check_path",
    "finish_figure",
    "new_figure",
    "png_repr",
    "shorten",
]

#: Node colours by grade band: stronger versions of :data:`okrkit.display.BAND_COLOURS`;
#: ``None`` is an objective without a score.
NODE_COLOURS: dict[str | None, str] = {
    "red": "#d93025",
    "yellow": "#f9ab00",
    "green": "#1e8e3e",
    None: "#9aa0a6",
}
#: The largest side of a figure, in inches.
MAX_INCHES = 80.0


FORMATS = ("png", "svg", "pdf")


def shorten(text: str, room: int) -> str:
    text = " ".join(text.split())
    if len(text) <= room:
        return text
    return text[: max(room - 1, 1)].rstrip() + "…"


def png_repr(fig: Figure) -> Callable[[], bytes]:
    def show() -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    return show


def check_path(path: str | os.PathLike[str] | None) -> str | None:
    if path is None:
        return None
    fmt = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot draw to {os.fspath(path)!r}: use a .png, .svg or .pdf file")
    return fmt


def new_figure(ax: Axes | None, size: tuple[float, float], dpi: float) -> tuple[Figure, Axes]:
    """A new Agg figure with one axes (shown once by a notebook), or the figure of ``ax``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: import on first use
    from matplotlib.figure import Figure  # heavy: import on first use

    if ax is not None:
        found = ax.get_figure()
        assert isinstance(found, Figure)
        return found, ax
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    setattr(fig, "_repr_png_", png_repr(fig))  # noqa: B010 - a notebook shows it once
    return fig, fig.add_subplot()


def finish_figure(
    fig: Figure, path: str | os.PathLike[str] | None, fmt: str | None, dpi: float
) -> None:
    if path is not None:
        metadata = {"Date": None} if fmt == "svg" else None
        fig.savefig(os.fspath(path), format=fmt, dpi=dpi, metadata=metadata)
