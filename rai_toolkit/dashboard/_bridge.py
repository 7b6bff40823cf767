"""The one door between the user's process and the dashboard runtime.

Everything else in ``rai_toolkit.dashboard`` that needs responsibleai or raiwidgets goes
through this module, which

* starts the runtime process (:class:`RuntimeProcess`): the runtime's Python 3.11 running
  :mod:`rai_toolkit.dashboard._worker`, loaded from this package's own folder; it talks
  JSON lines over the process's stdin/stdout, and every wait on it watches the process so
  that a runtime that dies gives an error at once instead of a hang; and
* serves the user's model to it (:class:`PredictionChannel`): a loopback HTTP server that
  answers ``predict`` / ``predict_proba`` for requests carrying a per-launch random secret
  and refuses every other request with 403. The model never leaves this process.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import queue
import secrets
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rai_toolkit import exceptions
from rai_toolkit._validation import call_model
from rai_toolkit.dashboard._wire import (
    CONTENT_TYPE,
    METHODS,
    SECRET_HEADER,
    array_to_bytes,
    error_body,
    frame_from_bytes,
)
from rai_toolkit.exceptions import DashboardError, ModelError

__all__ = ["PredictionChannel", "RuntimeProcess", "START_TIMEOUT_S"]

#: Seconds the runtime may take to start and answer a request that has no other limit.
START_TIMEOUT_S = 600.0
#: Seconds a stopping runtime gets before it is killed.
STOP_TIMEOUT_S = 10.0
#: Largest request body the channel reads (a frame of model inputs).
MAX_BODY_BYTES = 2**31

# Runs in the runtime's Python, started with -I (no PYTHONPATH, no user site, no cwd on
# sys.path): imports rai_toolkit from this package's folder only. Putting the folder's
# parent on PYTHONPATH instead would also put every other package installed beside
# rai_toolkit (the user's numpy 2, pandas 3, ...) in front of the runtime's own.
_BOOTSTRAP = """\
import importlib.util, sys
pkg = sys.argv[1]
spec = importlib.util.spec_from_file_location(
    "rai_toolkit", pkg + "/__init__.py", submodule_search_locations=[pkg])
