"""Data that reproduces the worked example of DCWP's final rule on Local Law 144.

6 RCNY §5-301(d), example (an AEDT scoring applicants for "culture fit"), as quoted
in issue 16:

    Sex:             Male 92 applicants, scoring rate 54.3%, impact ratio 1.00
                     Female 76, 44.7%, 0.82
    Race/ethnicity:  Hispanic or Latino 28, 64.2%, 1.00
                     White 40, 37.5%, 0.58
                     Black or African American 32, 50.0%, 0.78
                     Native Hawaiian or Pacific Islander 8, 62.5%, 0.97
                     Asian 24, 41.7%, 0.65

The rates are the fractions 50/92, 34/76, 18/28, 15/40, 16/32, 5/8 and 10/24. The five
race/ethnicity categories hold 132 of the 168 applicants; the other 36 are given an
unknown (missing) race/ethnicity here, which exercises ``.unknown``. The rule prints no
intersectional table for this example: the split by sex within each race below is ours,
chosen to add up to both printed tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

HISPANIC = "Hispanic or Latino"
WHITE = "White (Not Hispanic or Latino)"
BLACK = "Black or African American (Not Hispanic or Latino)"
NHPI = "Native Hawaiian or Pacific Islander (Not Hispanic or Latino)"
ASIAN = "Asian (Not Hispanic or Latino)"

#: race -> {sex: (applicants, scored above the median)}; None = unknown race
SPLIT = {
    HISPANIC: {"Male": (16, 11), "Female": (12, 7)},
    WHITE: {"Male": (22, 9), "Female": (18, 6)},
    BLACK: {"Male": (18, 9), "Female": (14, 7)},
    NHPI: {"Male": (4, 3), "Female": (4, 2)},
    ASIAN: {"Male": (12, 5), "Female": (12, 5)},
    None: {"Male": (20, 13), "Female": (16, 7)},
}

#: The tables as DCWP printed them: (applicants, rate in %, impact ratio)
DCWP_SEX = {"Male": (92, 54.3, 1.00), "Female": (76, 44.7, 0.82)}
DCWP_RACE = {
    HISPANIC: (28, 64.2, 1.00),
    WHITE: (40, 37.5, 0.58),
    BLACK: (32, 50.0, 0.78),
    NHPI: (8, 62.5, 0.97),
    ASIAN: (24, 41.7, 0.65),
}


def dcwp_frame(seed: int = 0) -> pd.DataFrame:
    """168 applicants with sex, race, a 0/1 ``selected`` and an equivalent ``score``.

    Selected rows score in (0.6, 1), the others in (0, 0.4), so exactly the selected
    rows (84 of 168) are strictly above the median score.
    """
    rows = []
    for race, by_sex in SPLIT.items():
        for sex, (n, k) in by_sex.items():
            rows += [(sex, race, 1)] * k + [(sex, race, 0)] * (n - k)
    frame = pd.DataFrame(rows, columns=["sex", "race", "selected"])
    rng = np.random.default_rng(seed)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    chosen = frame["selected"].to_numpy() == 1
    frame["score"] = np.where(
        chosen, rng.uniform(0.6, 1.0, len(frame)), rng.uniform(0.0, 0.4, len(frame))
    )
    frame["race"] = frame["race"].astype(object)
    return frame


@pytest.fixture(scope="session")
def dcwp():
    return dcwp_frame()


CATEGORIES = {"sex": "sex", "race_ethnicity": "race"}
