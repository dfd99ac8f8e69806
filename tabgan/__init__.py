"""tabgan: learn a table, generate a synthetic one with the same columns, types and statistics.

    >>> import tabgan
    >>> model = tabgan.ConditionalGAN(epochs=50).fit(df)
    >>> synthetic = model.sample(1000, conditions={"sex": "Female"})
    >>> model.save("adult.tabgan"); model = tabgan.load("adult.tabgan")
"""

from tabgan._version import __version__
from tabgan.errors import (
    ColumnError,
    ConditionError,
    DataError,
    ModelFileError,
    NotFittedError,
    ParameterError,
    TabganError,
    TrainingError,
)
from tabgan.evaluation import EvaluationReport, Limits, evaluate
from tabgan.schema import Schema, infer_schema
from tabgan.synthesizers import WGANGP, ConditionalGAN, load
from tabgan.transformers import TableTransformer

__all__ = [
    "ColumnError",
    "ConditionError",
    "ConditionalGAN",
    "DataError",
    "EvaluationReport",
    "Limits",
    "ModelFileError",
    "NotFittedError",
    "ParameterError",
    "Schema",
    "TabganError",
    "TableTransformer",
    "TrainingError",
    "WGANGP",
    "__version__",
    "evaluate",
    "infer_schema",
    "load",
]
