"""Evaluate a synthetic table against the real one: fidelity, detection, utility and privacy.

Works on plain pandas DataFrames and needs nothing else from tabgan, so it can judge the output
of any generator::

    from tabgan.evaluation import evaluate

    report = evaluate(real, synthetic, holdout=holdout, target="income", sensitive=["sex"])
    report.to_dict()["headline"]
    report.save_html("report.html")

Modules: :mod:`~tabgan.evaluation.columns` (column kinds, checks), :mod:`~.fidelity`,
:mod:`~.detection`, :mod:`~.utility`, :mod:`~.privacy` (each documents its metrics),
:mod:`~.distances` (the Gower-like distance, blocked torch nearest neighbours),
:mod:`~.settings` (sample caps and thresholds), :mod:`~.report` and :mod:`~.html`.
"""

from tabgan.evaluation.distances import distance_to_closest_record
from tabgan.evaluation.evaluate import SECTIONS, evaluate
from tabgan.evaluation.report import EvaluationReport
from tabgan.evaluation.settings import DEFAULT_THRESHOLDS, Limits, Threshold

__all__ = [  # sorted as Python sorts
    "DEFAULT_THRESHOLDS",
    "EvaluationReport",
    "Limits",
    "SECTIONS",
    "Threshold",
    "distance_to_closest_record",
    "evaluate",
]
