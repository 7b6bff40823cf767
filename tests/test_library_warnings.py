"""What a caller sees of warnings is ours: library noise is dropped or passed on labelled."""

from __future__ import annotations

import os
import sys
import threading
import warnings

import numpy as np
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import rai_toolkit as rai
from rai_toolkit._api import public
from rai_toolkit.exceptions import LibraryWarning, RaiToolkitWarning, SmallGroupWarning

LIBRARY_FILE = os.path.join(sys.prefix, "lib", "site-packages", "somelib", "core.py")


@pytest.fixture(scope="module")
def adult():
    ds = rai.load_adult()
    frame = ds.frame.sample(1500, random_state=0)
    X = frame.drop(columns=ds.target)
    encoder = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), list(ds.categorical_features)),
        remainder="passthrough",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the caller's own fit may warn; not under test
        logistic = make_pipeline(encoder, LogisticRegression(max_iter=200)).fit(X, frame["income"])
        forest = make_pipeline(
            encoder, RandomForestClassifier(n_estimators=10, random_state=0)
        ).fit(X, frame["income"])
    return frame, logistic, forest


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught


@pytest.mark.parametrize(
    "call",
    [
        lambda f, lr, rf: rai.analyze_fairness(lr, f, target="income", sensitive_features="sex",
                                               n_boot=100, random_state=0),
        # the first SHAP call imports shap, which warns on the oldest stack
        lambda f, lr, rf: rai.explain_model(rf, f.iloc[:100], target="income", random_state=0),
        lambda f, lr, rf: rai.explain_model(lr, f.iloc[:100], target="income", random_state=0),
        # pandas 1.5 calls numpy's deprecated find_common_type here on the oldest stack
        lambda f, lr, rf: rai.assess(lr, f, target="income", sensitive_features=["sex"],
                                     train=f, n_boot=100, random_state=0, max_explain_rows=200),
    ],
)
def test_a_typical_call_emits_only_rai_toolkit_warnings(adult, call):
    caught = _caught(lambda: call(*adult))
    # nothing from the libraries: neither raw nor passed on as a LibraryWarning
    foreign = [(w.category.__name__, str(w.message)[:120]) for w in caught
               if not issubclass(w.category, RaiToolkitWarning)
               or issubclass(w.category, LibraryWarning)]
    assert foreign == []
    # our own warnings still arrive, pointing at the caller's line
    for w in caught:
        assert w.filename == __file__


def _emit(*records):
    @public
    def entry():
        """Emit warnings as if from inside a rai_toolkit call.

        Parameters
        ----------
        None
        """
        for message, category, filename in records:
            warnings.warn_explicit(message, category, filename, 1, module="somelib.core")

    return entry


def test_library_deprecations_are_dropped_other_library_warnings_are_labelled():
    entry = _emit(
        ("np.find_common_type is deprecated", DeprecationWarning, LIBRARY_FILE),
        ("will change in 2.0", FutureWarning, LIBRARY_FILE),
        ("solver did not converge", UserWarning, LIBRARY_FILE),
        ("solver did not converge", UserWarning, LIBRARY_FILE),
        ("X does not have valid feature names, but LGBMClassifier was fitted with feature "
         "names", UserWarning, LIBRARY_FILE),
    )
    caught = _caught(entry)
    assert [w.category for w in caught] == [LibraryWarning]  # deduplicated
    routed = caught[0].message
    assert str(routed) == "somelib (UserWarning): solver did not converge"
    assert routed.source == "somelib" and routed.original_category == "UserWarning"
    assert caught[0].filename == __file__


def test_library_warning_classes_keep_their_package_name():
    from sklearn.exceptions import ConvergenceWarning

    caught = _caught(_emit(("lbfgs failed", ConvergenceWarning, LIBRARY_FILE)))
    assert str(caught[0].message) == "sklearn (ConvergenceWarning): lbfgs failed"
    assert caught[0].message.source == "sklearn"