module = importlib.util.module_from_spec(spec)
sys.modules["rai_toolkit"] = module
spec.loader.exec_module(module)
from rai_toolkit.dashboard._worker._main import main
sys.exit(main())
"""

Say = Callable[[str], None]


class _QuietServer(http.server.ThreadingHTTPServer):
    """Threading HTTP server that prints no traceback when a client goes away.

    The runtime process ending mid-request is reported by :class:`RuntimeProcess`.
    """

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class PredictionChannel:
    """Answer the runtime's prediction requests with the user's model, on loopback.

    Parameters
    ----------
    model : object
        The fitted model; only ``predict`` and (for classifiers) ``predict_proba`` are called.
    methods : sequence of str
        The methods to serve, among ``"predict"`` and ``"predict_proba"``.

    Attributes
    ----------
    url : str
        ``http://127.0.0.1:<port>``; ``POST <url>/<method>`` with an Arrow IPC body.
    secret : str
        The random secret every request must carry in the ``X-Rai-Toolkit-Secret`` header.
    stats : dict
        Requests answered, rows, bytes received/sent, seconds inside the model.
    """

    def __init__(self, model: Any, *, methods: Sequence[str] = METHODS):
        self.secret = secrets.token_urlsafe(32)
        self.stats = {"requests": 0, "rows": 0, "bytes_in": 0, "bytes_out": 0, "model_s": 0.0}
        served = tuple(m for m in methods if m in METHODS)
        lock = threading.Lock()
        channel = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _refuse(self, status: int, kind: str, message: str) -> None:
                self._reply(status, error_body(kind, message), "application/json")

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._refuse(403 if not self._authorised() else 405, "refused",
                             "the prediction channel answers POST requests only")

            def _authorised(self) -> bool:
                given = self.headers.get(SECRET_HEADER)
                return given is not None and secrets.compare_digest(
                    given.encode(), channel.secret.encode()
                )

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                if not self._authorised():
                    self._refuse(403, "forbidden", f"missing or wrong {SECRET_HEADER}")
                    return
                method = self.path.strip("/")
                if method not in served:
                    self._refuse(404, "not_found", f"no route {self.path!r}")
                    return
                try:
                    length = int(self.headers.get("Content-Length", ""))
                except ValueError:
                    self._refuse(411, "length_required", "Content-Length is required")
                    return
                if not 0 < length <= MAX_BODY_BYTES:
                    self._refuse(413, "too_large", f"body of {length} bytes refused")
                    return
                body = self.rfile.read(length)
                try:
                    frame = frame_from_bytes(body)
                except Exception as err:  # noqa: BLE001 - any decoding failure is a bad request
                    self._refuse(400, "bad_request", f"{type(err).__name__}: {err}")
                    return
                t0 = time.perf_counter()
                try:
                    with lock:  # a user's model need not be thread-safe
                        out = call_model(model, frame, method)
                    payload = array_to_bytes(out)
                except ModelError as err:
                    self._refuse(422, "ModelError", str(err))
                    return
                except Exception as err:  # noqa: BLE001 - e.g. outputs Arrow cannot encode
                    self._refuse(
                        422, "ModelError",
                        f"{type(model).__name__}.{method} returned output that cannot be sent "
                        f"to the dashboard ({type(err).__name__}: {err}); it must return "
                        f"numbers or labels, one row per input row.",
                    )
                    return
                with lock:
                    stats = channel.stats
                    stats["requests"] += 1
                    stats["rows"] += len(frame)
                    stats["bytes_in"] += length
                    stats["bytes_out"] += len(payload)
                    stats["model_s"] += time.perf_counter() - t0
                self._reply(200, payload, CONTENT_TYPE)

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="rai-prediction-channel", daemon=True
        )
        self._thread.start()

    def spec(self) -> dict[str, str]:
        """Return what the runtime needs to reach this channel (sent over the process pipe)."""
        return {"url": self.url, "secret": self.secret}

    def close(self) -> None:
        """Stop answering and free the port (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join(timeout=5)

    def __enter__(self) -> PredictionChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _error_type(name: str) -> type[exceptions.RaiToolkitError]:
    cls = getattr(exceptions, str(name), None)
    if isinstance(cls, type) and issubclass(cls, exceptions.RaiToolkitError):
        return cls
    return DashboardError


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class RuntimeProcess:
    """The dashboard runtime process: start it, ask it, watch it, stop it.

    Parameters
    ----------
    say : callable, optional
        Receives the process's progress lines.
    build_progress : bool or callable, default=True
        Progress lines if the runtime has to be built first (once per lock): printed to
        stderr, or passed to this callable.
    pass_fds : sequence of int, default=()
        File descriptors the process inherits (a listening socket to serve on).
    """

    def __init__(
        self,
        *,
        say: Say | None = None,
        build_progress: bool | Say = True,
        pass_fds: Sequence[int] = (),
    ):
        from rai_toolkit.dashboard._runtime import build_runtime

        self._say = say or (lambda _m: None)
        python = build_runtime(progress=build_progress)
        self._log = tempfile.TemporaryFile(prefix="rai_toolkit-runtime-", suffix=".log")
        env = {
            k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
        }
        env["PYTHONUNBUFFERED"] = "1"
        package = Path(__file__).resolve().parents[1]
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.step = "starting"
        self.stopping = False
        self._proc = subprocess.Popen(
            [str(python), "-I", "-c", _BOOTSTRAP, str(package)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            pass_fds=tuple(pass_fds),
            env=env,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._reader = threading.Thread(
            target=self._read, name=f"rai-runtime-{self._proc.pid}", daemon=True
        )
        self._reader.start()

    @property
    def pid(self) -> int:
        """The runtime process id."""
        return self._proc.pid

    @property
    def alive(self) -> bool:
        """True while the runtime process runs."""
        return self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit status once the process has ended (negative: killed by that signal)."""
        return self._proc.poll()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        try:
            for line in self._proc.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    self._events.put(event)
        except (OSError, ValueError):  # the pipe was closed under us by kill()/stop()
            pass
        self._events.put(None)  # end of output: the process is ending

    def log_tail(self, lines: int = 15) -> str:
        """Return the last lines the runtime wrote to stderr."""
        try:
            self._log.seek(0)
            text = self._log.read().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def death_error(self, *, hint: str = "") -> DashboardError:
        """Return the error describing why the runtime process ended unexpectedly."""
        code = self._proc.poll()
        how = "stopped answering" if code is None else _describe_exit(code)
        tail = self.log_tail()
        return DashboardError(
            f"The dashboard runtime process (pid {self.pid}) {how} while {self.step}."
            + (f" Its last output:\n{tail}\n" if tail else " ")
            + (hint or "Nothing was kept.")
            + " If it was killed for lack of memory, pass fewer rows (max_test_rows=) or "
            "fewer components; otherwise try again, and report the output above if it "
            "keeps failing."
        )

    def send(self, message: dict[str, Any]) -> None:
        """Send one command; raise DashboardError if the process is gone."""
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(message) + "\n")
            self._proc.stdin.flush()
        except (OSError, ValueError) as err:
            self._proc.poll()
            raise self.death_error() from err

    def wait_result(self, *, timeout: float | None = None) -> dict[str, Any]:
        """Wait for the next result, forwarding progress lines.

        Raises
        ------
        RaiToolkitError
            The error the runtime reported (same type), or DashboardError if the process
            died or did not answer within ``timeout`` seconds (it is then killed).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                try:
                    event = self._events.get(timeout=0.2)
                except queue.Empty:
                    if self._proc.poll() is not None and self._reader_done():
                        raise self.death_error() from None
                    if deadline is not None and time.monotonic() > deadline:
                        self.step += f" (no answer within {timeout:.0f} s)"
                        self.kill()
                        raise self.death_error() from None
                    continue
                if event is None:
                    self._proc.wait(timeout=STOP_TIMEOUT_S)
                    raise self.death_error()
                kind = event.get("event")
                if kind == "progress":
                    self.step = str(event.get("step", self.step))
                    self._say(str(event.get("message", "")))
                elif kind == "result":
                    return dict(event.get("value") or {})
                elif kind == "error":
                    raise _error_type(event.get("type", ""))(str(event.get("message", "")))
        except KeyboardInterrupt:
            self.kill()
            raise

    def _reader_done(self) -> bool:
        self._reader.join(timeout=1)
        return not self._reader.is_alive() and self._events.empty()

    def request(self, message: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
        """Send a command and wait for its result (see :meth:`wait_result`)."""
        self.send(message)
        return self.wait_result(timeout=timeout)

    def wait(self) -> int:
        """Block until the process ends; return its exit status."""
        return self._proc.wait()

    def kill(self) -> None:
        """Kill the process at once and reap it."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._close_pipes()

    def stop(self) -> int:
        """Ask the process to end (close its stdin), kill it if it lingers; return its status."""
        self.stopping = True
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._close_pipes()
        return self._proc.returncode

    def _close_pipes(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        self._reader.join(timeout=5)  # the process is gone: its stdout ends
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdout is not None:
                self._proc.stdout.close()

    def close_log(self) -> None:
        """Drop the process's stderr log."""
        self._log.close()
