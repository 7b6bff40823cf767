"""Serve the Responsible AI dashboard on one chosen address: :func:`launch_dashboard`.

raiwidgets' ``ResponsibleAIDashboard`` (through rai_core_flask 0.7.6's
``FlaskHelper``) enables CORS for every origin, probes ports on
``localhost`` but, given any other address, binds to the address of the
machine's host name instead of the one asked for, and answers ``/predict`` for
anyone who reaches the port. This module reuses the dashboard's front end and
request handlers (``ResponsibleAIDashboardInput``) behind a small Flask app
that

* binds only to the requested host (loopback by default; any other address
  needs ``allow_remote=True`` and emits a :class:`SecurityWarning`),
* sends no CORS headers and refuses requests whose ``Origin`` is another site
  (so a web page the user visits cannot query the model), and
* on loopback, refuses requests whose ``Host`` header is not a loopback name,
  which blocks DNS-rebinding attacks.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import socket
import threading
import uuid
import warnings
from pathlib import Path
from typing import Any

from rai_toolkit.exceptions import ArgumentError, DashboardError, DependencyError, SecurityWarning

__all__ = ["DashboardURL", "launch_dashboard", "is_loopback"]

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")

_REPORT_HINT = (
    "If no port can be opened here, share a static HTML report instead: "
    "rai_toolkit.assess(model, data, target=..., sensitive_features=...).to_html('report.html')."
)

#: Request handlers of ResponsibleAIDashboardInput, by route (tabular tasks).
_ROUTES = {
    "/predict": "on_predict",
    "/tree": "debug_ml",
    "/matrix": "matrix",
    "/causal_whatif": "causal_whatif",
    "/global_causal_effects": "get_global_causal_effects",
    "/global_causal_policy": "get_global_causal_policy",
    "/get_exp": "get_exp",
}

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
    attributes ``host``, ``port`` and the method :meth:`stop`.
    """

    host: str
    port: int
    _server: Any
    _thread: threading.Thread

    def stop(self) -> None:
        """Shut the server down and free the port (idempotent)."""
        server = getattr(self, "_server", None)
        if server is not None:
            server.shutdown()
            server.server_close()
            self._server = None
            self._thread.join(timeout=5)
        _running.pop(str(self), None)

    @property
    def running(self) -> bool:
        """True while the server thread serves requests."""
        return getattr(self, "_server", None) is not None and self._thread.is_alive()

    def wait(self) -> None:
        """Block until the server stops (used by the command line)."""
        self._thread.join()

    def _repr_html_(self) -> str:
        return f'<a href="{self}" target="_blank">Responsible AI dashboard: {self}</a>'


def _index_html(dashboard_id: str) -> str:
    """Return the dashboard page: raiwidgets' scripts inlined, placeholders still to fill."""
    from raiwidgets.dashboard import Dashboard, InLineScript

    def load(path: str) -> str:
        with open(Dashboard.get_widget_path(path), encoding="utf-8") as fh:
            return fh.read().replace("__rai_app_id__", f"rai_widget_{dashboard_id}")

    parser = InLineScript(load)
    parser.feed(load("index.html"))
    return parser.content


def _build_app(insights: Any, *, loopback: bool, port: int) -> Any:
    try:
        from flask import Flask, Response, abort, jsonify, request, send_file
        from raiutils.data_processing import serialize_json_safe
        from raiwidgets.responsibleai_dashboard_input import ResponsibleAIDashboardInput
    except ImportError as err:  # pragma: no cover - part of the locked stack
        raise DependencyError(
            "launch_dashboard needs raiwidgets==0.36.0 and flask (pip install raiwidgets)."
        ) from err

    try:
        board = ResponsibleAIDashboardInput(insights.rai_insights, cohort_list=insights.cohorts)
    except Exception as err:  # noqa: BLE001 - raiwidgets validation raises many types
        raise DashboardError(
            f"raiwidgets could not prepare the dashboard data: {type(err).__name__}: {err}"
        ) from err
    dashboard_id = uuid.uuid4().hex
    model_data = json.dumps(board.dashboard_input, default=serialize_json_safe)
    page = _index_html(dashboard_id).replace('"__rai_model_data__"', f"`{model_data}`")
    app = Flask(f"rai_toolkit_dashboard_{dashboard_id}")
    allowed_hosts = {f"{name}:{port}" for name in _LOOPBACK_NAMES}

    def config_for(base_url: str) -> dict[str, Any]:
        return {
            "dashboardType": "ResponsibleAI",
            "id": dashboard_id,
            "baseUrl": base_url,
            "withCredentials": False,
            "locale": None,
            "featureFlights": None,
        }

    @app.before_request
    def same_origin_only() -> None:
        if loopback and request.host not in allowed_hosts:
            abort(403)  # DNS rebinding: a foreign name resolving to 127.0.0.1
        origin = request.headers.get("Origin")
        if origin is not None and origin != request.host_url.rstrip("/"):
            abort(403)  # another site's script

    @app.get("/")
    def index() -> Any:
        base = request.host_url.rstrip("/")
        body = page.replace('"__rai_config__"', f"`{json.dumps(config_for(base))}`")
        return Response(body, mimetype="text/html")

    @app.post("/config")
    def config() -> Any:
        return jsonify({"data": config_for(request.host_url.rstrip("/"))})

    @app.post("/model_data")
    def get_model_data() -> Any:
        return Response(f'{{"data": {model_data}}}', mimetype="application/json")

    @app.get("/widget/favicon.ico")
    def favicon() -> Any:
        from raiwidgets.dashboard import Dashboard

        return send_file(Dashboard.get_widget_path("favicon.ico"))

    @app.post("/importances")
    def importances() -> Any:
        return jsonify(board.importances())

    def handler(method: str):
        def view() -> Any:
            return jsonify(getattr(board, method)(request.get_json(force=True)))

        view.__name__ = method
        return view

    for route, method in _ROUTES.items():
        app.add_url_rule(route, endpoint=method, view_func=handler(method), methods=["POST"])
    return app


