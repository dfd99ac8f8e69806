"""The ``tabgan`` command: a thin adapter from the command line to the library.

    tabgan fit DATA -o MODEL [--engine conditional|wgan-gp] [--epochs N] [--discrete-columns a,b]
               [--warm-start MODEL]
    tabgan sample MODEL -n N -o OUT [--condition col=value ...] [--chunk-size K] [--seed S]
    tabgan evaluate REAL SYNTH [--holdout H] [--target col] [--sensitive a,b] [--report report.html]
    tabgan synth DATA -o OUT [--holdout-fraction 0.2] [--report report.html] [gate options]
    tabgan diagnose MODEL [-n N] [--seed S]

Each option maps to one library parameter and has that parameter's default (``tests/test_cli.py``
compares them with the signatures). The one deliberate difference: the CLI shows progress bars
(``verbose=True``) unless ``--quiet``.

stdout carries the command's result: the table when OUT is ``-``, JSON with ``--json``, otherwise
a short summary. Progress bars and errors go to stderr. Exit codes: 0 done, 1 a data, model or file
error, 2 a usage error (a bad option or option value), 3 a failed ``synth`` gate. Errors are one
line, ``tabgan: error: ...``; ``TABGAN_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from tabgan._version import __version__
from tabgan.errors import ConditionError, ConditionUnmetError, DataError, ModelFileError, ParameterError, TabganError
from tabgan.io import (
    FORMATS,
    STDIO,
    TableWriter,
    atomic_output,
    check_writable,
    is_file_or_new,
    local_path,
    output_format,
    output_schema,
    plain_number,
    read_table,
    read_table_and_schema,
    write_table,
)
from tabgan.schema import as_dtype, dtype_name, infer_schema

# The models and the evaluator (torch, scikit-learn: seconds to import) are imported by the
# commands that use them, so that --help, a usage error or a missing input file answer at once.
if TYPE_CHECKING:
    from tabgan.evaluation import EvaluationReport
    from tabgan.synthesizers.base import BaseSynthesizer

__all__ = ["EXIT_GATE", "GATES", "build_parser", "main"]

EXIT_ERROR, EXIT_USAGE, EXIT_GATE = 1, 2, 3
ENGINES = {"conditional": "ConditionalGAN", "wgan-gp": "WGANGP"}  # name: class in tabgan.synthesizers


# ------------------------------------------------------------------------------ option types
def _columns(text: str) -> list[str]:
    """``a,b`` -> ["a", "b"]; a name holding a comma in double quotes, as in CSV: ``"a,b",c`` ->
    ["a,b", "c"] (before 2026-12-03 such a column could not be named)."""
    try:
        fields = next(csv.reader([text], skipinitialspace=True))
    except (csv.Error, StopIteration):
        fields = text.split(",")
    names = [name.strip() for name in fields if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected column names separated by commas, got {text!r}")
    return names


def _widths(text: str) -> tuple[int, ...]:
    """``256,256`` -> (256, 256)."""
    try:
        return tuple(int(w) for w in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected layer widths like 256,256, got {text!r}"
        ) from None


def _condition(text: str) -> tuple[str, str]:
    """``col=value`` -> ("col", "value"); the value is typed later, from the model's column."""
    column, sep, value = text.partition("=")
    if not sep or not column:
        raise argparse.ArgumentTypeError(f"expected COLUMN=VALUE, got {text!r}")
    return column, value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, got {text}")
    return value


