"""The dashboard runtime: a Python 3.11 environment built with uv from the shipped lock.

responsibleai / raiwidgets 0.36 only run on their 2024 pins (numba <= 0.58.1, numpy 1.26,
pandas 1.5, scikit-learn 1.5), which cannot live next to a current data-science stack. The
toolkit therefore installs them into an environment of its own, once, in the user's cache
directory (``$RAI_TOOLKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/rai_toolkit``, else
``~/.cache/rai_toolkit``), named after a short hash of the lock so that a new lock gets a
new environment. The environment is built in a temporary sibling and renamed into place:
a failed or interrupted build leaves nothing behind, and a finished one is never half
replaced.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from rai_toolkit._docstrings import shared_text
from rai_toolkit._scalars import check_bool
from rai_toolkit.exceptions import ArgumentError, DashboardError

__all__ = [
    "CACHE_ENV",
    "PYTHON_ENV",
    "RUNTIME_PYTHON_VERSION",
    "build_runtime",
    "cache_root",
    "compile_lock",
    "find_python",
    "lock_hash",
    "lock_path",
    "runtime_dir",
    "runtime_python",
]

#: Environment variable naming the cache folder that holds the runtime.
CACHE_ENV = "RAI_TOOLKIT_CACHE_DIR"
#: The ``cache_dir`` parameter every function of the runtime documents alike.
_documented = shared_text(
    {
        "cache_dir": (
            "cache_dir : str or os.PathLike, optional\n"
            f"    Cache folder; default :func:`cache_root`: ``${CACHE_ENV}``, else\n"
            "    ``$XDG_CACHE_HOME/rai_toolkit``, else ``~/.cache/rai_toolkit``."
        )
    }
)
#: Environment variable naming the Python 3.11 interpreter the runtime is built from.
PYTHON_ENV = "RAI_TOOLKIT_RUNTIME_PYTHON"
#: The Python version responsibleai / raiwidgets 0.36 and their pins run on.
RUNTIME_PYTHON_VERSION = "3.11"
#: File written into a finished runtime; its presence marks the build as complete.
MARKER = "rai_toolkit_runtime.json"
#: Packages whose import proves the runtime works.
_SMOKE_IMPORTS = ("responsibleai", "raiwidgets", "pyarrow")
_PROBE = "import platform, sys; print(platform.python_implementation(), '%d.%d' % " \
    "sys.version_info[:2], sys.executable)"

NO_PYTHON = (
    "The Responsible AI dashboard runs in its own environment on Python {version} "
    "(responsibleai/raiwidgets 0.36 need it), and no Python {version} was found: looked for "
    "${env}, python{version} on PATH, pyenv and uv's managed interpreters. Install one with "
    "`uv python install {version}` (or `pyenv install {version}`), or point ${env} at a "
    "python{version} executable. The rest of rai_toolkit does not need it."
)

Say = Callable[[str], None]


def lock_path() -> Path:
    """Return the path of the shipped runtime lock (``requirements.lock``)."""
    return Path(str(resources.files(__package__).joinpath("requirements.lock")))


def lock_hash() -> str:
    """Return the first 12 hex digits of the SHA-256 of the runtime lock."""
    return hashlib.sha256(lock_path().read_bytes()).hexdigest()[:12]


def cache_root() -> Path:
    """Return the toolkit's cache folder.

    ``$RAI_TOOLKIT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/rai_toolkit``, else
    ``~/.cache/rai_toolkit``.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "rai_toolkit"


@_documented
def runtime_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder of the runtime built from the shipped lock.

    Parameters
    ----------
    {cache_dir}

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/dashboard-runtime-<lock hash>``.
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else cache_root()
    return root / f"dashboard-runtime-{lock_hash()}"


def _python_in(env: Path) -> Path:
    if os.name == "nt":  # pragma: no cover - the lock is tested on Linux
        return env / "Scripts" / "python.exe"
    return env / "bin" / "python"