def test_our_warnings_and_the_callers_own_pass_unchanged():
    caller_file = __file__  # e.g. a warning raised by the caller's own model class
    entry = _emit(
        ("3 groups are small", SmallGroupWarning, rai.__file__),
        ("my model is odd", UserWarning, caller_file),
        ("my API is old", DeprecationWarning, caller_file),
    )
    caught = _caught(entry)
    assert [(w.category, str(w.message)) for w in caught] == [
        (SmallGroupWarning, "3 groups are small"),
        (UserWarning, "my model is odd"),
        (DeprecationWarning, "my API is old"),
    ]


def test_numeric_noise_of_our_own_code_is_dropped_and_filters_still_apply():
    package_file = os.path.join(os.path.dirname(rai.__file__), "fairness", "_metrics.py")
    entry = _emit(
        ("invalid value encountered in divide", RuntimeWarning, package_file),
        ("2 groups are small", SmallGroupWarning, package_file),
    )
    assert [w.category for w in _caught(entry)] == [SmallGroupWarning]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", SmallGroupWarning)
        entry()
    assert caught == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallGroupWarning)
        with pytest.raises(SmallGroupWarning, match="2 groups are small"):
            entry()


def test_warnings_are_passed_on_when_the_call_fails():
    @public
    def failing():
        """Fail after warning.

        Parameters
        ----------
        None
        """
        warnings.warn("before the error", SmallGroupWarning, stacklevel=2)
        raise ValueError("boom")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="boom"):
            failing()
    assert [str(w.message) for w in caught] == ["before the error"]