def _seed(text: str) -> int:
    """A seed: a whole number >= 0, as numpy takes it (before 2026-12-05 evaluate's and synth's
    ``--seed -1`` failed in numpy: "ValueError: expected non-negative integer", exit 1)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def _yes_no(text: str) -> bool:
    if text.lower() in ("yes", "true", "1"):
        return True
    if text.lower() in ("no", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"expected yes or no, got {text!r}")


def _number_or(word: str, value: Any, cast: Callable[[str], Any], what: str) -> Callable[[str], Any]:
    """A parser of ``cast(text)``, or of ``word`` (any case), which stands for ``value``."""

    def parse(text: str) -> Any:
        if text.lower() == word:
            return value
        try:
            return cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} or {word!r}, got {text!r}") from None

    return parse


def _comparable(text: str) -> float:
    """``float(text)``, but not NaN, which no value passes or fails: before 2026-12-05 a gate of
    ``--min-quality nan`` failed every synth after its fit, ``--max-dcr-share nan`` could pass."""
    value = float(text)
    if value != value:
        raise ValueError(text)
    return value


_gate_bound = _number_or("none", None, _comparable, "a number")  # none switches the gate off
_width_or_none = _number_or("none", None, int, "a whole number")
_epochs = _number_or("auto", "auto", int, "a whole number")


# ------------------------------------------------------------------------------ option tables
@dataclass(frozen=True)
class Option:
    """One command-line option and the library parameter it sets (``default`` is the library's)."""

    flag: str
    param: str
    type: Callable[[str], Any]
    default: Any
    help: str
    metavar: str | None = None


# Constructor parameters of ConditionalGAN and WGANGP (the same defaults in both).
MODEL_OPTIONS: tuple[Option, ...] = (
    Option("--epochs", "epochs", _epochs, "auto", "passes over the table, or 'auto' (about 7,000 steps)", "N"),
    Option(
        "--batch-size", "batch_size", int, 500, "rows per training step (a multiple of --pac)", "N"
    ),
    Option("--pac", "pac", int, 10, "rows the critic judges together", "N"),
    Option(
        "--embedding-dim", "embedding_dim", int, 128, "width of the generator's noise input", "N"
    ),
    Option(
        "--generator-dim",
        "generator_dim",
        _widths,
        (256, 256),
        "hidden widths of the generator",
        "W,W",
    ),
    Option(
        "--discriminator-dim",
        "discriminator_dim",
        _widths,
        (256, 256),
        "hidden widths of the critic",
        "W,W",
    ),
    Option(
        "--discriminator-row-dim",
        "discriminator_row_dim",
        _width_or_none,
        128,
        "width of the critic's layer shared by every row of a pack, or 'none' (CTGAN's critic)",
        "W",
    ),
    Option(
        "--max-time", "max_time", float, None,
        "stop training after this many seconds (default: no limit)", "SECONDS"
    ),
    Option(
        "--derive-columns",
        "derive_columns",
        _yes_no,
        True,
        "look up a column that is a function of a categorical column (education-num of education), "
        "and compute one that is an exact sum or scaling of numerical or date columns, instead of learning it",
        "yes|no",
    ),
    Option("--device", "device", str, "auto", "auto, cpu, cuda or cuda:N", "D"),
    Option(
        "--sampling-dtype",
        "sampling_dtype",
        str,
        "auto",
        "what the generator computes in when sampling: float32, bfloat16, or auto (bfloat16 on a "
        "CPU with AMX or AVX512-BF16)",
        "T",
    ),
    Option(
        "--seed", "random_state", _seed, None,
        "seed of the model (same seed, same model on CPU; default: a fresh seed each run)", "S"
    ),
)
# Parameters of fit(data, discrete_columns=None, metadata=None).
FIT_OPTIONS: tuple[Option, ...] = (
    Option(
        "--discrete-columns",
        "discrete_columns",
        _columns,
        None,
        "columns to model as categories (default: inferred from the table)",
        "A,B",
    ),
    Option(
        "--metadata", "metadata", str, None,
        "SDV-style metadata JSON file of column kinds (default: inferred from the table)", "FILE"
    ),
)
# Parameters of sample_chunks(n, chunk_size=..., conditions=None, random_state=None).
SAMPLE_OPTIONS: tuple[Option, ...] = (
    Option(
        "--chunk-size", "chunk_size", int, 50_000, "rows written at a time (the rows are the same for every K)", "K"
    ),
    Option(
        "--seed",
        "random_state",
        _seed,
        None,
        "seed of the rows (same seed, same rows; default: a fresh seed each run, which --json reports)",
        "S",
    ),
)
# Parameters of tabgan.load(path, device="auto").
LOAD_OPTIONS: tuple[Option, ...] = (
    Option("--device", "device", str, "auto", "device to load the model on", "D"),
)
# Sampling parameters of a loaded model, set with set_params (None: as the model was saved).
RESAMPLE_OPTIONS: tuple[Option, ...] = (
    Option("--sampling-dtype", "sampling_dtype", str, None,
           "override the model's sampling_dtype: float32, bfloat16 or auto (default: as saved)", "T"),
)
# Parameters of model.diagnose(n=20_000, random_state=0).
DIAGNOSE_OPTIONS: tuple[Option, ...] = (
    Option("-n", "n", int, 20_000, "rows generated to count categories and modes", "N"),
    Option("--seed", "random_state", _seed, 0, "seed of those rows", "S"),
)
# Parameters of tabgan.evaluation.evaluate(...).
EVALUATE_OPTIONS: tuple[Option, ...] = (
    Option("--target", "target", str, None,
           "column to predict for the utility scores (default: none, no utility scores)", "COL"),
    Option("--sensitive", "sensitive", _columns, None,
           "columns an attacker tries to infer (default: none, no attribute inference)", "A,B"),
    Option(
        "--metadata", "metadata", str, None,
        "SDV-style metadata JSON file of column kinds (default: inferred from the table)", "FILE"
    ),
    Option("--device", "device", str, "auto", "device of the distance computations", "D"),
    Option(
        "--seed", "random_state", _seed, 0, "seed of every subsample and model of the evaluation", "S"
    ),
)


class _Given(argparse.Action):
    """Store the value, and the option's dest in ``args.given`` (what the command line set, as
    opposed to defaults: a warm start changes only those parameters of the loaded model)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)
        namespace.given = {*getattr(namespace, "given", ()), self.dest}


def _add(parser: argparse.ArgumentParser, options: Sequence[Option], dest_prefix: str = "") -> None:
    for opt in options:
        shown = ",".join(map(str, opt.default)) if isinstance(opt.default, tuple) else opt.default
        if isinstance(opt.default, bool) and opt.metavar == "yes|no":  # as the option is written
            shown = "yes" if opt.default else "no"
        parser.add_argument(
            opt.flag,
            dest=dest_prefix + opt.param,
            type=opt.type,
            default=opt.default,
            action=_Given,
            metavar=opt.metavar,
            # A help text that says what its default means keeps it; no other says "None".
            help=opt.help if "default:" in opt.help else f"{opt.help} (default: {shown})",
        )


def _values(
    args: argparse.Namespace, options: Sequence[Option], dest_prefix: str = ""
) -> dict[str, Any]:
    return {opt.param: getattr(args, dest_prefix + opt.param) for opt in options}


@dataclass(frozen=True)
class Gate:
    """One check of ``synth``: the metric it reads from the report and the bound it enforces."""

    flag: str
    metric: str
    bound: str  # "max" or "min"
    default: float
    help: str
    read: Callable[[dict[str, Any]], float | None]
    # What a generator that copies nothing reads: a value past the bound whose 95% interval holds
    # it passes, said so (the rows cannot tell it from no copying; Threshold.neutral).
    neutral: float | None = None


def _headline_entry(report: dict[str, Any], metric: str) -> dict[str, Any]:
    return next((h for h in report.get("headline", []) if h["metric"] == metric), {})


def _headline_value(report: dict[str, Any], metric: str) -> float | None:
    return _headline_entry(report, metric).get("value")


def _quality(report: dict[str, Any]) -> float | None:
    """sdmetrics' overall quality score: the mean of Column Shapes and Column Pair Trends."""
    values = [
        v
        for v in (
            _headline_value(report, "column_shapes"),
            _headline_value(report, "column_pair_trends"),
        )
        if v is not None
    ]
    return float(np.mean(values)) if values else None


# Defaults: the value past which the evaluator marks the metric "fail" (the warn_at of its
# DEFAULT_THRESHOLDS entry; the lowest of the two for quality; tests/test_cli.py checks them).
GATES: tuple[Gate, ...] = (
    Gate(
        "--max-dcr-share",
        "dcr_share",
        "max",
        0.60,
        "largest DCR share: synthetic rows nearer a training row than to a holdout row, on the scale where "
        "a generator that copies nothing reads 0.5; a share past it whose 95%% interval holds 0.5 passes, "
        "said so",
        lambda r: _headline_value(r, "dcr_share"),
        neutral=0.5,
    ),
    Gate(
        "--max-exact-copy-rate",
        "exact_copy_rate",
        "max",
        0.05,
        "largest rate of synthetic rows that copy a training row, beyond the holdout's own rate",
        lambda r: _headline_value(r, "exact_copy_excess"),
    ),
    Gate(
        "--min-quality",
        "quality",
        "min",
        0.80,
        "smallest quality score (mean of sdmetrics' Column Shapes and Column Pair Trends)",
        _quality,
    ),
)


# ------------------------------------------------------------------------------ the parser
class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"tabgan: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``tabgan`` parser; each subcommand stores its runner in ``args.run``."""
    parser = _Parser(
        prog="tabgan",
        description="Learn a table and generate a synthetic one.",
        epilog="Exit codes: 0 done, 1 data/model/file error, 2 usage error, 3 synth gate failed. "
        "TABGAN_DEBUG=1 shows tracebacks.",
    )
    parser.add_argument("--version", action="version", version=f"tabgan {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    for name, (add, run, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        add(sub)
        sub.add_argument(
            "--quiet", "-q", action="store_true", help="no progress bars and no summary"
        )
        sub.add_argument(
            "--json",
            nargs="?",
            const=STDIO,
            default=None,
            metavar="PATH",
            help="write the result as JSON to PATH, or to stdout when PATH is left out or '-'",
        )
        sub.set_defaults(run=run, parser=sub)
    return parser


def _add_output(sub: argparse.ArgumentParser, what: str) -> None:
    sub.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help=f"{what}: .csv, .tsv (tabs), .csv.gz (.bz2, .xz) or .parquet, or - for stdout",
    )
    sub.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: from OUT's extension)",
    )


