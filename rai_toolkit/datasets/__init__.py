"""Bundled real datasets and synthetic data with known bias.

The real datasets (UCI Adult, ProPublica COMPAS, Statlog German Credit) ship
inside the package and load without network access; see ``datasets/`` in the
repository for their datasheets and ``data/PROVENANCE.md`` for their sources.
"""

from rai_toolkit.datasets._dataset import Dataset
from rai_toolkit.datasets._loaders import (
    list_datasets,
    load_adult,
    load_compas,
    load_dataset,
    load_german_credit,
)
from rai_toolkit.datasets._synthetic import make_biased_classification

__all__ = [
    "Dataset",
    "list_datasets",
    "load_adult",
    "load_compas",
    "load_dataset",
    "load_german_credit",
    "make_biased_classification",
]
