"""Column transformers: every column kind to float32 blocks a network learns, and back."""

from tabgan.transformers.base import ColumnTransformer
from tabgan.transformers.continuous import ContinuousEncoder, NumericalTransformer
from tabgan.transformers.datetime import DatetimeTransformer
from tabgan.transformers.derived import DerivedTransformer
from tabgan.transformers.discrete import BooleanTransformer, CategoricalTransformer
from tabgan.transformers.layout import Layout, Span
from tabgan.transformers.linear import LinearTransformer
from tabgan.transformers.simple import ConstantTransformer, IdTransformer
from tabgan.transformers.table import TableTransformer

__all__ = [
    "BooleanTransformer",
    "CategoricalTransformer",
    "ColumnTransformer",
    "ConstantTransformer",
    "ContinuousEncoder",
    "DatetimeTransformer",
    "DerivedTransformer",
    "IdTransformer",
    "Layout",
    "LinearTransformer",
    "NumericalTransformer",
    "Span",
    "TableTransformer",
]
