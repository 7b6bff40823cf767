"""The scalar validators of the core, and that every public function uses them alike."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import rai_toolkit as rai
from rai_toolkit import _scalars
from rai_toolkit._scalars import (
    MAX_SEED,
    as_generator,
    as_seed,
    check_bool,
    check_choice,
    check_fraction,
    check_int,
    check_mapping,
    check_memory,
    check_names,
    check_progress,
    check_random_state,
    check_real,
    check_text,
    describe,
)
from rai_toolkit.exceptions import ArgumentError

SEED_MESSAGE = re.escape(
    "random_state must be None, a non-negative integer below 2**32, a numpy.random.Generator "
    "or a numpy.random.RandomState; received "
)


# ---------------------------------------------------------------- check_int
@pytest.mark.parametrize("value", [0, 5, np.int64(7), np.uint8(3)])
def test_check_int_accepts_integers_in_range(value):
    assert check_int(value, argument="n", low=0, high=10) == int(value)
    assert type(check_int(value, argument="n", low=0)) is int


@pytest.mark.parametrize(
    ("value", "shown"),
    [(True, "True"), (5.0, "5.0"), ("5", "'5'"), (None, "None"), ([5], "a list"),
     (-1, "-1"), (11, "11"), (np.float64(2.0), "2.0")],
)
def test_check_int_refuses_bools_floats_and_out_of_range(value, shown):
    with pytest.raises(ArgumentError, match=re.escape(
        f"n must be an integer in [0, 10]; received {shown}. Fix it."
    )) as info:
        check_int(value, argument="n", low=0, high=10, hint="Fix it.")
    assert info.value.argument == "n"


def test_check_int_none_and_wording():
    assert check_int(None, argument="n", allow_none=True) is None
    with pytest.raises(ArgumentError, match=r"n must be an integer >= 1 or None; received 0\."):
        check_int(0, argument="n", low=1, allow_none=True)
    with pytest.raises(ArgumentError, match=r"n must be an integer <= 3; received 4\."):
        check_int(4, argument="n", high=3)
    with pytest.raises(ArgumentError, match=r"n must be 0 or >= 100; received 50\."):
        check_int(50, argument="n", low=100, expected="0 or >= 100")



def test_check_int_and_check_real_word_their_ranges_alike():
    # one range wording serves both; integer bounds are written in full, never as 1e+07
    with pytest.raises(ArgumentError, match=r"n must be an integer; received 'x'\."):
        check_int("x", argument="n")
    with pytest.raises(ArgumentError, match=re.escape(
        "n must be an integer in [-10000000, 10000000]; received 20000000."
    )):
        check_int(20_000_000, argument="n", low=-10_000_000, high=10_000_000)
    with pytest.raises(ArgumentError, match=re.escape("x must be in (0, 2]; received 3.")):
        check_real(3, argument="x", low=0, high=2, low_open=True)
    with pytest.raises(ArgumentError, match=re.escape(
        "x must be in [0, 1e+07); received 10000000.0."
    )):
        check_real(1e7, argument="x", low=0, high=1e7, high_open=True)
    with pytest.raises(ArgumentError, match=r"x must be < 1; received 2\."):
        check_real(2, argument="x", high=1, high_open=True)

# ---------------------------------------------------------------- check_real / fraction
def test_check_real_and_fraction():
    assert check_real(np.float32(0.5), argument="x", low=0.0) == 0.5
    assert check_fraction(1, argument="p", inclusive=True) == 1.0
    with pytest.raises(ArgumentError, match=r"p must be in \(0, 1\); received 1\."):
        check_fraction(1, argument="p")
    with pytest.raises(ArgumentError, match=r"x must be > 0; received 0\."):
        check_real(0, argument="x", low=0.0, low_open=True)
    for bad, shown in [(float("nan"), "nan"), (float("inf"), "inf"), (True, "True"), ("1", "'1'")]:
        with pytest.raises(ArgumentError, match=re.escape(
            f"x must be a finite real number >= 0; received {shown}."
        )):
            check_real(bad, argument="x", low=0.0)


# ---------------------------------------------------------------- check_choice / bool / text
def test_check_choice_suggests_the_closest_option():
    assert check_choice(np.str_("tree"), argument="method", choices=("auto", "tree")) == "tree"
    assert type(check_choice(np.str_("tree"), argument="m", choices=("tree",))) is str
    with pytest.raises(ArgumentError, match=r"method='tre' is not valid; choose one of 'auto', "
                       r"'tree'\. Did you mean 'tree'\?"):
        check_choice("tre", argument="method", choices=("auto", "tree"))
    with pytest.raises(ArgumentError, match=r"method=a list is not valid"):
        check_choice(["tree"], argument="method", choices=("auto", "tree"))
    with pytest.raises(ArgumentError, match=r"k=True is not valid"):
        check_choice(True, argument="k", choices=(1, 2))


# ---------------------------------------------------------------- check_names
def test_check_names_returns_the_valid_names_in_the_order_given():
    allowed = ("explainer", "causal", 0)
    assert check_names(["causal", np.str_("explainer")], argument="c", allowed=allowed) == [
        "causal", "explainer"]
    assert type(check_names([np.str_("causal")], argument="c", allowed=allowed)[0]) is str
    assert check_names({"causal": 1}, argument="c", allowed=allowed) == ["causal"]  # a dict's keys
    assert check_names("causal", argument="c", allowed=allowed) == ["causal"]  # one str: one name
    assert check_names([], argument="c", allowed=allowed) == []


def test_check_names_refuses_one_unknown_name_with_the_closest_valid_one():
    with pytest.raises(ArgumentError) as info:
        check_names(["explainer", "casual"], argument="components",
                    allowed=("explainer", "causal"), what="the dashboard components")
    assert str(info.value) == (
        "components names 'casual', which is not among the dashboard components: 'explainer', "
        "'causal'. Did you mean 'causal'? Correct that name or leave it out.")
    assert info.value.argument == "components"


def test_check_names_refuses_every_unknown_name_at_once():
    with pytest.raises(ArgumentError) as info:
        check_names(["sexx", "zip", "zip", "agee", 3], argument="bins", allowed=["age", "sex"],
                    what="sensitive_features", hint="Bin only sensitive features.")
    assert str(info.value) == (
        "bins names 'sexx', 'zip', 'agee', 3, which are not among sensitive_features: 'age', "
        "'sex'. Did you mean 'sex' for 'sexx', 'age' for 'agee'? Bin only sensitive features.")
    assert info.value.argument == "bins"


def test_check_names_matches_like_check_choice():
    # a str never matches an int column, True never matches 1
    with pytest.raises(ArgumentError, match=r"x names '1', True, which are not among the valid "
                       r"names: 1, 2\. Correct those names or leave them out\.$"):
        check_names(["1", True, 2], argument="x", allowed=[1, 2])
    assert check_names([1.0, (1, "a")], argument="x", allowed=[(1, "a"), 1]) == [1, (1, "a")]


def test_check_names_lists_at_most_thirty_valid_names():
    allowed = [f"c{i}" for i in range(45)]
    with pytest.raises(ArgumentError, match=r"'c29', \.\.\. \(15 more\)\. Did you mean 'c4'\?"):
        check_names(["c4x"], argument="x", allowed=allowed)


@pytest.mark.parametrize("bad", [["age"], {"a": 1}, np.array(["age"]), pd.Series(["age"])])
def test_check_names_refuses_an_unhashable_name_with_an_argument_error(bad):
    with pytest.raises(ArgumentError, match=r"^bins holds an? \w+.*, which cannot be a name; "
                       r"names are hashable values such as a str or an int\.") as info:
        check_names(["age", bad], argument="bins", allowed=frozenset({"age", "sex"}))
    assert info.value.argument == "bins"
    assert not isinstance(info.value, TypeError)


@pytest.mark.parametrize("value", ["yes", 1, None, "False"])
def test_check_bool_refuses_truthy_values(value):
    with pytest.raises(ArgumentError, match=r"flag must be True or False; received "):
        check_bool(value, argument="flag")
    assert check_bool(np.bool_(True), argument="flag") is True


def test_check_text_and_mapping():
    assert check_text(None, argument="title") is None
    with pytest.raises(ArgumentError, match=r"title must be a str or None; received 3\."):
        check_text(3, argument="title")
    assert check_mapping({"a": 1}, argument="bins") == {"a": 1}
    with pytest.raises(ArgumentError, match=r"bins must be a dict or None; received 4\. Pass e"):
        check_mapping(4, argument="bins", hint="Pass e.g. bins={'age': 4}.")


def test_describe_never_dumps_a_large_object():
    assert describe(pd.DataFrame({"a": range(1000)})) == "a pandas DataFrame"
    assert describe(np.zeros((2, 3))) == "a numpy array of shape (2, 3)"
    assert describe(object()) == "an object"
    assert len(describe("x" * 500)) == 80


# ---------------------------------------------------------------- seeds
def test_seed_kinds_accepted_on_every_numpy():
    assert check_random_state(None) is None
    assert check_random_state(np.int32(3)) == 3
    assert check_random_state(MAX_SEED) == MAX_SEED
    gen = np.random.default_rng(0)
    assert as_generator(gen) is gen
    # an int gives the same stream as numpy's own default_rng
    assert as_generator(5).random() == np.random.default_rng(5).random()
    # a RandomState (which numpy < 2 cannot turn into a Generator) seeds one reproducibly
    a = as_generator(np.random.RandomState(1)).random()
    b = as_generator(np.random.RandomState(1)).random()
    assert a == b
    assert as_seed(None) is None and as_seed(7) == 7
    assert 0 <= as_seed(np.random.default_rng(0)) <= MAX_SEED
    assert as_seed(np.random.RandomState(2)) == as_seed(np.random.RandomState(2))


@pytest.mark.parametrize("value", ["abc", 1.5, -1, MAX_SEED + 1, True, [1, 2], object()])
def test_bad_seeds(value):
    with pytest.raises(ArgumentError, match=SEED_MESSAGE) as info:
        check_random_state(value)
    assert info.value.argument == "random_state"


# ---------------------------------------------------------------- progress
def test_progress_has_one_meaning(capsys):
    check_progress(None)("quiet")
    check_progress(False)("quiet")
    check_progress(True)("fairness")
    assert capsys.readouterr().err == "[rai_toolkit] fairness\n"
    seen = []
    check_progress(seen.append)("step")
    assert seen == ["step"]
    for bad in ("yes", 1, str):
        with pytest.raises(ArgumentError, match=r"progress must be True \(print each step to "
                           r"stderr\), False or None \(silent\), or a callable"):
            check_progress(bad)


# ---------------------------------------------------------------- memory
def test_memory_estimate_refuses_before_allocating(monkeypatch):
    monkeypatch.setattr(_scalars, "memory_limit", lambda: 2**30)
    check_memory(2**29, argument="n", what="x", fix="y")
    with pytest.raises(ArgumentError, match=r"Work would need about 2\.0 GiB of memory, more "
                       r"than the 1\.0 GiB one call may use \(50% of this machine's memory\)\. "
                       r"Use less\.") as info:
        check_memory(2**31, argument="n_boot", what="Work", fix="Use less.")
    assert info.value.argument == "n_boot"


def test_memory_limit_is_half_the_physical_memory():
    import os

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert _scalars.memory_limit() == int(total * 0.5)


# ---------------------------------------------------------------- every public function alike
@pytest.fixture(scope="module")
def small():
    ds = rai.make_biased_classification(300, label_bias=0.3, random_state=0)
    frame = ds.frame
    cols = ["x0", "x1", "x2", "x3", "x4", "proxy"]
    model = LogisticRegression().fit(frame[cols], frame["y"])
    return frame, model


def _entry_points(frame, model):
    half = len(frame) // 2
    return {
        "analyze_fairness": lambda rs: rai.analyze_fairness(
            model, frame, target="y", sensitive_features="group", n_boot=100, random_state=rs),
        "explain_model": lambda rs: rai.explain_model(
            model, frame.iloc[:20], target="y", method="permutation", random_state=rs),
        "membership_inference_risk": lambda rs: rai.membership_inference_risk(
            model, frame.iloc[:half], frame.iloc[half:], target="y", n_bootstrap=0,
            random_state=rs),
        "check_robustness": lambda rs: rai.check_robustness(
            model, frame, target="y", sensitive_features="group", n_repeats=1, random_state=rs),
        "assess": lambda rs: rai.assess(
            model, frame, target="y", sensitive_features="group", n_boot=0, explain=False,
            privacy=False, robustness=False, random_state=rs),
        "fit_glassbox": lambda rs: rai.fit_glassbox(
            frame.iloc[:120], target="y", max_rounds=3, outer_bags=1, random_state=rs),
        "check_privacy": lambda rs: rai.check_privacy(frame, random_state=rs),
        "mitigate": lambda rs: rai.mitigate(
            model, frame.iloc[:half], frame.iloc[half:], target="y", sensitive_features="group",
            n_boot=0, random_state=rs),
        "explain_disparity": lambda rs: rai.explain_disparity(
            model, frame.iloc[:40], sensitive_feature="group", target="y",
            method="permutation", random_state=rs),
        "make_biased_classification": lambda rs: rai.make_biased_classification(
            50, random_state=rs),
    }


ENTRY_POINTS = [
    "analyze_fairness", "explain_model", "membership_inference_risk", "check_robustness",
    "assess", "fit_glassbox", "check_privacy", "mitigate", "explain_disparity",
    "make_biased_classification",
]


@pytest.mark.parametrize("name", ENTRY_POINTS)
@pytest.mark.parametrize("seed", ["abc", 1.5, -1, True, [1, 2]])
def test_every_entry_point_refuses_the_same_bad_seeds(small, name, seed):
    call = _entry_points(*small)[name]
    with pytest.raises(ArgumentError, match=SEED_MESSAGE) as info:
        call(seed)
    assert info.value.argument == "random_state"


@pytest.mark.parametrize("name", ENTRY_POINTS)
@pytest.mark.filterwarnings("ignore::rai_toolkit.exceptions.SmallGroupWarning")
def test_every_entry_point_accepts_the_same_seed_kinds(small, name):
    call = _entry_points(*small)[name]
    for seed in (None, 3, np.random.default_rng(3), np.random.RandomState(3)):
        call(seed)


def test_generator_and_randomstate_are_reproducible(small):
    frame, model = small

    def auc(seed):
        res = rai.membership_inference_risk(model, frame.iloc[:150], frame.iloc[150:],
                                            target="y", n_samples=100, random_state=seed)
        return res.auc, res.auc_ci

    assert auc(np.random.default_rng(4)) == auc(np.random.default_rng(4))
    assert auc(np.random.RandomState(4)) == auc(np.random.RandomState(4))
