"""Distributions of uncertain inputs against their textbook definitions (scipy.stats and
closed forms): inverse CDF, median, mean, support; and the fast PERT inverse (PINV)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import special, stats

from tierslieux_sim.scenario.distributions import (
    Discrete,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    _standard_beta_inverse,
    central_value,
    is_distribution,
)

#: Uniforms over (0, 1), including the extremes that samplers can produce.
U = np.concatenate([[1e-9, 1e-6, 1e-3], np.linspace(0.01, 0.99, 99), [1 - 1e-3, 1 - 1e-6]])


# --- PERT -----------------------------------------------------------------------------------

PERTS = [(8, 12, 20, 4), (0.004, 0.01, 0.02, 4), (0, 0, 1, 4), (0, 1, 1, 4), (-0.6, -0.3, -0.1, 4),
         (30000, 35500, 38000, 4), (1, 2, 10, 6), (0, 0.3, 1, 0.5)]


@pytest.mark.parametrize(("low", "mode", "high", "shape"), PERTS)
def test_pert_is_a_scaled_beta(low, mode, high, shape):
    pert = Pert(dist="pert", min=low, mode=mode, max=high, shape=shape)
    alpha = 1 + shape * (mode - low) / (high - low)
    beta = 1 + shape * (high - mode) / (high - low)
    reference = stats.beta(alpha, beta, loc=low, scale=high - low)
    assert pert.frozen().args == pytest.approx((alpha, beta))
    # ppf uses PINV: its CDF error is below 1e-10 everywhere (extremes included), and its
    # values within 1e-8 of the width of the exact quantiles away from the extreme tails.
    assert np.max(np.abs(reference.cdf(pert.ppf(U)) - U)) < 1e-10
    central = U[(U >= 1e-3) & (U <= 1 - 1e-3)]
    assert np.max(np.abs(pert.ppf(central) - reference.ppf(central))) < 1e-8 * (high - low)
    assert pert.median() == pytest.approx(reference.median(), abs=1e-8 * (high - low))
    assert pert.mean() == pytest.approx((low + shape * mode + high) / (shape + 2))
    assert pert.support() == (low, high)
    assert central_value(pert) == pert.median()


def test_classic_pert_mean():
    pert = Pert(dist="pert", min=8, mode=12, max=20)
    assert pert.shape == 4
    assert pert.mean() == pytest.approx((8 + 4 * 12 + 20) / 6)


BETA_SHAPES = [(3.0, 3.0), (1.0, 5.0), (5.0, 1.0), (6.0, 6.0), (1.2, 4.8), (1.3, 3.7),
               (1.004, 4.996), (2.0, 4.0), (1.15, 1.35)]


@pytest.mark.parametrize(("alpha", "beta"), BETA_SHAPES)
def test_fast_pert_inverse_matches_scipy_beta_ppf(alpha, beta):
    """The fast inverse agrees with ``scipy.stats.beta.ppf`` to 1e-8 on [0.001, 0.999] and
    its CDF error (u-resolution, what HINV guarantees) is below 1e-10 everywhere.

    Far in the tails the x-error grows as u-error / density (about 1e-6 at u = 1e-6 for the
    flattest shapes): negligible for a business model, and why the test splits the ranges.
    """
    inverse = _standard_beta_inverse(alpha, beta)
    central = np.linspace(1e-3, 1 - 1e-3, 100_001)
    assert np.max(np.abs(inverse.ppf(central) - stats.beta.ppf(central, alpha, beta))) < 1e-8
    everywhere = np.concatenate([np.geomspace(1e-12, 1e-3, 200), central,
                                 1 - np.geomspace(1e-12, 1e-3, 200)])
    u_error = np.abs(special.betainc(alpha, beta, inverse.ppf(everywhere)) - everywhere)
    assert np.max(u_error) < 1e-10
    assert np.all(np.diff(inverse.ppf(central)) >= 0)  # increasing (tails: only within 1e-10)


def test_fast_inverse_is_built_for_every_pert_shape_without_hanging():
    """Regression: PINV's setup hung for beta(4.2, 1.8) (PERT with its mode at 80 % of the
    range). Build the inverse for a grid of PERT shapes in a child process with a time limit."""
    code = (
        "import numpy as np\n"
        "from tierslieux_sim.scenario.distributions import _standard_beta_inverse\n"
        "for shape in (1.0, 2.0, 4.0, 6.0):\n"
        "    for mode in np.linspace(0, 1, 41):\n"
        "        inverse = _standard_beta_inverse(1 + shape * mode, 1 + shape * (1 - mode))\n"
        "        assert 0 <= inverse.ppf(0.5) <= 1\n"
        "print('ok')\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               timeout=120, check=False)
    assert completed.returncode == 0 and completed.stdout.strip() == "ok", completed.stderr


def test_pert_ppf_maps_through_the_standard_inverse():
    pert = Pert(dist="pert", min=8, mode=12, max=20)
    standard = _standard_beta_inverse(*pert._shape_parameters())
    assert np.array_equal(pert.ppf(U), 8 + 12 * standard.ppf(U))
    assert _standard_beta_inverse(*pert._shape_parameters()) is standard  # built once
    assert pert.ppf(np.array([0.0, 1.0])) == pytest.approx([8, 20])


def test_ppf_keeps_the_shape_of_its_input():
    uniforms = np.full((3, 4), 0.5)
    for distribution in (Pert(dist="pert", min=0, mode=1, max=2),
                         Discrete(dist="discrete", values=[1, 2], probabilities=[0.5, 0.5]),
                         Uniform(dist="uniform", min=0, max=1)):
        assert distribution.ppf(uniforms).shape == (3, 4)


# --- triangular, uniform ----------------------------------------------------------------

@pytest.mark.parametrize(("low", "mode", "high"), [(6, 12, 20), (0, 0, 1), (0, 1, 1), (-5, 1, 2)])
def test_triangular_closed_form(low, mode, high):
    triangular = Triangular(dist="triangular", min=low, mode=mode, max=high)
    width = high - low
    split = (mode - low) / width
    expected = np.where(U < split, low + np.sqrt(U * width * (mode - low)),
                        high - np.sqrt((1 - U) * width * (high - mode)))
    assert triangular.ppf(U) == pytest.approx(expected, abs=1e-9 * width)
    assert triangular.mean() == pytest.approx((low + mode + high) / 3)
    assert triangular.support() == (low, high)
    assert triangular.median() == pytest.approx(float(expected[np.argmin(np.abs(U - 0.5))]))


def test_triangular_median():
    triangular = Triangular(dist="triangular", min=6, mode=12, max=20)
    # mode below the middle of the mass: median = max - sqrt((max-min)(max-mode)/2)
    assert triangular.median() == pytest.approx(20 - math.sqrt(14 * 8 / 2))


def test_uniform():
    uniform = Uniform(dist="uniform", min=-2, max=6)
    assert uniform.ppf(U) == pytest.approx(-2 + 8 * U)
    assert uniform.median() == pytest.approx(2)
    assert uniform.mean() == pytest.approx(2)
    assert uniform.support() == (-2, 6)


# --- normal ---------------------------------------------------------------------------------

def test_normal_untruncated():
    normal = Normal(dist="normal", mean=100, sd=15)
    assert normal.mean_value == 100
    assert normal.ppf(U) == pytest.approx(100 + 15 * stats.norm.ppf(U))
    assert normal.median() == pytest.approx(100)
    assert normal.mean() == pytest.approx(100)
    assert normal.support() == (-math.inf, math.inf)


@pytest.mark.parametrize(("lower", "upper"), [(0, None), (None, 110), (90, 130), (80, 120)])
def test_normal_truncated(lower, upper):
    mean, sd = 100, 15
    normal = Normal.model_validate(
        {"dist": "normal", "mean": mean, "sd": sd, "lower": lower, "upper": upper})
    low = -math.inf if lower is None else lower
    high = math.inf if upper is None else upper
    cdf_low, cdf_high = stats.norm.cdf((low - mean) / sd), stats.norm.cdf((high - mean) / sd)
    # Inverse CDF of the normal restricted to [low, high].
    expected = mean + sd * stats.norm.ppf(cdf_low + U * (cdf_high - cdf_low))
    assert normal.ppf(U) == pytest.approx(expected, rel=1e-7)
    assert normal.support() == (low, high)
    assert np.all((normal.ppf(U) >= low) & (normal.ppf(U) <= high))
    reference = stats.truncnorm((low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)
    assert normal.mean() == pytest.approx(reference.mean())
    assert normal.median() == pytest.approx(reference.median())


def test_symmetric_truncation_keeps_the_median():
    normal = Normal(dist="normal", mean=100, sd=15, lower=80, upper=120)
    assert normal.median() == pytest.approx(100)
    assert normal.mean() == pytest.approx(100)


def test_normal_accepts_mean_alias_and_attribute_name():
    by_alias = Normal.model_validate({"dist": "normal", "mean": 1.0, "sd": 1.0})
    assert by_alias.mean_value == 1.0
    assert by_alias.model_dump(by_alias=True)["mean"] == 1.0


# --- lognormal ------------------------------------------------------------------------------

@pytest.mark.parametrize(("p5", "p95"), [(900, 2500), (0.01, 0.2), (1, 1.5)])
def test_lognormal_reproduces_its_90_percent_interval(p5, p95):
    lognormal = LogNormal(dist="lognormal", p5=p5, p95=p95)
    assert lognormal.ppf(np.array([0.05, 0.95])) == pytest.approx([p5, p95], rel=1e-12)
    assert lognormal.median() == pytest.approx(math.sqrt(p5 * p95), rel=1e-12)
    mu = (math.log(p5) + math.log(p95)) / 2
    sigma = (math.log(p95) - math.log(p5)) / (2 * stats.norm.ppf(0.95))
    assert lognormal.ppf(U) == pytest.approx(np.exp(mu + sigma * stats.norm.ppf(U)), rel=1e-10)
    assert lognormal.mean() == pytest.approx(math.exp(mu + sigma**2 / 2), rel=1e-12)
    assert lognormal.support() == (0, math.inf)


# --- discrete -------------------------------------------------------------------------------

def test_discrete_ppf_on_unsorted_values():
    discrete = Discrete(dist="discrete", values=[10, 1, 5], probabilities=[0.2, 0.5, 0.3])
    # Sorted: 1 (0.5), 5 (0.3), 10 (0.2); cumulative 0.5, 0.8, 1.0.
    uniforms = np.array([1e-9, 0.25, 0.5, 0.5001, 0.79, 0.8001, 0.999999])
    assert discrete.ppf(uniforms).tolist() == [1, 1, 1, 5, 5, 10, 10]
    assert discrete.median() == 1
    assert discrete.mean() == pytest.approx(0.2 * 10 + 0.5 * 1 + 0.3 * 5)
    assert discrete.support() == (1, 10)


def test_discrete_frequencies_match_probabilities():
    discrete = Discrete(dist="discrete", values=[3, 1, 2], probabilities=[0.1, 0.6, 0.3])
    grid = (np.arange(100_000) + 0.5) / 100_000
    values, counts = np.unique(discrete.ppf(grid), return_counts=True)
    assert values.tolist() == [1, 2, 3]
    assert (counts / grid.size) == pytest.approx([0.6, 0.3, 0.1], abs=1e-4)


def test_discrete_single_value():
    discrete = Discrete(dist="discrete", values=[7], probabilities=[1])
    assert discrete.ppf(U).tolist() == [7] * U.size
    assert discrete.median() == discrete.mean() == 7


# --- parameter checks, helpers --------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {"dist": "pert", "min": 3, "mode": 2, "max": 1},
    {"dist": "pert", "min": 1, "mode": 1, "max": 1},
    {"dist": "pert", "min": 1, "mode": 2, "max": 3, "shape": 0},
    {"dist": "triangular", "min": 1, "mode": 4, "max": 3},
    {"dist": "uniform", "min": 2, "max": 2},
    {"dist": "normal", "mean": 0, "sd": -1},
    {"dist": "normal", "mean": 0, "sd": 1, "lower": 1, "upper": 1},
    {"dist": "lognormal", "p5": 0, "p95": 1},
    {"dist": "lognormal", "p5": 2, "p95": 1},
    {"dist": "discrete", "values": [1, 2], "probabilities": [0.5, 0.6]},
    {"dist": "discrete", "values": [1, 2], "probabilities": [1.5, -0.5]},
    {"dist": "discrete", "values": [1], "probabilities": [0.5, 0.5]},
    {"dist": "uniform", "min": 0, "max": float("inf")},
    {"dist": "pert", "min": float("nan"), "mode": 1, "max": 2},
    {"dist": "uniform", "min": "0", "max": 1},
    {"dist": "uniform", "min": 0, "max": 1, "mode": 0.5},
])
def test_invalid_parameters_are_rejected(data):
    model = {"pert": Pert, "triangular": Triangular, "uniform": Uniform, "normal": Normal,
             "lognormal": LogNormal, "discrete": Discrete}[data["dist"]]
    with pytest.raises(ValidationError):
        model.model_validate(data)


def test_distributions_are_frozen_and_recognised():
    pert = Pert(dist="pert", min=0, mode=1, max=2)
    with pytest.raises(ValidationError):
        pert.min = 5  # type: ignore[misc]
    assert is_distribution(pert)
    assert not is_distribution(1.0) and not is_distribution({"dist": "pert"})
    assert central_value(3) == 3.0 and isinstance(central_value(3), float)


# --- supports are exact -------------------------------------------------------------------

@pytest.mark.parametrize("distribution", [
    Pert(dist="pert", min=-0.09, mode=0.0, max=0.2),
    Triangular(dist="triangular", min=-0.09, mode=0.0, max=0.2),
    Uniform(dist="uniform", min=-0.09, max=0.2),
], ids=["pert", "triangular", "uniform"])
def test_bounded_support_is_exactly_min_max(distribution):
    # -0.09 + (0.2 - -0.09) rounds to 0.20000000000000004: the support must not.
    assert distribution.support() == (-0.09, 0.2)
    draws = distribution.ppf(np.array([0.0, 1e-12, 0.5, 1 - 1e-12, 1.0]))
    assert np.all((draws >= -0.09) & (draws <= 0.2))


def test_truncated_normal_support_is_exactly_its_bounds():
    # 1.95 + 0.1 * ((0 - 1.95) / 0.1) rounds to -2.2e-16.
    normal = Normal(dist="normal", mean=1.95, sd=0.1, lower=0.0)
    assert normal.support() == (0.0, math.inf)
    assert np.all(normal.ppf(np.array([0.0, 1e-300, 1e-12])) >= 0.0)
