import ast
import subprocess
import sys

import pytest

import tabgan


def test_public_names_are_deliberate_and_sorted():
    assert tabgan.__all__ == sorted(tabgan.__all__)
    assert set(tabgan.__all__) == {
        "ColumnError", "ConditionError", "ConditionUnmetError", "ConditionalGAN", "DataError", "EvaluationReport", "Limits",
        "ModelFileError", "NotFittedError", "ParameterError", "Schema", "TableTransformer", "TabganError",
        "TrainingError", "WGANGP", "__version__", "evaluate", "infer_schema", "load",
    }
    for name in tabgan.__all__:
        assert hasattr(tabgan, name), name


def test_every_error_is_a_tabgan_error_and_a_builtin():
    for name in ("ColumnError", "ConditionError", "ConditionUnmetError", "DataError", "ModelFileError", "NotFittedError", "ParameterError"):
        err = getattr(tabgan, name)
        assert issubclass(err, tabgan.TabganError) and issubclass(err, ValueError)
    assert issubclass(tabgan.NotFittedError, AttributeError)
    assert issubclass(tabgan.ConditionUnmetError, tabgan.ConditionError)
    assert issubclass(tabgan.TrainingError, RuntimeError)


def _modules_after(code: str) -> set[str]:
    """The heavy libraries loaded by running ``code`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(sorted(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    loaded = set(ast.literal_eval(out.strip().splitlines()[-1]))
    return {m for m in ("torch", "sklearn", "scipy", "sdmetrics") if m in loaded}


def test_import_and_the_command_line_parser_load_no_model_library():
    # Before 2026-12-02 `import tabgan` loaded torch and scikit-learn, so `tabgan --help`, a
    # usage error or a missing input file took 7 s on this machine before answering.
    assert _modules_after("import tabgan") == set()
    assert _modules_after("import tabgan.cli as c\nc.build_parser().parse_args(['fit', 'x.csv', '-o', 'm'])") == set()
    assert _modules_after("import tabgan\ntabgan.ConditionalGAN") >= {"torch", "sklearn"}


def test_names_and_submodules_resolve_on_first_use():
    code = ("import tabgan\nprint(tabgan.ConditionalGAN.__module__, tabgan.evaluate.__module__,"
            " tabgan.evaluation.evaluate.__module__, tabgan.load.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["tabgan.synthesizers.conditional", "tabgan.evaluation.evaluate",
                           "tabgan.evaluation.evaluate", "tabgan.synthesizers.base"]
    assert dir(tabgan) == sorted(tabgan.__all__)
    with pytest.raises(AttributeError, match="module 'tabgan' has no attribute 'nope'"):
        tabgan.nope  # noqa: B018
