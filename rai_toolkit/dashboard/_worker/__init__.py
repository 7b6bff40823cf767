"""The runtime side of the dashboard: code that runs inside the isolated runtime only.

The runtime's Python 3.11 (responsibleai / raiwidgets 0.36, numpy 1.26, pandas 1.5) runs
:func:`rai_toolkit.dashboard._worker._main.main`, started by
:class:`rai_toolkit.dashboard._bridge.RuntimeProcess`. Nothing in the user's process
imports these modules, except for :func:`_compat.check_versions`, which is pure.

* ``_main``: the command loop (build insights, serve the dashboard);
* ``_proxy``: the stand-in for the user's model, asking the user's process for predictions;
* ``_compat``: every use of responsibleai / raiwidgets private members, behind one
  version guard;
* ``_dice``: counterfactuals found in the user's process, packed into dice-ml's objects;
* ``_app``: the dashboard's web app.
"""
