import pytest

from tabgan import datasets
from tabgan.errors import ParameterError


def test_adult_and_its_official_split():
    assert datasets.load_adult().shape == (48_842, 15)
    train, test = datasets.load_adult("train"), datasets.load_adult("test")
    assert len(train) == 32_561 and len(test) == 16_281
    assert train.index[0] == 0 and test.index[0] == 0
    with pytest.raises(ParameterError, match="split"):
        datasets.load_adult("validation")


def test_other_tables_load_offline():
    assert datasets.load_flights().shape == (33_678, 19)
    assert datasets.load_penguins().shape == (344, 7)
    assert datasets.load_insurance().shape == (1_338, 7)
