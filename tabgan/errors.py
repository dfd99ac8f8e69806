"""The exceptions tabgan raises.

Every error a user can cause is a ``TabganError`` and also subclasses the builtin a user would
already catch, so ``except ValueError`` keeps working::

    TabganError
    ├── DataError(ValueError)            the input table cannot be used as given
    │   └── ColumnError                  ... because of one named column
    ├── ParameterError(ValueError)       a constructor or method argument is out of range
    ├── NotFittedError(ValueError, AttributeError)
    ├── ConditionError(ValueError)       a conditional-sampling request names no value the model has
    │   └── ConditionUnmetError          ... or the model rarely generates it: the budget ran out
    ├── ModelFileError(ValueError)       a saved model is missing, corrupted or unsafe
    └── TrainingError(RuntimeError)      training diverged (NaN or inf losses)

Messages are one line and name the column, parameter or value at fault.
"""

from __future__ import annotations

__all__ = [
    "ColumnError",
    "ConditionError",
    "ConditionUnmetError",
    "DataError",
    "ModelFileError",
    "NotFittedError",
    "ParameterError",
    "TabganError",
    "TrainingError",
]


class TabganError(Exception):
    """Root of every error tabgan raises on purpose."""


class DataError(TabganError, ValueError):
    """The input table cannot be used as given."""


class ColumnError(DataError):
    """One named column of the input cannot be used as given."""

    def __init__(self, column: object, problem: str) -> None:
        self.column = column
        self.problem = problem
        super().__init__(f"column {column!r}: {problem}")


class ParameterError(TabganError, ValueError):
    """A parameter is out of its allowed range or of the wrong type."""


class NotFittedError(TabganError, ValueError, AttributeError):
    """A method that needs a fitted object was called before ``fit``."""


class ConditionError(TabganError, ValueError):
    """A conditional-sampling request names an unknown column or value, or cannot be met."""


class ConditionUnmetError(ConditionError):
    """Sampling by rejection spent its budget before enough generated rows met the conditions:
    the request is valid, the model rarely produces it."""


class ModelFileError(TabganError, ValueError):
    """A saved model is missing, corrupted, of an unknown format, or carries executable content."""


class TrainingError(TabganError, RuntimeError):
    """Training diverged: losses became NaN or infinite."""