def _add_fit(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "data", metavar="DATA", help="table to learn: CSV (optionally .gz, .bz2, .xz or zipped) or Parquet, - for stdin"
    )
    sub.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write")
    sub.add_argument(
        "--engine",
        choices=ENGINES,
        default="conditional",
        action=_Given,
        help="conditional: ConditionalGAN, wgan-gp: WGANGP (default: conditional)",
    )
    sub.add_argument(
        "--warm-start",
        default=None,
        metavar="MODEL",
        help="continue training the model in this file (warm_start=True): its networks and column "
        "transforms go on learning DATA for --epochs more epochs; the options given here change "
        "its parameters, the others stay as it was fitted",
    )
    sub.add_argument(
        "--sampling-only",
        action="store_true",
        help="write what sampling needs only (save(training_state=False)): no critic and no optimizer "
        "moments, an eighth of the size, the form to share; such a model cannot be --warm-start-ed",
    )
    _add(sub, MODEL_OPTIONS)
    _add(sub, FIT_OPTIONS)


def _add_sample(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("model", metavar="MODEL", help="model file written by 'tabgan fit'")
    sub.add_argument("-n", "--rows", type=int, default=None, metavar="N",
                     help="rows to generate (default: the rows of --conditions)")
    _add_output(sub, "synthetic table")
    sub.add_argument(
        "--condition",
        type=_condition,
        action="append",
        default=None,
        metavar="COL=VALUE",
        help="every row has COL=VALUE (categorical or boolean columns, or a numerical column's "
             "value of at least 5%% of its rows; COL= asks for missing values; repeat for several)",
    )
    sub.add_argument(
        "--conditions",
        dest="conditions_file",
        default=None,
        metavar="FILE",
        help="a CSV or Parquet table of such columns, one row for each row to generate: row i "
             "of the output has row i's values (an empty cell asks for a missing value)",
    )
    sub.add_argument(
        "--ids-after",
        action="append",
        default=None,
        metavar="FILE",
        help="integer ids and counters start past the largest in FILE (an earlier output) and "
             "short random ids keep clear of its ones, so outputs put together hold each id "
             "once; repeat for several",
    )
    _add(sub, SAMPLE_OPTIONS)
    _add(sub, LOAD_OPTIONS)
    _add(sub, RESAMPLE_OPTIONS)


def _add_evaluate(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("real", metavar="REAL", help="the real table the generator learned")
    sub.add_argument("synthetic", metavar="SYNTH", help="the synthetic table")
    sub.add_argument(
        "--holdout",
        default=None,
        metavar="H",
        help="real rows the generator never saw (needed for utility and privacy scores)",
    )
    sub.add_argument("--report", default=None, metavar="HTML", help="write the HTML report here")
    _add(sub, EVALUATE_OPTIONS)


def _add_synth(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "data", metavar="DATA", help="table to learn: CSV (optionally .gz, .bz2, .xz or zipped) or Parquet, - for stdin"
    )
    _add_output(sub, "synthetic table, written only if every gate passes")
    sub.add_argument(
        "--holdout-fraction",
        type=_fraction,
        default=0.2,
        metavar="F",
        help="share of DATA's rows held out of training to evaluate against (default: 0.2; "
        "the split is seeded by --seed, or by 0 without it)",
    )
    sub.add_argument(
        "-n",
        "--rows",
        type=int,
        default=None,
        metavar="N",
        help="rows to generate (default: as many as the training part)",
    )
    sub.add_argument(
        "--report",
        default=None,
        metavar="HTML",
        help="write the HTML report here (also when a gate fails)",
    )
    sub.add_argument("--engine", choices=ENGINES, default="conditional", help="as in 'tabgan fit'")
    _add(sub, MODEL_OPTIONS)
    _add(sub, FIT_OPTIONS)
    evaluate_only = [o for o in EVALUATE_OPTIONS if o.param in ("target", "sensitive")]
    _add(sub, evaluate_only)
    gates = sub.add_argument_group(
        "gates",
        "checks on the evaluation; when one fails, exit 3 and OUT is not "
        "written. A bound of 'none' switches a gate off.",
    )
    for gate in GATES:
        gates.add_argument(
            gate.flag,
            dest=gate.metric,
            type=_gate_bound,
            default=gate.default,
            metavar="X",
            help=f"{gate.help} (default: {gate.default:g})",
        )


# ------------------------------------------------------------------------------ the commands
def run_fit(args: argparse.Namespace) -> dict[str, Any]:
    if args.output == STDIO:
        raise ParameterError("a model is written to a file, not to stdout; give -o a path")
    warm = _warm_model(args) if args.warm_start is not None else None
    data, style, file_schema = read_table_and_schema(args.data)
    start = time.perf_counter()
    earlier = 0 if warm is None else len(warm.history_)
    earlier_schema, earlier_style = (None, None) if warm is None else (warm.arrow_schema_, warm.csv_style_)
    model = _fit(args, data, model=warm)
    model.csv_style_ = style  # so that `tabgan sample` writes CSV as this file was written
    if style is None and earlier_style is not None:  # trained further on Parquet: as the CSV it
        model.csv_style_ = earlier_style  # was fitted on (before 2026-12-05 commas and points)
    model.arrow_schema_ = output_schema(data, file_schema)  # and Parquet in this file's types
    if warm is not None:  # of the columns the model generates in this file's dtypes
        model.arrow_schema_ = _generated_types(model.arrow_schema_, model, data, earlier_schema)
    model.save(args.output, training_state=False if args.sampling_only else None)
    result = {
        "command": "fit",
        "model": args.output,
        "warm_start": args.warm_start,
        **_fit_summary(model, data, time.perf_counter() - start, earlier),
    }
    done = (f"fitted {result['class']}" if warm is None else
            f"trained {result['class']} from {args.warm_start} further")
    more = "" if warm is None else " more"
    total = "" if warm is None else f", {result['epochs_total']} in all"
    _say(
        args,
        f"{done} on {len(data):,} rows x {data.shape[1]} columns in "
        f"{result['seconds']:.1f} s ({result['epochs_run']}{more} epoch{'s' * (result['epochs_run'] != 1)}{total}, "
        f"stopped by {result['stop_reason']}) "
        f"-> {args.output}"
        + (f"; {learnt}" if (learnt := _learnt_text(model)) else ""),
    )
    return result


def _warm_model(args: argparse.Namespace) -> BaseSynthesizer:
    """The model in ``--warm-start``, set to continue training, with the parameters that the
    command line gives; the others keep the values it was fitted with."""
    given = getattr(args, "given", set())
    model = _load_file(args.warm_start, args.device)
    if "engine" in given and type(model).__name__ != ENGINES[args.engine]:
        raise ParameterError(f"--engine {args.engine}: {args.warm_start!r} holds a {type(model).__name__}; "
                             "a warm start continues the model's own engine")
    changed = {k: v for k, v in _values(args, MODEL_OPTIONS).items() if k in given}
    return model.set_params(**changed, warm_start=True, verbose=not args.quiet)


def _generated_types(schema: pa.Schema, model: BaseSynthesizer, data: pd.DataFrame,
                     earlier: pa.Schema | None) -> pa.Schema:
    """``schema`` (of ``data``'s file) with each column that ``data`` holds in another dtype than
    ``model`` generates typed as the model wrote it before (``earlier``), else as its dtype makes:
    a warm start keeps the column transforms of the first fit, so a model fitted on a CSV's text
    dates writes text, also after training on a Parquet file's timestamps (before 2026-12-05
    its output was typed timestamp, and every Parquet sample failed)."""
    fitted = model.transformer_.schema_
    kept = {f.name: f for f in earlier} if earlier is not None else {}
    for i, column in enumerate(data.columns):  # a loop over columns
        dtype = fitted[column].dtype
        if dtype_name(data[column].dtype) == dtype:
            continue
        empty = pd.DataFrame({str(column): pd.Series([], dtype=as_dtype(dtype))})
        field = kept.get(str(column)) or output_schema(empty).field(0)
        schema = schema.set(i, field)
    return schema


def _learnt_text(model: BaseSynthesizer) -> str:
    """'education-num looked up from education, dep_time read as HHMM times': columns kept as a
    function of another, and whole numbers learnt as the times or dates their digits write."""
    derived = [f"{c} looked up from {s}" for c, s in model.transformer_.derived_.items()]
    derived += [f"{formula} computed" for formula in model.transformer_.computed_.values()]
    from tabgan.codes import describe

    coded = [f"{c} read as {describe(code)}" for c, code in model.transformer_.coded_.items()]
    return ", ".join(derived + coded)


def _engine(name: str) -> type[BaseSynthesizer]:
    import tabgan.synthesizers

    return getattr(tabgan.synthesizers, ENGINES[name])


def _load(args: argparse.Namespace) -> BaseSynthesizer:
    return _load_file(args.model, **_values(args, LOAD_OPTIONS))


def _load_file(path: str, device: str) -> BaseSynthesizer:
    if not os.path.exists(path):  # named before torch loads, as tabgan.load names it
        raise ModelFileError(f"model file {path!r} does not exist")
    from tabgan.synthesizers import load

    return load(path, device=device)


def _model(args: argparse.Namespace) -> BaseSynthesizer:
    """The unfitted model the options describe; parameters not on the command line keep
    their defaults."""
    return _engine(args.engine)(**_values(args, MODEL_OPTIONS), verbose=not args.quiet)


def _fit(args: argparse.Namespace, data: pd.DataFrame, metadata: dict[str, Any] | None = None,
         model: BaseSynthesizer | None = None) -> BaseSynthesizer:
    """The model of the options (or ``model``), fitted on ``data``; ``metadata``: kinds decided
    beforehand, in place of ``--discrete`` and ``--metadata``."""
    model = _model(args) if model is None else model
    fit_params = _values(args, FIT_OPTIONS)
    fit_params["metadata"] = _read_json(fit_params["metadata"], "metadata")
    if metadata is not None:
        fit_params.update(discrete_columns=None, metadata=metadata)
    return model.fit(data, **fit_params)


def _whole_table_kinds(args: argparse.Namespace, data: pd.DataFrame,
                       metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The kinds the model would give every column of the whole table, as metadata (constants
    left to the fit), so that fitting on a random part of it does not change them: a row number
    is an arithmetic progression in the whole table only, a text column is an id by its share
    of values of their own, a column may be constant in a part."""
    schema = infer_schema(data, discrete_columns=_values(args, FIT_OPTIONS)["discrete_columns"],
                          metadata=metadata)
    kinds = schema.to_metadata()
    for spec in schema.columns:
        if spec.kind == "constant":
            del kinds["columns"][spec.name]
    return kinds


def _fit_summary(model: BaseSynthesizer, data: pd.DataFrame, seconds: float, earlier: int = 0
                 ) -> dict[str, Any]:
    """What the fit did; ``earlier``: epochs the model had trained before it (a warm start)."""
    return {
        "class": type(model).__name__,
        "rows": len(data),
        "columns": data.shape[1],
        "epochs_run": len(model.history_) - earlier,
        "epochs_total": len(model.history_),
        "stop_reason": getattr(model, "stop_reason_", ""),
        "derived_columns": model.transformer_.derived_,
        "computed_columns": model.transformer_.computed_,
        "coded_columns": model.transformer_.coded_,
        "seed": model.seed_,  # --seed S refits the same model, also when --seed was left out
        "seconds": round(seconds, 3),
    }


def run_sample(args: argparse.Namespace) -> dict[str, Any]:
    fmt = output_format(args.output, args.format)
    model = _load(args)
    model.set_params(**{k: v for k, v in _values(args, RESAMPLE_OPTIONS).items() if v is not None})
    for earlier in args.ids_after or ():
        model.continue_ids_past(read_table(earlier)[0])
    conditions = _typed_conditions(model, args.condition)
    if args.conditions_file is not None:
        conditions = _conditions_table(model, args.conditions_file, conditions)
    n = args.rows
    if n is None:
        if not isinstance(conditions, pd.DataFrame):
            raise ParameterError("give -n N, the rows to generate, or --conditions FILE, a row for each")
        n = len(conditions)
    params = _values(args, SAMPLE_OPTIONS)
    if params["random_state"] is None:  # each run new rows, not the loaded model's first call again
        params["random_state"] = int(np.random.SeedSequence().generate_state(1)[0])
    start = time.perf_counter()
    chunks = _checked_chunks(model, n, conditions, params)
    style = model.csv_style_ if fmt == "csv" else None  # the training CSV's delimiter, NA token
    schema = getattr(model, "arrow_schema_", None) if fmt == "parquet" else None  # its Arrow types
    with TableWriter(args.output, fmt, style, schema) as writer, _progress(args, n, "sampling") as bar:
        for chunk in chunks:
            writer.write(chunk)
            bar.update(len(chunk))
    result = {
        "command": "sample",
        "output": args.output,
        "format": fmt,
        "rows": writer.rows,
        "seed": params["random_state"],
        "seconds": round(time.perf_counter() - start, 3),
        "sampling": dict(model.sampling_report_),
    }
    _say(
        args,
        f"wrote {writer.rows:,} rows to {args.output} in {result['seconds']:.1f} s "
        f"(acceptance rate {model.sampling_report_['acceptance_rate']:.1%})",
    )
    return result


def _conditions_table(model: BaseSynthesizer, source: str, fixed: dict[str, Any] | None) -> pd.DataFrame:
    """The table of conditions at ``source``, its text typed like the model's columns (as
    ``--condition`` values are), with the ``--condition`` values ``fixed`` on every row (on a
    column of the file a usage error: before 2026-12-05 they replaced its cells). A CSV's
    cells are read as text, so a code "100" of a text column stays "100" (before 2026-12-03 the
    file's reader made it the number 100, which no row of the model's column is)."""
    known, _ = read_table(source, as_text=True)
    known = _without_row_numbers(known, model)
    for column in known.columns:  # a loop over columns, then over each one's distinct texts
        cells = known[column]
        if cells.dtype != object and not isinstance(cells.dtype, pd.StringDtype):
            continue  # a Parquet file's numbers, booleans, dates: typed by the file already
        # Text of pandas' string dtypes too (a Parquet file written from one; pandas 3's default
        # "str"): before 2026-12-05 only object text was typed, so 'True' was no boolean.
        cells = cells.astype(object).where(cells.notna(), None)
        texts = cells.dropna().unique()
        typed = {t: _typed_conditions(model, [(str(column), t)])[str(column)] if isinstance(t, str) else t
                 for t in texts}
        known[column] = cells.map(typed)  # missing cells stay missing: they ask for missing values
    for column, value in (fixed or {}).items():
        if column in known.columns:  # which one the user meant cannot be told
            raise ConditionError(f"--condition {column}=... and the --conditions file {source!r} both give "
                                 f"the column {column!r}; give it in one of them")
        known[column] = [value] * len(known)
    return known


def _without_row_numbers(known: pd.DataFrame, model: BaseSynthesizer) -> pd.DataFrame:
    """``known`` without a first column of the row numbers 0, 1, ... under a blank name, which
    ``DataFrame.to_csv`` writes (its index) and pandas reads as "Unnamed: 0" (before 2026-12-05:
    "condition on unknown column 'Unnamed: 0'"); a model column of that name is a condition."""
    first = known.columns[0] if known.shape[1] > 1 else None
    if first != "Unnamed: 0" or first in model.transformer_.schema_.names:
        return known
    rows = known[first].astype(str).str.strip().tolist()
    return known.drop(columns=first) if rows == [str(i) for i in range(len(known))] else known


def _checked_chunks(
    model: BaseSynthesizer, n: int, conditions: dict[str, Any] | pd.DataFrame | None,
    params: dict[str, Any]
) -> Iterator[pd.DataFrame]:
    """``model.sample_chunks(...)`` with its first chunk already drawn, so that a bad ``n`` or
    condition fails before any output or progress bar is started."""
    chunks = model.sample_chunks(n, conditions=conditions, **params)
    first = next(chunks)
    return itertools.chain([first], chunks)


def _typed_conditions(
    model: BaseSynthesizer, pairs: list[tuple[str, str]] | None
) -> dict[str, Any] | None:
    """``[(column, text)]`` -> ``{column: value}``, typed like the model's column."""
    if not pairs:
        return None
    schema = model.transformer_.schema_
    style = getattr(model, "csv_style_", None)
    written_missing = dict(style.missing) if style is not None else {}  # "?", "0000-00-00"
    na_rep = style.na_rep if style is not None else ""  # "NA": the file's other columns' token
    forms = {f.column: f for f in style.formats} if style is not None else {}  # 12,50; $1,234.50
    out: dict[str, Any] = {}
    for column, text in pairs:
        column, text = _split_at_column(column, text, schema.names)
        if column not in schema.names:
            raise ConditionError(
                f"condition on unknown column {column!r} (columns: {', '.join(schema.names)})"
            )
        if column in out:  # a dict would keep the last one silently
            raise ConditionError(f"--condition names the column {column!r} twice; give each column once")
        if column in written_missing and text.strip() == written_missing[column]:
            out[column] = None  # the training file's text for this column's missing values
            continue
        if column not in written_missing and na_rep and text.strip() == na_rep and not _learnt(model, column, text):
            out[column] = None  # as the file (and the output) writes them: before 2026-12-05 "not seen"
            continue
        if column in forms and text != "":  # as the file (and the output) writes its numbers
            text = plain_number(text, forms[column])
        out[column] = _typed(text, schema[column].dtype, column)
        if isinstance(out[column], str) and text != "":  # ints of a category dtype, dates ...
            out[column] = model.transformer_.value_written(column, text)
        if text == "" and out[column] == "":  # "" may be a category; else the missing values
            try:
                model.transformer_.condition_slot(column, "")
            except ConditionError:
                out[column] = None
    return out


def _learnt(model: BaseSynthesizer, column: str, text: str) -> bool:
    """Whether ``text`` is a value the model learnt in the text column ``column`` (a category
    "NA" beside missing values written otherwise), rather than no value of it."""
    try:
        if as_dtype(model.transformer_.schema_[column].dtype).kind not in "OU":  # object, category, text
            return False
    except TypeError:
        pass
    try:
        model.transformer_.condition_slot(column, text)
    except ConditionError:
        return False
    return True


def _split_at_column(column: str, text: str, names: list[str]) -> tuple[str, str]:
    """``col=value`` split at the one "=" that ends a column's name (``column``, ``text``): ``a=b=x``
    is the column "a=b" and the value "x" when no column is "a"; ConditionError when the text
    may be read both ways (columns "a" and "a=b"), at its first "=" when it names no column."""
    whole = f"{column}={text}"
    splits = [i for i, ch in enumerate(whole) if ch == "=" and whole[:i] in names]
    if len(splits) > 1:
        readings = " or ".join(f"{whole[:i]!r} = {whole[i + 1:]!r}" for i in splits)
        raise ConditionError(f"condition {whole!r} is ambiguous: column {readings}; rename a column "
                             "or give the condition in a --conditions file")
    return (whole[:splits[0]], whole[splits[0] + 1:]) if splits else (column, text)


def _typed(text: str, dtype: str, column: str) -> Any:
    """The condition's value typed like the column; None for an empty text (how CSV writes a
    missing value) in a column of numbers or booleans."""
    try:
        kind = as_dtype(dtype).kind
    except TypeError:
        kind = "O"
    empty = f" (an empty value, {column}=, asks for missing ones)"
    if text == "" and kind in "iufb":
        return None
    if kind in "iuf":
        try:
            number = float(text)
        except ValueError:
            raise ConditionError(f"condition {column}={text!r}: the column holds numbers{empty}") from None
        if kind == "f":
            return number
        if not number.is_integer():  # 2, 2.0 and 2e3 are whole numbers; 2.5, nan and inf are not
            raise ConditionError(f"condition {column}={text!r}: the column holds whole numbers")
        return int(text) if text.strip().lstrip("+-").isdigit() else int(number)  # exact past 2**53
    if kind == "b":
        if text.lower() not in ("true", "false"):
            raise ConditionError(f"condition {column}={text!r}: the column holds True/False{empty}")
        return text.lower() == "true"
    return text


def run_evaluate(args: argparse.Namespace) -> dict[str, Any]:
    real, _ = read_table(args.real)
    synthetic, _ = read_table(args.synthetic)
    holdout = read_table(args.holdout)[0] if args.holdout is not None else None
    from tabgan.evaluation import evaluate  # after the reads: a bad path is named at once
    params = _values(args, EVALUATE_OPTIONS)
    params["metadata"] = _read_json(params["metadata"], "metadata")
    _note(args, "evaluating ...")
    report = evaluate(real, synthetic, holdout=holdout, **params)
    _write_report(args.report, report)
    _say(args, _headline_text(report.to_dict()))
    return report.to_dict()


def run_synth(args: argparse.Namespace) -> dict[str, Any]:
    from tabgan.evaluation import evaluate
    from tabgan.evaluation.evaluate import check_columns

    fmt = output_format(args.output, args.format)
    if args.rows is not None and args.rows < 1:  # before the fit (it surfaced after it before 2026-12-05)
        raise ParameterError(f"n={args.rows} must be an integer >= 1 (synth evaluates the rows it generates)")
    metadata = _read_json(args.metadata, "metadata")
    data, style, file_schema = read_table_and_schema(args.data)
    check_columns(data, target=args.target, sensitive=args.sensitive, metadata=metadata)
    kinds = _whole_table_kinds(args, data, metadata)
    train, holdout = _split(
        data, args.holdout_fraction, 0 if args.random_state is None else args.random_state
    )
    start = time.perf_counter()
    model = _fit(args, train, kinds)
    fit_seconds = time.perf_counter() - start
    model.transformer_.continue_ids_past(holdout)  # no synthetic id is a held-out row's
    if learnt := _learnt_text(model):
        _note(args, learnt)
    n = len(train) if args.rows is None else args.rows
    chunks = []
    with _progress(args, n, "sampling") as bar:
        for chunk in _checked_chunks(model, n, None, {"random_state": args.random_state}):
            chunks.append(chunk)
            bar.update(len(chunk))
    synthetic = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    _note(args, "evaluating ...")
    report = evaluate(
        train,
        synthetic,
        holdout=holdout,
        target=args.target,
        metadata=kinds,  # the model's kinds of the whole table (ids left out, text dates' formats)
        sensitive=args.sensitive,
        device=args.device,
        random_state=0 if args.random_state is None else args.random_state,
    )
    scores = report.to_dict()
    checks = [_check_gate(gate, getattr(args, gate.metric), scores) for gate in GATES]
    failed = [c for c in checks if not c["passed"]]
    _write_report(args.report, report)
    if not failed:
        write_table(synthetic, args.output, fmt, style if fmt == "csv" else None,
                    output_schema(data, file_schema) if fmt == "parquet" else None)
    result = {
        "command": "synth",
        "output": None if failed else args.output,
        "passed": not failed,
        "gates": checks,
        "fit": _fit_summary(model, train, fit_seconds),
        "rows": {"data": len(data), "train": len(train), "holdout": len(holdout), "synthetic": n},
        "report": scores,
    }
    verdicts = [f"  gate {c['message']}: {'passed' if c['passed'] else 'FAILED'}" for c in checks]
    _say(args, "\n".join([_headline_text(scores), *verdicts]))
    if failed:
        result["error"] = "gate failed: " + "; ".join(c["message"] for c in failed)
    return result


def _split(data: pd.DataFrame, fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training rows, holdout rows): a seeded random ``fraction`` of the rows is held out."""
    n_holdout = round(fraction * len(data))
    if n_holdout < 1 or n_holdout >= len(data):
        raise DataError(
            f"--holdout-fraction {fraction:g} of {len(data)} rows leaves no holdout "
            "or no training rows"
        )
    order = np.random.default_rng(seed).permutation(len(data))
    holdout = np.sort(order[:n_holdout])
    train = np.sort(order[n_holdout:])
    return data.iloc[train].reset_index(drop=True), data.iloc[holdout].reset_index(drop=True)


def _check_gate(gate: Gate, bound: float | None, scores: dict[str, Any]) -> dict[str, Any]:
    from tabgan.evaluation.settings import interval_holds  # the evaluator is loaded by now

    value = gate.read(scores)
    entry = {"gate": gate.flag, "metric": gate.metric, "value": value, "bound": bound}
    if bound is None:
        return {**entry, "passed": True, "message": f"{gate.metric}: off ({gate.flag} none)"}
    if value is None:  # fail closed: a privacy check that could not run is not a pass
        return {
            **entry,
            "passed": False,
            "message": f"{gate.metric}: could not be computed ({gate.flag})",
        }
    within = value <= bound if gate.bound == "max" else value >= bound
    sign = ("<=" if within else ">") if gate.bound == "max" else (">=" if within else "<")
    message = f"{gate.metric} {value:.4f} {sign} {bound:g} ({gate.flag})"
    ci95 = _headline_entry(scores, gate.metric).get("ci95")
    if within or gate.neutral is None or not interval_holds(ci95, gate.neutral):
        return {**entry, "passed": within, "message": message}
    low, high = ci95
    return {
        **entry,
        "passed": True,
        "undecided": True,
        "message": f"{message}, but its 95% interval [{low:.4f}, {high:.4f}] holds {gate.neutral:g}, "
        "what a generator that copies nothing reads: too few rows to tell",
    }


def _add_diagnose(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("model", metavar="MODEL", help="model file written by 'tabgan fit'")
    _add(sub, DIAGNOSE_OPTIONS)
    _add(sub, LOAD_OPTIONS)


def run_diagnose(args: argparse.Namespace) -> dict[str, Any]:
    model = _load(args)
    findings = model.diagnose(**_values(args, DIAGNOSE_OPTIONS))
    _say(args, str(findings))
    return {
        "command": "diagnose",
        "model": args.model,
        "findings": [dataclasses.asdict(f) for f in findings],
        "unjudged": findings.unjudged,
    }


# ------------------------------------------------------------------------------ helpers
def _read_json(path: str | None, what: str) -> Any:
    if path is None:
        return None
    try:
        with local_path(path).open(encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as err:
        raise DataError(f"{what} file {path!r} is not valid JSON: {err}") from None
    except UnicodeDecodeError as err:
        raise DataError(f"{what} file {path!r} is not UTF-8 text (JSON is): byte {err.object[err.start]:#04x} "
                        f"at offset {err.start}") from None


def _write_report(path: str | None, report: EvaluationReport) -> None:
    if path is not None:
        with atomic_output(path) as f:
            f.write(report.to_html().encode("utf-8"))


def _outputs(args: argparse.Namespace) -> list[str]:
    """The files the command will write: -o (a table or a model), --report, --json."""
    return [t for t in (getattr(args, name, None) for name in ("output", "report", "json"))
            if t is not None]


# What each command reads and writes, as (attribute of args, how the usage names it).
_OUTPUT_NAMES = (("output", "-o"), ("report", "--report"), ("json", "--json"))
_INPUT_NAMES = (("data", "DATA"), ("model", "MODEL"), ("real", "REAL"), ("synthetic", "SYNTH"),
                ("holdout", "--holdout"), ("conditions_file", "--conditions"), ("metadata", "--metadata"),
                ("ids_after", "--ids-after"), ("warm_start", "--warm-start"))
# An output that may name its input: the model trained further is written back in its place.
_REPLACES = {("warm_start", "-o")}


def _check_distinct(args: argparse.Namespace) -> None:
    """A usage error when two outputs are one file (the later write would replace the table
    with a JSON summary) or an output is an input (``fit t.csv -o t.csv`` replaced the training
    table with the model; before 2026-12-05 ``--json md.json --metadata md.json`` replaced the
    metadata, ``-o prev.csv --ids-after prev.csv`` the earlier rows). Only ``-o`` may name the
    ``--warm-start`` model. Devices and pipes (``/dev/null`` twice) are no files to lose. Two
    inputs reading stdin are a usage error too (before 2026-12-05: "stdin is empty", exit 1)."""
    def file_of(value: Any) -> str | None:
        if not isinstance(value, str) or value == STDIO or not is_file_or_new(local_path(value)):
            return None
        return os.path.realpath(local_path(value))

    written: dict[str, str] = {}
    for attr, option in _OUTPUT_NAMES:
        key = file_of(getattr(args, attr, None))
        if key is not None and key in written:
            raise ParameterError(f"{written[key]} and {option} name the same file "
                                 f"{getattr(args, attr)!r}; give each its own")
        if key is not None:
            written[key] = option
    inputs = [(attr, what, name) for attr, what in _INPUT_NAMES  # --ids-after is repeated
              for name in _listed(getattr(args, attr, None))]
    stdin = [what for _, what, name in inputs if name == STDIO]
    if len(stdin) > 1:  # the first read takes it all: the next one found stdin empty
        raise ParameterError(f"{' and '.join(stdin)} both read stdin ('-'); give all but one a file path")
    for attr, what, name in inputs:
        key = file_of(name)
        if key is not None and key in written and (attr, written[key]) not in _REPLACES:
            raise ParameterError(f"{written[key]} {name!r} would overwrite the input {what}; "
                                 "write to another file")


def _listed(value: Any) -> list[Any]:
    """An option's value as a list: a repeated option's list itself, else ``[value]``."""
    return value if isinstance(value, list) else [value]


def _check_stdout(args: argparse.Namespace) -> None:
    """A usage error when two outputs (``-o``, ``--report``, ``--json``) are stdout: before
    2026-12-05 ``--report - --json`` wrote the HTML and the JSON into one stream, exit 0."""
    users = [option for attr, option in _OUTPUT_NAMES if getattr(args, attr, None) == STDIO]
    if len(users) > 1:
        raise ParameterError(f"{users[0]} - and {' and '.join(users[1:])} both want stdout; "
                             f"give {users[-1]} a file path")


def _progress(args: argparse.Namespace, total: int, what: str) -> tqdm:
    return tqdm(
        total=total,
        desc=what,
        unit="row",
        unit_scale=True,
        disable=args.quiet,
        file=sys.stderr,
        leave=False,
    )


def _note(args: argparse.Namespace, text: str) -> None:
    """A progress note on stderr, for steps without a progress bar."""
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


def _headline_text(report: dict[str, Any]) -> str:
    lines = []
    for h in report.get("headline", []):
        value = "n/a" if h["value"] is None else f"{h['value']:.4f}"
        lines.append(f"  {h['label']:<44} {value:>8}  {h['status']:<5} ({h['rule']})")
    quality = _quality(report)
    if quality is not None:
        lines.insert(0, f"  {'Quality (mean of shapes and pair trends)':<44} {quality:>8.4f}")
    return "\n".join(lines)


def _say(args: argparse.Namespace, text: str) -> None:
    """The human summary: on stdout, unless stdout carries the table or JSON (then stderr)."""
    if args.quiet:
        return
    busy = any(getattr(args, attr, None) == STDIO for attr, _ in _OUTPUT_NAMES)  # --report - too
    print(text, file=sys.stderr if busy else sys.stdout, flush=True)


def _emit_json(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.json is None:
        return
    text = json.dumps(result, indent=2, default=str, allow_nan=False) + "\n"
    if args.json == STDIO:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_output(args.json) as f:
        f.write(text.encode("utf-8"))


def _one_line(err: BaseException) -> str:
    if isinstance(err, OSError) and err.filename is not None:
        return f"{err.filename!r}: {err.strerror or err}"
    text = " ".join(str(err).split()) or type(err).__name__
    return text if isinstance(err, (TabganError, OSError)) else f"{type(err).__name__}: {text}"


COMMANDS: dict[
    str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], dict], str]
] = {
    "fit": (_add_fit, run_fit, "learn a table and save the model"),
    "sample": (
        _add_sample,
        run_sample,
        "generate rows from a saved model, streamed to CSV or Parquet",
    ),
    "evaluate": (_add_evaluate, run_evaluate, "score a synthetic table against the real one"),
    "synth": (_add_synth, run_synth, "hold out, fit, sample, evaluate, gate and write in one go"),
    "diagnose": (
        _add_diagnose,
        run_diagnose,
        "what went wrong in training: mode collapse, divergence, ...",
    ),
}


def _usage_error(err: Exception) -> bool:
    """Is ``err`` the command's words at fault (exit 2): a parameter out of range, or a condition
    that names a column or value the model does not have? A valid condition the model fails to
    meet (``ConditionUnmetError``) is an error of the model (exit 1)."""
    return isinstance(err, ParameterError) or (isinstance(err, ConditionError)
                                               and not isinstance(err, ConditionUnmetError))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 done, 1 error, 2 usage, 3 gate failed)."""
    args, extra = build_parser().parse_known_args(argv)
    if extra:  # named by the command's parser, whose help lists its options ('tabgan --help' does not)
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    with _sigterm_unwinds():
        return _run(args)


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (a pipeline cancelling the job) unwinds like an error while a command runs, so
    temporary outputs are removed; the handler before is put back after. Off the main thread,
    which alone gets signals, nothing is set: before 2026-12-05 ``main`` called from a thread
    raised "signal only works in main thread", and the handler outlived every call."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if before is None else before)


def _run(args: argparse.Namespace) -> int:
    """The command of ``args``, its errors as one line; the exit code."""
    debug = os.environ.get("TABGAN_DEBUG", "") not in ("", "0")
    try:
        _check_distinct(args)
        _check_stdout(args)
        for target in _outputs(args):  # before any fit: a bad path should cost nothing
            check_writable(target)
        result = args.run(args)
        _emit_json(args, result)
    except KeyboardInterrupt:
        print("tabgan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as err:  # noqa: BLE001 - every error becomes one line, never a traceback
        if debug:
            raise
        print(f"tabgan: error: {_one_line(err)}", file=sys.stderr)
        return EXIT_USAGE if _usage_error(err) else EXIT_ERROR
    if "error" in result:
        print(f"tabgan: error: {result['error']}; {args.output!r} was not written", file=sys.stderr)
        return EXIT_GATE
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
