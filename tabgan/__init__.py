"""tabgan: learn a table, generate a synthetic one with the same columns, types and statistics.

    >>> import tabgan
    >>> model = tabgan.ConditionalGAN(epochs=50).fit(df)
    >>> synthetic = model.sample(1000, conditions={"sex": "Female"})
    >>> model.save("adult.tabgan"); model = tabgan.load("adult.tabgan")
"""

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

from tabgan._version import __version__
from tabgan.errors import (
    ColumnError,
    ConditionError,
    ConditionUnmetError,
    DataError,
    ModelFileError,
    NotFittedError,
    ParameterError,
    TabganError,
    TrainingError,
)

# The rest is imported on first use (PEP 562), so that ``import tabgan`` and the ``tabgan``
# command start without loading torch and scikit-learn until a model or the evaluator is needed.
_LAZY = {
    "ConditionalGAN": "tabgan.synthesizers",
    "EvaluationReport": "tabgan.evaluation",
    "Limits": "tabgan.evaluation",
    "Schema": "tabgan.schema",
    "TableTransformer": "tabgan.transformers",
    "WGANGP": "tabgan.synthesizers",
    "evaluate": "tabgan.evaluation",
    "infer_schema": "tabgan.schema",
    "load": "tabgan.synthesizers",
}

if TYPE_CHECKING:
    from tabgan.evaluation import EvaluationReport, Limits, evaluate
    from tabgan.schema import Schema, infer_schema
    from tabgan.synthesizers import WGANGP, ConditionalGAN, load
    from tabgan.transformers import TableTransformer

__all__ = [
    "ColumnError",
    "ConditionError",
    "ConditionUnmetError",
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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in {m.name for m in pkgutil.iter_modules(__path__)}:
        value = importlib.import_module(f"{__name__}.{name}")  # tabgan.evaluation.evaluate(...)
    else:
        raise AttributeError(f"module 'tabgan' has no attribute {name!r}")
    globals()[name] = value  # later lookups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