def launch_dashboard(
    insights: Any,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    allow_remote: bool = False,
) -> DashboardURL:
    """Serve the Responsible AI dashboard in a background thread and return its URL.

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

    Returns
    -------
    DashboardURL
        The URL (a ``str``); call ``.stop()`` on it to shut the server down.
        The server runs in a daemon thread, so it ends with the Python process.

    Raises
    ------
    ArgumentError
        Non-loopback ``host`` without ``allow_remote=True``, or a bad ``port``.
    DashboardError
        The address or port cannot be opened.

    Warns
    -----
    SecurityWarning
        When serving on a non-loopback address.

    Examples
    --------
    >>> url = launch_dashboard(insights)  # doctest: +SKIP
    >>> url.stop()  # doctest: +SKIP
    """
    from rai_toolkit.dashboard._insights import Insights
    from rai_toolkit.dashboard._persistence import load_insights

    if not isinstance(host, str) or not host:
        raise ArgumentError(f"`host` must be a host name or IP address; received {host!r}.")
    loopback = is_loopback(host)
    if not loopback and not allow_remote:
        raise ArgumentError(
            f"host={host!r} is not a loopback address: the dashboard has no authentication "
            f"and answers model predictions for anyone who can reach it. Use "
            f"host='127.0.0.1' (then e.g. an SSH tunnel), or pass allow_remote=True to serve "
            f"on {host!r} anyway."
        )
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535
    ):
        raise ArgumentError(f"`port` must be an int between 0 and 65535; received {port!r}.")
    if isinstance(insights, str | os.PathLike):
        insights = load_insights(Path(insights))
    if not isinstance(insights, Insights):
        raise ArgumentError(
            f"`insights` must be an Insights object or the path of a folder written by "
            f"save_insights; received {type(insights).__name__}."
        )

    from werkzeug.serving import WSGIRequestHandler, make_server

    class _QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    bind = "127.0.0.1" if host == "localhost" else host.strip("[]")
    # Bind the socket here: werkzeug's make_server prints a bind failure to stderr
    # and raises SystemExit(1), losing the cause. Given the bound socket (fd=) it
    # only wraps it.
    sock = _bind_socket(host, bind, port)
    try:
        probe = make_server(
            bind,
            sock.getsockname()[1],
            _NotReady(),
            threaded=True,
            request_handler=_QuietHandler,
            fd=sock.fileno(),
        )
    finally:
        sock.close()  # werkzeug keeps its own duplicate of the descriptor
    chosen = probe.port
    app = _build_app(insights, loopback=loopback, port=chosen)
    probe.app = app  # same socket, now serving the dashboard
    shown = f"[{bind}]" if ":" in bind else bind
    url = DashboardURL(f"http://{shown}:{chosen}/")
    url.host, url.port, url._server = bind, chosen, probe
    url._thread = threading.Thread(
        target=probe.serve_forever, name=f"rai-dashboard-{chosen}", daemon=True
    )
    url._thread.start()
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
            f"Cannot open {where} for the dashboard: {cause}. {fix} {_REPORT_HINT}"
        ) from err
    return sock


class _NotReady:
    """WSGI app answering 503 until the dashboard app replaces it."""

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"dashboard starting"]