def _probe(executable: str) -> tuple[str, str] | None:
    """Return (version "X.Y", resolved executable) of a CPython, or None if it does not run."""
    try:
        out = subprocess.run(
            [executable, "-c", _PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.stdout.strip().split(" ", 2)
    if out.returncode != 0 or len(parts) != 3 or parts[0] != "CPython":
        return None
    return parts[1], parts[2]


def _uv() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


def _candidates(version: str) -> Iterator[str]:
    """Yield interpreters that may be CPython ``version``: PATH, pyenv, uv (in that order)."""
    on_path = shutil.which(f"python{version}")
    if on_path:
        yield on_path
    pyenv = shutil.which("pyenv")
    if pyenv:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pyenv, "prefix", version], capture_output=True, text=True, timeout=30
            )
            for prefix in out.stdout.split():
                yield str(Path(prefix) / "bin" / f"python{version}")
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    for prefix in sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*")),
                         reverse=True):
        yield str(Path(prefix) / "bin" / f"python{version}")
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            [_uv(), "python", "find", "--no-project", "--python-preference", "managed", version],
            capture_output=True, text=True, timeout=60,
        )
        if out.returncode == 0 and out.stdout.strip():
            yield out.stdout.strip()


def find_python(version: str = RUNTIME_PYTHON_VERSION) -> str:
    """Return a CPython ``version`` executable to build the runtime from.

    Looks at ``$RAI_TOOLKIT_RUNTIME_PYTHON`` first (which must then be that version), then
    ``python3.11`` on PATH, pyenv, and uv's managed interpreters.

    Parameters
    ----------
    version : str, default="3.11"
        ``"major.minor"``.

    Returns
    -------
    str
        The interpreter's ``sys.executable``.

    Raises
    ------
    DashboardError
        No such interpreter; the message says how to install one.
    """
    override = os.environ.get(PYTHON_ENV)
    if override:
        found = _probe(override)
        if found is None or found[0] != version:
            what = "does not run as CPython" if found is None else f"is Python {found[0]}"
            raise DashboardError(
                f"${PYTHON_ENV}={override!r} {what}; the dashboard runtime needs CPython "
                f"{version}. Point it at a python{version} executable, or unset it to let "
                f"rai_toolkit search (install one with `uv python install {version}`)."
            )
        return found[1]
    for candidate in _candidates(version):
        found = _probe(candidate)
        if found is not None and found[0] == version:
            return found[1]
    raise DashboardError(NO_PYTHON.format(version=version, env=PYTHON_ENV))


