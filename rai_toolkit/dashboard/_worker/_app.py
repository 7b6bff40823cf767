"""The dashboard's web app: raiwidgets' front end and handlers behind safer serving rules.

raiwidgets' ``ResponsibleAIDashboard`` (through rai_core_flask 0.7.6's ``FlaskHelper``)
enables CORS for every origin and answers ``/predict`` for anyone who reaches the port.
This app reuses the dashboard's front end and request handlers
(``ResponsibleAIDashboardInput``) but

* sends no CORS headers and refuses requests whose ``Origin`` is another site (so a web
  page the user visits cannot query the model), and
* on loopback, refuses requests whose ``Host`` header is not a loopback name, which
  blocks DNS-rebinding attacks.

The listening socket is opened by the user's process (:func:`launch_dashboard`) and
inherited by this one, so it binds exactly the address asked for.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from rai_toolkit.dashboard._worker import _compat

__all__ = ["LOOPBACK_NAMES", "ROUTES", "build_app"]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")

#: Request handlers of ResponsibleAIDashboardInput, by route (tabular tasks).
ROUTES = {
    "/predict": "on_predict",
    "/tree": "debug_ml",
    "/matrix": "matrix",
    "/causal_whatif": "causal_whatif",
    "/global_causal_effects": "get_global_causal_effects",
    "/global_causal_policy": "get_global_causal_policy",
    "/get_exp": "get_exp",
}


def build_app(board: Any, *, loopback: bool, port: int) -> Any:
    """Return the Flask app serving ``board`` (a ``ResponsibleAIDashboardInput``).

    Parameters
    ----------
    board : raiwidgets.responsibleai_dashboard_input.ResponsibleAIDashboardInput
        The dashboard's data and request handlers.
    loopback : bool
        Whether the server listens on a loopback address (then foreign ``Host`` headers
        are refused).
    port : int
        The port served, for the ``Host`` check.

    Returns
    -------
    flask.Flask
        The app.
    """
    from flask import Flask, Response, abort, jsonify, request, send_file
    from raiutils.data_processing import serialize_json_safe
    from raiwidgets.dashboard import Dashboard

    dashboard_id = uuid.uuid4().hex
    model_data = json.dumps(board.dashboard_input, default=serialize_json_safe)
    page = _compat.fill_page(_compat.page_template(dashboard_id), model_data=model_data)
    app = Flask(f"rai_toolkit_dashboard_{dashboard_id}")
    allowed_hosts = {f"{name}:{port}" for name in LOOPBACK_NAMES}

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
        body = _compat.fill_page(page, config=json.dumps(config_for(base)))
        return Response(body, mimetype="text/html")

    @app.post("/config")
    def config() -> Any:
        return jsonify({"data": config_for(request.host_url.rstrip("/"))})

    @app.post("/model_data")
    def get_model_data() -> Any:
        return Response(f'{{"data": {model_data}}}', mimetype="application/json")

    @app.get("/widget/favicon.ico")
    def favicon() -> Any:
        return send_file(Dashboard.get_widget_path("favicon.ico"))

    @app.post("/importances")
    def importances() -> Any:
        return jsonify(board.importances())

    def handler(method: str):
        def view() -> Any:
            return jsonify(getattr(board, method)(request.get_json(force=True)))

        view.__name__ = method
        return view

    for route, method in ROUTES.items():
        app.add_url_rule(route, endpoint=method, view_func=handler(method), methods=["POST"])
    return app
