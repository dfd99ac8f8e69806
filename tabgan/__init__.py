"""tabgan: learn a table, generate a synthetic one with the same columns, types and statistics."""

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

__all__ = sorted(
    [
        "ColumnError",
        "ConditionError",
        "DataError",
        "ModelFileError",
        "NotFittedError",
        "ParameterError",
        "TabganError",
        "TrainingError",
        "__version__",
    ]
)
