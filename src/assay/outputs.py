"""Where commands write: every output path inside its output folder, never onto an input.

One rule for every command that writes (``corpus filter``, ``corpus assess``'s quarantine,
``report``/``assess``'s package, ``banks convert``, bank quarantine files, ``review export``,
``corpus manual export``, ``banks check --out``): a path is checked before anything is opened
for writing, so a bad name (a source id ``../..``), a symlink out of the folder or an output
that is an input (the same path, a symlink to it, or a hard link: same device and inode) stops
the command with one line naming the path, and no input is ever truncated.

Names that become a folder or file of an output (source ids) must be plain names: see
:func:`name_problem`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from assay.errors import OutputPathError

MAX_NAME = 128
# letters and digits of any script, "_", "." and "-"; not starting with "." or "-"
_PLAIN = re.compile(r"\w[\w.\-]*")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be used as one folder or file name of an output (None: it can).

    A plain name is 1 to 128 characters: letters and digits of any script, ``_``, ``.`` and
    ``-``, not starting with ``.`` or ``-``. So no ``/``, ``\\``, ``..``, spaces or control
    characters, and never a hidden or special name."""
    if not name:
        return "is empty"
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if _PLAIN.fullmatch(name) is None:
        return (
            "is not a plain name: use letters, digits, '_', '.' and '-' only, not starting "
            "with '.' or '-' (no '/', '\\', '..' or spaces)"
        )
    return None


class Inputs:
    """The files a command reads, to compare an output with: by resolved path and by inode."""

    def __init__(self, paths: Iterable[Path | str] = ()) -> None:
        self.paths: set[Path] = set()
        self.inodes: dict[tuple[int, int], Path] = {}
        for path in paths:
            self.add(Path(path))

    def add(self, path: Path) -> None:
        resolved = path.resolve()
        self.paths.add(resolved)
        try:
            info = resolved.stat()
        except OSError:  # not there (yet): only its path can be matched
            return
        self.inodes[(info.st_dev, info.st_ino)] = path

    def clash(self, target: Path) -> Path | None:
        """The input ``target`` would overwrite, if any."""
        resolved = target.resolve()
        if resolved in self.paths:
            return resolved
        try:
            info = resolved.stat()
        except OSError:
            return None
        return self.inodes.get((info.st_dev, info.st_ino))

    def inside(self, folder: Path) -> Path | None:
        """An input that lies under ``folder`` (which is about to be removed), if any."""
        root = folder.resolve()
        for path in self.paths:
            if path.is_relative_to(root):
                return path
        return None


def check_output(target: Path, inputs: Inputs | Iterable[Path | str] = ()) -> Path:
    """``target`` if writing it overwrites no input; else :class:`OutputPathError`."""
    known = inputs if isinstance(inputs, Inputs) else Inputs(inputs)
    clash = known.clash(target)
    if clash is not None:
        raise OutputPathError(
            f"the output is the input {clash} (writing it would destroy the input)",
            file=target,
            fix="write the output to another file or folder",
        )
    return target


class OutputFolder:
    """An output folder: every path handed out resolves inside it and is not an input."""

    def __init__(self, folder: Path, inputs: Inputs | Iterable[Path | str] = ()) -> None:
        self.folder = folder
        self.root = folder.resolve()
        self.inputs = inputs if isinstance(inputs, Inputs) else Inputs(inputs)
        if self.inputs.clash(folder) is not None:
            raise OutputPathError(
                "the output folder is an input file", file=folder, fix="choose another folder"
            )

    def path(self, *parts: str | Path) -> Path:
        """``folder/parts…``, checked: inside the folder (after resolving ``..`` and symlinks)
        and not an input."""
        target = self.folder.joinpath(*parts)
        resolved = target.resolve()
        if resolved == self.root or not resolved.is_relative_to(self.root):
            raise OutputPathError(
                f"the output path {target} leads outside the output folder {self.folder} "
                f"(to {resolved})",
                file=target,
                fix="use plain names (no '..', '/' or symlinks out of the folder)",
            )
        return check_output(target, self.inputs)

    def scratch(self, name: str) -> Path:
        """A working folder ``folder/name`` that is removed at the end: it holds no input."""
        target = self.path(name)
        held = self.inputs.inside(target)
        if held is not None:
            raise OutputPathError(
                f"the working folder {target} holds the input {held}",
                file=target,
                fix="move the input or choose another output folder",
            )
        return target


def same_file(a: Path, b: Path) -> bool:
    """Whether two existing paths are one file (path, symlink or hard link)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