def _recorded_around(threads, *, timeout: float, after: type[Warning]):
    """Run ``threads`` under the caller's recorder and own filter; what the caller got.

    After the threads, the caller warns once with ``after`` and once with a text
    its filter ignores, so that the result shows whether the caller's recorder
    and filters are still in force.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="still ignored")  # the user's own filter
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout)
        warnings.warn("after the calls", after, stacklevel=1)
        warnings.warn("still ignored", UserWarning, stacklevel=1)
    return caught


def _overlapping_calls(first_done: threading.Event, second_in: threading.Event):
    """Two public calls in two threads: the first enters, the second enters, the first returns."""
    first_in = threading.Event()

    @public
    def first():
        """Return once the second call has started.

        Parameters
        ----------
        None
        """
        warnings.warn_explicit("first is deprecated", DeprecationWarning, LIBRARY_FILE, 1)
        first_in.set()
        assert second_in.wait(10)
        warnings.warn("first: 2 groups are small", SmallGroupWarning, stacklevel=2)

    @public
    def second():
        """Warn after the first call has returned.

        Parameters
        ----------
        None
        """
        assert first_in.wait(10)
        second_in.set()
        assert first_done.wait(10)
        warnings.warn_explicit("second is deprecated", DeprecationWarning, LIBRARY_FILE, 1)
        warnings.warn_explicit("second did not converge", UserWarning, LIBRARY_FILE, 1)
        warnings.warn("second: 3 groups are small", SmallGroupWarning, stacklevel=2)

    def run_first():
        try:
            first()
        finally:
            first_done.set()

    return run_first, second


def test_concurrent_calls_in_threads_route_each_others_warnings_and_restore_nothing_wrongly():
    first_done, second_in = threading.Event(), threading.Event()
    run_first, second = _overlapping_calls(first_done, second_in)
    threads = [threading.Thread(target=run_first), threading.Thread(target=second)]
    caught = _recorded_around(threads, timeout=20, after=RuntimeWarning)
    got = sorted((w.category.__name__, str(w.message)) for w in caught)
    assert got == [
        ("LibraryWarning", "somelib (UserWarning): second did not converge"),
        ("RuntimeWarning", "after the calls"),
        ("SmallGroupWarning", "first: 2 groups are small"),
        ("SmallGroupWarning", "second: 3 groups are small"),
    ]


def _record_while_another_thread_holds(hold, warn_here):
    """Run ``hold(inside, release)`` in a thread; once it is inside, call ``warn_here`` here.

    Returns what this thread's recorder got.
    """
    inside, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=hold, args=(inside, release))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread.start()
        assert inside.wait(10)
        warn_here()
        release.set()
        thread.join(20)
    return caught


def test_a_call_in_another_thread_does_not_collect_the_callers_warnings():
    @public
    def waiting(inside, release):
        """Wait inside a call.

        Parameters
        ----------
        inside, release : threading.Event
            Set on entry; awaited before returning.
        """
        inside.set()
        assert release.wait(10)

    # not in a rai_toolkit call: the user's recorder gets it, as raised
    caught = _record_while_another_thread_holds(
        waiting,
        lambda: warnings.warn_explicit("a library's notice", DeprecationWarning, LIBRARY_FILE, 1),
    )
    assert [(w.category, str(w.message), w.filename) for w in caught] == [
        (DeprecationWarning, "a library's notice", LIBRARY_FILE)
    ]


class _Overlap:
    """Two calls in threads "first" and "second" that overlap inside the model.

    The model calls :meth:`meet` (once per thread, where the library holds its
    warning state). "second" starts once "first" is there, and "first" waits
    there until "second" arrives; "second" then waits until the whole call of
    "first" has returned: the calls enter in one order and leave in the same order.
    """

    def __init__(self):
        self.first_in, self.second_in = threading.Event(), threading.Event()
        self.first_done = threading.Event()
        self.met = set()

    def meet(self):
        name = threading.current_thread().name
        if name in self.met:
            return False
        self.met.add(name)
        if name == "first":
            self.first_in.set()
            assert self.second_in.wait(60)
        else:
            self.second_in.set()
            assert self.first_in.wait(60) and self.first_done.wait(60)
        return True

    def run(self, calls):
        """Run ``calls["first"]`` and ``calls["second"]`` in their threads.

        Returns what each returned, what each raised, and what the caller's
        recorder got, including a warning the caller raises after the calls.
        """
        results, errors = {}, []

        def work(name):
            try:
                if name == "second":
                    assert self.first_in.wait(60)
                results[name] = calls[name]()
            except Exception as err:  # noqa: BLE001 - reported by the test
                errors.append(err)
            finally:
                if name == "first":
                    self.first_done.set()

        threads = [threading.Thread(target=work, args=(n,), name=n) for n in calls]
        caught = _recorded_around(threads, timeout=300, after=UserWarning)
        return results, errors, caught


def _biased(n=400, **kwargs):
    ds = rai.make_biased_classification(n, random_state=0, **kwargs)
    features = [c for c in ds.frame.columns if c not in (ds.target, "group")]
    return ds, features


def test_assess_in_two_threads_whose_calls_overlap_leaks_no_library_noise():
    overlap = _Overlap()

    class NoisyLibraryModel(LogisticRegression):
        """Predicting, "second" raises a library's notice after "first" has returned."""

        def predict(self, X):
            if overlap.meet() and threading.current_thread().name == "second":
                warnings.warn_explicit("old API", FutureWarning, LIBRARY_FILE, 1)
            return super().predict(X)

    ds, features = _biased()
    model = NoisyLibraryModel().fit(ds.frame[features], ds.frame[ds.target])

    def call():
        return rai.assess(model, ds.frame, target=ds.target, sensitive_features="group",
                          n_boot=0, explain=False, privacy=False, robustness=False)

    _, errors, caught = overlap.run({"first": call, "second": call})
    assert errors == []
    assert [str(w.message) for w in caught if w.category is not SmallGroupWarning] == [
        "after the calls"
    ]


def test_analyze_fairness_in_two_threads_gives_each_caller_its_own_warnings():
    overlap = _Overlap()

    class MeetingModel(LogisticRegression):
        def predict(self, X):
            overlap.meet()  # inside the validation of the data, which records warnings
            warnings.warn_explicit("old API", DeprecationWarning, LIBRARY_FILE, 1)
            return super().predict(X)

    ds, features = _biased(group_proportion=0.05)  # group b: 20 rows
    model = MeetingModel().fit(ds.frame[features], ds.frame[ds.target])

    def call(min_group_size):
        return lambda: rai.analyze_fairness(model, ds.frame, target=ds.target,
                                            sensitive_features="group", n_boot=0,
                                            min_group_size=min_group_size)

    results, errors, caught = overlap.run({"first": call(30), "second": call(25)})
    assert errors == []
    got = sorted((w.category.__name__, str(w.message).split(":")[0]) for w in caught)
    assert got == [
        ("SmallGroupWarning", "1 group(s) of group have fewer than min_group_size=25 rows"),
        ("SmallGroupWarning", "1 group(s) of group have fewer than min_group_size=30 rows"),
        ("UserWarning", "after the calls"),
    ]
    # each report records its own warning
    for name, size in (("first", 30), ("second", 25)):
        small = [w.message for w in results[name].warning_records
                 if w.category == "SmallGroupWarning"]
        assert len(small) == 1 and f"min_group_size={size} " in small[0]


