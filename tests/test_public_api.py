import tabgan


def test_public_names_are_deliberate_and_sorted():
    assert tabgan.__all__ == sorted(tabgan.__all__)
    assert set(tabgan.__all__) == {
        "ColumnError", "ConditionError", "ConditionalGAN", "DataError", "EvaluationReport", "Limits",
        "ModelFileError", "NotFittedError", "ParameterError", "Schema", "TableTransformer", "TabganError",
        "TrainingError", "WGANGP", "__version__", "evaluate", "infer_schema", "load",
    }
    for name in tabgan.__all__:
        assert hasattr(tabgan, name), name


def test_every_error_is_a_tabgan_error_and_a_builtin():
    for name in ("ColumnError", "ConditionError", "DataError", "ModelFileError", "NotFittedError", "ParameterError"):
        err = getattr(tabgan, name)
        assert issubclass(err, tabgan.TabganError) and issubclass(err, ValueError)
    assert issubclass(tabgan.NotFittedError, AttributeError)
    assert issubclass(tabgan.TrainingError, RuntimeError)
