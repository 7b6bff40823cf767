"""Serve the Responsible AI dashboard on one chosen address: :func:`launch_dashboard`.

The dashboard runs in the dashboard runtime (its own Python 3.11 environment, see
``_runtime``). This process opens the listening socket itself, on exactly the address
asked for, and hands it to the runtime process, which serves raiwidgets' front end behind
safer rules (``_worker._app``: no CORS, foreign ``Origin`` and, on loopback, foreign
``Host`` headers refused). The what-if predictions the dashboard asks for are answered
here, by the model in this process, over a loopback channel protected by a per-launch
secret (``_bridge.PredictionChannel``).

* Loopback by default; any other address needs ``allow_remote=True`` and emits a
  :class:`SecurityWarning`.
* A busy port, a port the user may not open, or an address of another machine gives one
  :class:`DashboardError` before anything starts.
"""

from __future__ import annotations

import atexit
import errno
import ipaddress
import os
import socket
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rai_toolkit._scalars import check_bool, check_int
from rai_toolkit.exceptions import ArgumentError, DashboardError, SecurityWarning

__all__ = ["DashboardURL", "launch_dashboard", "is_loopback"]

_REPORT_HINT = (
    "If no port can be opened here, share a static HTML report instead: "
    "rai_toolkit.assess(model, data, target=..., sensitive_features=...).to_html('report.html')."
)

_running: dict[str, DashboardURL] = {}


def is_loopback(host: str) -> bool:
    """Return True if ``host`` names only this machine's loopback interface.

    Parameters
    ----------
    host : str
        Host name or IP address.

    Returns
    -------
    bool
        True for ``localhost``, ``127.0.0.0/8`` and ``::1``.
    """
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class DashboardURL(str):
    """URL of a running dashboard; also a handle to stop it.

    It is a plain ``str`` (the address to open in a browser) with the extra
    attributes ``host``, ``port`` and ``pid`` (the runtime process serving it) and the
    methods :meth:`stop` and :meth:`wait`.
    """

    host: str
    port: int
    _runtime: Any
    _channel: Any
    _insights: Any

    @property
    def pid(self) -> int | None:
        """Process id of the runtime serving the dashboard (None once stopped)."""
        runtime = getattr(self, "_runtime", None)
        return None if runtime is None else runtime.pid

    def stop(self) -> None:
        """Shut the dashboard down and free the port (a second call does nothing).

        Raises
        ------
        DashboardError
            The runtime process had already died (it was killed, or crashed) before this
            call; everything is cleaned up all the same, and a second call is silent.
        """
        runtime, self._runtime = getattr(self, "_runtime", None), None
        channel, self._channel = getattr(self, "_channel", None), None
        _running.pop(str(self), None)
        if runtime is None:
            return
        died = runtime.returncode is not None and not runtime.stopping
        error = runtime.death_error(hint="The dashboard is no longer served.") if died else None
        runtime.stop()
        runtime.close_log()
        if channel is not None:
            channel.close()
        self._insights = None
        if error is not None:
            raise DashboardError(f"The dashboard at {self} had already stopped: {error}")

    @property
    def running(self) -> bool:
        """True while the runtime process serves the dashboard."""
        runtime = getattr(self, "_runtime", None)
        return runtime is not None and runtime.alive

    def wait(self) -> None:
        """Block until the dashboard stops: :meth:`stop`, or the runtime process ending."""
        runtime = getattr(self, "_runtime", None)
        if runtime is not None:
            runtime.wait()

    def _repr_html_(self) -> str:
        return f'<a href="{self}" target="_blank">Responsible AI dashboard: {self}</a>'


def _stop_all() -> None:
    for url in list(_running.values()):
        try:
            url.stop()
        except DashboardError:
            pass


atexit.register(_stop_all)