def test_explain_model_in_two_threads_leaves_the_callers_filters_in_force():
    from sklearn.neighbors import KNeighborsClassifier

    overlap = _Overlap()
    n_rows = 12

    class MeetingModel(KNeighborsClassifier):
        def predict_proba(self, X):
            # the kernel explainer evaluating its 10 background rows, where the library ignores
            # warnings (its sampling holds numpy's global generator, one thread at a time)
            if len(X) == 10:
                overlap.meet()
            return super().predict_proba(X)

    ds, features = _biased(60, n_features=2)
    model = MeetingModel(n_neighbors=3).fit(ds.frame[features], ds.frame[ds.target])

    def call():
        return rai.explain_model(model, ds.frame.iloc[:n_rows], target=ds.target,
                                 features=features, method="kernel", max_background=10,
                                 random_state=0)

    results, errors, caught = overlap.run({"first": call, "second": call})
    assert errors == []
    assert [str(w.message) for w in caught] == ["after the calls"]
    np.testing.assert_allclose(results["first"].values, results["second"].values)


def test_a_models_own_warning_reaches_the_caller_as_the_model_raised_it():
    class ChattyModel(LogisticRegression):
        def predict(self, X):
            warnings.warn("from my model", UserWarning, stacklevel=1)
            return super().predict(X)

    ds, features = _biased()
    model = ChattyModel().fit(ds.frame[features], ds.frame[ds.target])
    caught = _caught(lambda: rai.analyze_fairness(model, ds.frame, target=ds.target,
                                                  sensitive_features="group", n_boot=0))
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, "from my model")]
    assert caught[0].filename == __file__


def test_code_inside_a_call_that_records_warnings_itself_gets_them():
    inner = []

    @public
    def entry():
        """Record warnings inside the call, as a model's own code may.

        Parameters
        ----------
        None
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn_explicit("inner notice", UserWarning, LIBRARY_FILE, 1)
        inner.extend(str(w.message) for w in caught)
        warnings.warn_explicit("outer notice", UserWarning, LIBRARY_FILE, 1)

    assert [str(w.message) for w in _caught(entry)] == ["somelib (UserWarning): outer notice"]
    assert inner == ["inner notice"]


def test_ignoring_drops_only_its_own_threads_warnings_of_that_kind():
    from rai_toolkit._warnings import ignoring

    def quiet(inside, release):
        with ignoring(UserWarning, message="solver"):
            warnings.warn_explicit("solver did not converge", UserWarning, LIBRARY_FILE, 1)
            warnings.warn_explicit("something else", UserWarning, LIBRARY_FILE, 2)
            inside.set()
            assert release.wait(10)

    # this thread is not ignoring anything
    caught = _record_while_another_thread_holds(
        quiet,
        lambda: warnings.warn_explicit("solver of the main thread", UserWarning, LIBRARY_FILE, 3),
    )
    assert sorted((str(w.message), w.lineno) for w in caught) == [
        ("solver of the main thread", 3),
        ("something else", 2),  # raised again from where it was raised
    ]


def test_ignoring_passes_the_other_warnings_on_when_the_block_fails():
    from rai_toolkit._warnings import ignoring

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="boom"), ignoring(RuntimeWarning):
            warnings.warn_explicit("kept", UserWarning, LIBRARY_FILE, 1)
            warnings.warn_explicit("dropped", RuntimeWarning, LIBRARY_FILE, 1)
            raise ValueError("boom")
    assert [str(w.message) for w in caught] == ["kept"]