def _read_marker(env: Path) -> dict | None:
    try:
        marker = json.loads((env / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


@_documented
def runtime_python(*, cache_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the Python of the finished runtime, or None if it is not built yet.

    Parameters
    ----------
    {cache_dir}

    Returns
    -------
    pathlib.Path or None
        ``<runtime>/bin/python``.
    """
    env = runtime_dir(cache_dir)
    marker = _read_marker(env)
    python = _python_in(env)
    if marker is None or marker.get("lock_sha256_12") != lock_hash() or not python.exists():
        return None
    return python


@contextlib.contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the cache folder so that one process builds at a time.

    The lock is on the folder itself, so no lock file is left behind.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: builds are still atomic by rename
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _run(cmd: list[str], *, step: str, env: Path | None = None) -> None:
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-12:])
        raise DashboardError(
            f"Building the dashboard runtime failed while {step} (exit code {out.returncode}):"
            f"\n{tail}\nNothing was left behind. uv needs to reach the package index (PyPI, or "
            f"the index set in UV_DEFAULT_INDEX / uv.toml) or a warm uv cache; fix the "
            f"connection or the index and call the dashboard again, or build it ahead with "
            f"`python -m rai_toolkit.dashboard._runtime`."
        )


def _default_say(message: str) -> None:
    print(f"[rai_toolkit] {message}", file=sys.stderr, flush=True)


@_documented
def build_runtime(
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool | Say = True,
) -> Path:
    """Build the dashboard runtime if needed and return its Python.

    The runtime is a Python 3.11 environment holding responsibleai / raiwidgets 0.36 and
    their exact pins from the lock shipped in the package. It is built once, with uv, in
    ``<cache_dir>/dashboard-runtime-<lock hash>``: first into a temporary sibling, then
    renamed into place, so a failed build leaves nothing behind. Later calls return at once.

    Parameters
    ----------
    {cache_dir}
    force : bool, default=False
        Rebuild even if a finished runtime exists (it is replaced only once the new one works).
    progress : bool or callable, default=True
        Print progress lines to stderr (or pass each line to this callable).

    Returns
    -------
    pathlib.Path
        The runtime's Python executable.

    Raises
    ------
    DashboardError
        No Python 3.11 was found, or uv could not install the lock (e.g. no network).
    ArgumentError
        ``cache_dir`` is not a folder that can be created.

    Examples
    --------
    >>> from rai_toolkit.dashboard import build_runtime
    >>> python = build_runtime()  # doctest: +SKIP
    """
    force = check_bool(force, argument="force")
    say: Say = (
        progress if callable(progress) else (_default_say if progress else (lambda _m: None))
    )
    if not force:
        ready = runtime_python(cache_dir=cache_dir)
        if ready is not None:
            return ready
    final = runtime_dir(cache_dir)
    root = final.parent
    base = find_python()  # before anything is written: no Python, nothing left behind
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ArgumentError(
            f"Cannot create the cache folder {str(root)!r} for the dashboard runtime "
            f"({err.strerror or err}). Set ${CACHE_ENV} to a writable folder.",
            argument="cache_dir",
        ) from err
    with _build_lock(root):
        if not force:
            ready = runtime_python(cache_dir=cache_dir)
            if ready is not None:  # another process finished it while we waited
                return ready
        return _build(final, base, say)


def _build(final: Path, base: str, say: Say) -> Path:
    t0 = time.perf_counter()
    lock = lock_path()
    n_packages = sum(
        1 for line in lock.read_text(encoding="utf-8").splitlines() if line[:1].isalnum()
    )
    say(
        f"dashboard runtime: building {final} from {lock.name} ({n_packages} packages, "
        f"responsibleai/raiwidgets 0.36) on Python {RUNTIME_PYTHON_VERSION} ({base}); this "
        f"happens once"
    )
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        uv = _uv()
        say("dashboard runtime: creating the environment")
        _run(
            [uv, "venv", "--quiet", "--relocatable", "--allow-existing", "--python", base,
             str(tmp)],
            step="creating the environment",
        )
        python = _python_in(tmp)
        say(f"dashboard runtime: installing {n_packages} locked packages")
        _run(
            [uv, "pip", "sync", "--quiet", "--require-hashes", "--python", str(python),
             str(lock)],
            step=f"installing {lock.name}",
        )
        say("dashboard runtime: checking that responsibleai and raiwidgets import")
        _run(
            [str(python), "-I", "-c", "import " + ", ".join(_SMOKE_IMPORTS)],
            step="importing " + ", ".join(_SMOKE_IMPORTS),
        )
        marker = {
            "lock_sha256_12": lock_hash(),
            "python": RUNTIME_PYTHON_VERSION,
            "base_python": base,
            "built_s": round(time.perf_counter() - t0, 1),
        }
        (tmp / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        if final.exists():  # force=True, or a leftover without marker: replace it
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
            os.replace(final, old / final.name)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"dashboard runtime: ready in {time.perf_counter() - t0:.0f} s ({final})")
    return _python_in(final)


def compile_lock(*, upgrade: bool = False) -> Path:
    """Regenerate ``requirements.lock`` from ``requirements.in`` with uv (maintainers only).

    Parameters
    ----------
    upgrade : bool, default=False
        Let uv pick newer versions where ``constraints.txt`` allows.

    Returns
    -------
    pathlib.Path
        The lock written.
    """
    lock = lock_path()
    source = lock.with_name("requirements.in")
    cmd = [
        _uv(), "pip", "compile", str(source), "--python-version", RUNTIME_PYTHON_VERSION,
        "--universal", "--generate-hashes", "--quiet", "--output-file", str(lock),
        "--custom-compile-command", "python -m rai_toolkit.dashboard._runtime --lock",
    ]
    if upgrade:
        cmd.append("--upgrade")
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=source.parent)
    if out.returncode != 0:
        raise DashboardError(f"uv pip compile failed:\n{out.stderr.strip()}")
    return lock