def launch_dashboard(
    insights: Any,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    allow_remote: bool = False,
    trusted: Sequence[str | type] | None = None,
) -> DashboardURL:
    """Serve the Responsible AI dashboard from the dashboard runtime and return its URL.

    Parameters
    ----------
    insights : Insights or str or os.PathLike
        What :func:`~rai_toolkit.dashboard.build_insights` returned, or a folder
        written by :func:`~rai_toolkit.dashboard.save_insights`.
    host : str, default="127.0.0.1"
        Address to bind to. Anything but loopback (``127.0.0.1``, ``::1``,
        ``localhost``) needs ``allow_remote=True``.
    port : int, optional
        Port; by default a free one is chosen.
    allow_remote : bool, default=False
        Allow a non-loopback ``host``. The dashboard has no authentication and
        answers model predictions for anyone who reaches the port.
    trusted : sequence of str or type, optional
        With a folder: types of its ``model.skops`` to trust beyond skops' defaults,
        as for :func:`~rai_toolkit.dashboard.load_insights`.

    Returns
    -------
    DashboardURL
        The URL (a ``str``); call ``.stop()`` on it to shut the dashboard down. The
        runtime process serving it also ends when this Python process ends.

    Raises
    ------
    ArgumentError
        Non-loopback ``host`` without ``allow_remote=True``, or a bad ``port``.
    UnsafeModelError
        The folder's model holds types not trusted by default (pass ``trusted=``).
    DashboardError
        The address or port cannot be opened, or the dashboard runtime cannot be built,
        started or load the insights.

    Warns
    -----
    SecurityWarning
        When serving on a non-loopback address.

    Examples
    --------
    >>> url = launch_dashboard(insights)  # doctest: +SKIP
    >>> url.stop()  # doctest: +SKIP
    """
    from rai_toolkit.dashboard._bridge import START_TIMEOUT_S, PredictionChannel, RuntimeProcess
    from rai_toolkit.dashboard._insights import Insights
    from rai_toolkit.dashboard._persistence import load_insights

    if not isinstance(host, str) or not host:
        raise ArgumentError(
            f"`host` must be a host name or IP address; received {host!r}.", argument="host"
        )
    allow_remote = check_bool(allow_remote, argument="allow_remote")
    loopback = is_loopback(host)
    if not loopback and not allow_remote:
        raise ArgumentError(
            f"host={host!r} is not a loopback address: the dashboard has no authentication "
            f"and answers model predictions for anyone who can reach it. Use "
            f"host='127.0.0.1' (then e.g. an SSH tunnel), or pass allow_remote=True to serve "
            f"on {host!r} anyway.",
            argument="host",
        )
    port = check_int(port, argument="port", low=0, high=65535, allow_none=True)
    if isinstance(insights, str | os.PathLike):
        insights = load_insights(Path(insights), trusted=trusted)
    elif trusted is not None:
        raise ArgumentError(
            "`trusted` applies to a saved folder's model; pass it with a folder path, or "
            "leave it out with an Insights object.",
            argument="trusted",
        )
    if not isinstance(insights, Insights):
        raise ArgumentError(
            f"`insights` must be an Insights object or the path of a folder written by "
            f"save_insights; received {type(insights).__name__}.",
            argument="insights",
        )

    bind = "127.0.0.1" if host == "localhost" else host.strip("[]")
    sock = _bind_socket(host, bind, port)
    chosen = sock.getsockname()[1]
    task = insights.to_dict()["task"]
    methods = ["predict"] + (["predict_proba"] if task == "classification" else [])
    channel = PredictionChannel(insights.model, methods=methods)
    runtime = None
    try:
        runtime = RuntimeProcess(pass_fds=[sock.fileno()])
        runtime.step = "starting the dashboard"
        runtime.request(
            {
                "op": "serve",
                "folder": str(insights.folder),
                "fd": sock.fileno(),
                "bind": bind,
                "port": chosen,
                "loopback": loopback,
                "cohorts": [c.to_dict() for c in insights.cohorts],
                "channel": channel.spec(),
            },
            timeout=START_TIMEOUT_S,
        )
        runtime.step = "serving the dashboard"
    except BaseException:
        if runtime is not None:
            runtime.kill()
            runtime.close_log()
        channel.close()
        raise
    finally:
        sock.close()  # the runtime process holds its own copy of the listening socket
    shown = f"[{bind}]" if ":" in bind else bind
    url = DashboardURL(f"http://{shown}:{chosen}/")
    url.host, url.port = bind, chosen
    url._runtime, url._channel, url._insights = runtime, channel, insights
    _running[str(url)] = url
    if not loopback:
        warnings.warn(
            f"The dashboard is served on {host}:{chosen} without authentication; anyone who can "
            f"reach this address sees the data and can query the model's predictions. Stop it "
            f"with url.stop() when done.",
            SecurityWarning,
            stacklevel=2,
        )
    return url


def _bind_socket(host: str, bind: str, port: int | None) -> socket.socket:
    """Return a listening TCP socket on ``bind``:``port`` (0 or None: any free port).

    Raises
    ------
    DashboardError
        With the operating system's reason, how to fix it and the report hint.
    """
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    where = f"{host}:{port or '(any free port)'}"
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # as http.server does: a port in TIME_WAIT can be reused, one in use cannot
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((bind, port or 0))
        sock.listen(128)
    except OSError as err:
        sock.close()
        reason = err.strerror or str(err)
        if err.errno == errno.EADDRINUSE:
            cause = f"port {port} on {bind} is already in use ({reason})"
            fix = (
                f"Stop the program using port {port}, pass another port=, or port=None "
                f"to let the dashboard pick a free one."
            )
        elif err.errno == errno.EACCES:
            cause = f"permission denied to listen on port {port} of {bind} ({reason})"
            fix = "Pass a port above 1023, or port=None to let the dashboard pick a free one."
        else:
            cause = f"{bind} cannot be bound ({reason})"
            fix = "Pass host= an address of this machine (e.g. '127.0.0.1'), or another port=."
        raise DashboardError(
            f"Cannot open {where} for the dashboard: {cause}. {fix} {_REPORT_HINT}",
            argument="port" if err.errno in (errno.EADDRINUSE, errno.EACCES) else "host",
        ) from err
    return sock
