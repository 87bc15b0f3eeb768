"""Keyed uniforms (random, LHS, Sobol'), correlations, and distributions against scipy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from conftest import edit_scenario
from tierslieux_sim.engine.inputs import draw_input_values, plan_inputs
from tierslieux_sim.engine.sampling import (
    BLOCK_DRAWS,
    correlate_uniforms,
    is_valid_correlation,
    keyed_uniforms,
    nearest_correlation_matrix,
    normal_correlation_from_rank,
    path_key,
    sobol_uniforms,
    uniforms_for_inputs,
)
from tierslieux_sim.scenario.distributions import (
    Discrete,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)

PATH = "prices.day_pass_eur"


# --- keyed streams -------------------------------------------------------------------------

def test_path_key_and_streams_are_pinned():
    """Saved seeds must keep reproducing runs: the key of a path and its first uniforms are
    fixed (numpy guarantees PCG64 streams; a change here changes every published result)."""
    assert path_key(PATH) == 3597650064983172449
    np.testing.assert_allclose(keyed_uniforms(42, PATH, 0, 3),
                               [0.33223607, 0.52088857, 0.20307074], atol=1e-8)
    np.testing.assert_allclose(keyed_uniforms(42, PATH, 1024, 1026), [0.55522252, 0.11705494],
                               atol=1e-8)
    assert len({path_key(f"costs.fixed_lines[{i}].annual_amount_eur") for i in range(50)}) == 50


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_keyed_uniforms_do_not_depend_on_slicing(sampling):
    whole = keyed_uniforms(3, PATH, 0, 5_000, sampling)
    assert whole.shape == (5_000,)
    assert ((whole >= 0) & (whole < 1)).all()
    for start, stop in [(0, 1), (1_023, 1_025), (700, 3_100), (2_048, 4_096), (4_999, 5_000)]:
        np.testing.assert_array_equal(keyed_uniforms(3, PATH, start, stop, sampling),
                                      whole[start:stop])


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_streams_differ_by_seed_path_and_block(sampling):
    a = keyed_uniforms(3, PATH, 0, 2 * BLOCK_DRAWS, sampling)
    assert not np.array_equal(a, keyed_uniforms(4, PATH, 0, 2 * BLOCK_DRAWS, sampling))
    assert not np.array_equal(a, keyed_uniforms(3, PATH + "x", 0, 2 * BLOCK_DRAWS, sampling))
    first, second = a[:BLOCK_DRAWS], a[BLOCK_DRAWS:]
    assert not np.array_equal(np.sort(first), np.sort(second))
    assert abs(stats.pearsonr(first, second).statistic) < 0.1


def test_random_uniforms_are_uniform():
    sample = keyed_uniforms(5, PATH, 0, 20_000)
    assert stats.kstest(sample, "uniform").pvalue > 1e-3


def test_uniforms_for_inputs_keys_each_path_alone():
    paths = ["a", "b", "c"]
    together = uniforms_for_inputs(6, paths, 100, 900, "random")
    for path in paths:
        np.testing.assert_array_equal(together[path], keyed_uniforms(6, path, 100, 900))
    fewer = uniforms_for_inputs(6, ["c"], 100, 900, "random")
    np.testing.assert_array_equal(fewer["c"], together["c"])


# --- 7. LHS and Sobol' ---------------------------------------------------------------------

def test_lhs_has_one_uniform_per_stratum_in_every_block():
    sample = keyed_uniforms(7, PATH, 0, 3 * BLOCK_DRAWS, "lhs")
    for block in range(3):
        strata = np.floor(sample[block * BLOCK_DRAWS:(block + 1) * BLOCK_DRAWS] * BLOCK_DRAWS)
        np.testing.assert_array_equal(np.sort(strata), np.arange(BLOCK_DRAWS))


def test_lhs_strata_survive_the_engine(default):
    """Through plan → uniforms → inverse CDF: a uniform input is stratified per block."""
    def edit(data):
        data["revenue_lines"][0]["annual_amount_eur"] = {"dist": "uniform", "min": 1_000.0,
                                                         "max": 7_000.0}
    scenario = edit_scenario(default, edit)
    for start in (0, 3 * BLOCK_DRAWS):
        values = draw_input_values(plan_inputs(scenario), 7, start, start + 2 * BLOCK_DRAWS,
                                   "lhs")["revenue_lines[0].annual_amount_eur"]
        uniforms = (values - 1_000.0) / 6_000.0
        for block in range(2):
            chunk = uniforms[block * BLOCK_DRAWS:(block + 1) * BLOCK_DRAWS]
            # Allow the inverse CDF's rounding at stratum edges.
            strata = np.floor(chunk * BLOCK_DRAWS + 1e-9).clip(0, BLOCK_DRAWS - 1)
            assert len(np.unique(strata)) >= BLOCK_DRAWS - 2
            counts = np.bincount(np.floor(chunk * 32).astype(int), minlength=32)
            np.testing.assert_array_equal(counts, np.full(32, BLOCK_DRAWS // 32))


def test_lhs_pairs_inputs_at_random():
    a = keyed_uniforms(8, "a", 0, BLOCK_DRAWS, "lhs")
    b = keyed_uniforms(8, "b", 0, BLOCK_DRAWS, "lhs")
    assert abs(stats.spearmanr(a, b).statistic) < 0.1


@pytest.mark.parametrize("start", [0, 1, 700, 1_024])
def test_sobol_rows_do_not_depend_on_chunks(start):
    whole = sobol_uniforms(9, 5, 0, 2_048)
    assert whole.shape == (2_048, 5)
    assert ((whole >= 0) & (whole < 1)).all()
    np.testing.assert_array_equal(sobol_uniforms(9, 5, start, start + 300),
                                  whole[start:start + 300])


def test_sobol_is_balanced_and_seeded():
    sample = sobol_uniforms(10, 3, 0, 1_024)
    for column in sample.T:  # a (0, m, s)-net: one point per stratum of 1/1024
        np.testing.assert_array_equal(np.sort(np.floor(column * 1_024)), np.arange(1_024))
    assert not np.array_equal(sample, sobol_uniforms(11, 3, 0, 1_024))


# --- 8. correlations -----------------------------------------------------------------------

def test_normal_correlation_from_rank():
    rho = np.array([-1.0, -0.5, 0.0, 0.3, 1.0])
    normal = normal_correlation_from_rank(rho)
    np.testing.assert_allclose(normal, 2 * np.sin(np.pi * rho / 6))
    np.testing.assert_allclose(6 / np.pi * np.arcsin(normal / 2), rho, atol=1e-12)
    np.testing.assert_allclose(normal[[0, 2, 4]], [-1.0, 0.0, 1.0], atol=1e-12)


@pytest.mark.parametrize("matrix", [
    np.eye(3),
    np.array([[1.0, 0.5], [0.5, 1.0]]),
    np.array([[1.0, 0.3, -0.2], [0.3, 1.0, 0.6], [-0.2, 0.6, 1.0]]),
])
def test_nearest_correlation_matrix_leaves_a_valid_matrix_unchanged(matrix):
    assert is_valid_correlation(matrix)
    repaired = nearest_correlation_matrix(matrix)
    np.testing.assert_array_equal(repaired, matrix)
    assert repaired is not matrix


def test_nearest_correlation_matrix_higham_example():
    """Higham (2002), section 4: the nearest correlation matrix to tridiag(−1, 2, −1)."""
    a = np.array([[2, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]], dtype=float)
    expected = np.array([[1.0000, -0.8084, 0.1916, 0.1068],
                         [-0.8084, 1.0000, -0.6562, 0.1916],
                         [0.1916, -0.6562, 1.0000, -0.8084],
                         [0.1068, 0.1916, -0.8084, 1.0000]])
    np.testing.assert_allclose(nearest_correlation_matrix(a), expected, atol=1e-4)


def test_nearest_correlation_matrix_repairs_an_invalid_matrix():
    declared = normal_correlation_from_rank(
        np.array([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]))
    assert not is_valid_correlation(declared)
    repaired = nearest_correlation_matrix(declared)
    assert is_valid_correlation(repaired)
    np.testing.assert_allclose(np.diag(repaired), 1.0)
    np.testing.assert_allclose(repaired, repaired.T)
    assert np.abs(repaired - declared).max() < 0.5
    # Nearest: no valid matrix on the segment towards the identity is closer.
    for weight in np.linspace(0.0, 1.0, 201):
        candidate = (1 - weight) * declared + weight * np.eye(3)
        if np.linalg.eigvalsh(candidate).min() >= 0:
            distance = np.linalg.norm(candidate - declared)
            assert np.linalg.norm(repaired - declared) <= distance + 1e-6


def test_correlate_uniforms_imposes_the_rank_correlation():
    rng = np.random.default_rng(0)
    uniforms = rng.random((20_000, 2))
    normal = normal_correlation_from_rank(np.array([[1, 0.7], [0.7, 1]]))
    out = correlate_uniforms(uniforms, normal)
    assert ((out > 0) & (out < 1)).all()
    assert abs(stats.spearmanr(out[:, 0], out[:, 1]).statistic - 0.7) < 0.02
    for column in out.T:
        assert stats.kstest(column, "uniform").pvalue > 1e-3
    # The first column is left as it was (Cholesky factor's first row is e1).
    np.testing.assert_allclose(out[:, 0], uniforms[:, 0], atol=1e-9)


@pytest.mark.parametrize("k", [2, 3, 8])
def test_correlate_uniforms_is_row_by_row(k):
    """A draw's correlated values do not depend on how many draws are computed with it (BLAS
    matrix products change kernels with the row count: one row, small tails)."""
    rng = np.random.default_rng(1)
    matrix = np.full((k, k), 0.3) + 0.7 * np.eye(k)
    uniforms = rng.random((3_000, k))
    whole = correlate_uniforms(uniforms, matrix)
    reference = stats.norm.cdf(stats.norm.ppf(uniforms) @ np.linalg.cholesky(matrix).T)
    np.testing.assert_allclose(whole, reference, rtol=0, atol=1e-12)
    for size in (1, 2, 3, 5, 17, 700):
        for start in (0, 1, 5, 1_000, 3_000 - size):
            np.testing.assert_array_equal(
                correlate_uniforms(uniforms[start:start + size], matrix),
                whole[start:start + size], err_msg=f"rows {start}:{start + size}")


# --- 3. distributions against scipy --------------------------------------------------------

N = 40_000


def _uniforms(seed=31):
    return keyed_uniforms(seed, "distribution", 0, N)


def _mean_within_4_se(sample, expected):
    standard_error = sample.std(ddof=1) / np.sqrt(sample.size)
    assert abs(sample.mean() - expected) < 4 * standard_error, (sample.mean(), expected)


def _quantiles_close(sample, frozen, tolerance):
    levels = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    np.testing.assert_allclose(np.quantile(sample, levels), frozen.ppf(levels), atol=tolerance)


def test_lognormal_from_its_90_percent_interval():
    d = LogNormal(dist="lognormal", p5=20.0, p95=80.0)
    np.testing.assert_allclose(d.ppf(np.array([0.05, 0.5, 0.95])), [20.0, 40.0, 80.0],
                               rtol=1e-9)
    sigma = np.log(4.0) / (2 * stats.norm.ppf(0.95))
    reference = stats.lognorm(s=sigma, scale=40.0)
    np.testing.assert_allclose(d.mean(), reference.mean(), rtol=1e-12)
    sample = d.ppf(_uniforms())
    _mean_within_4_se(sample, reference.mean())
    _quantiles_close(sample, reference, tolerance=1.0)
    assert abs(np.mean(sample < 20.0) - 0.05) < 0.005
    assert abs(np.mean(sample > 80.0) - 0.05) < 0.005


def test_pert_matches_its_beta():
    d = Pert(dist="pert", min=8.0, mode=12.0, max=20.0)
    alpha, beta = 1 + 4 * 4 / 12, 1 + 4 * 8 / 12
    reference = stats.beta(alpha, beta, loc=8.0, scale=12.0)
    assert d.mean() == pytest.approx((8 + 4 * 12 + 20) / 6, rel=1e-12)
    grid = np.linspace(0.001, 0.999, 999)
    np.testing.assert_allclose(d.ppf(grid), reference.ppf(grid), atol=1e-7)  # fast inverse
    assert d.median() == pytest.approx(reference.median(), abs=1e-7)
    sample = d.ppf(_uniforms())
    assert sample.min() >= 8.0 and sample.max() <= 20.0
    _mean_within_4_se(sample, reference.mean())
    _quantiles_close(sample, reference, tolerance=0.1)


def test_pert_with_custom_shape_and_mode_at_an_end():
    d = Pert(dist="pert", min=0.0, mode=0.0, max=3.0, shape=2.0)
    reference = stats.beta(1.0, 3.0, scale=3.0)
    grid = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(d.ppf(grid), reference.ppf(grid), atol=1e-7)


def test_triangular_and_uniform():
    tri = Triangular(dist="triangular", min=6.0, mode=12.0, max=20.0)
    assert tri.mean() == pytest.approx(38 / 3)
    sample = tri.ppf(_uniforms())
    _mean_within_4_se(sample, 38 / 3)
    _quantiles_close(sample, stats.triang(6 / 14, loc=6, scale=14), tolerance=0.15)
    uni = Uniform(dist="uniform", min=-2.0, max=6.0)
    np.testing.assert_allclose(uni.ppf(np.array([0.0, 0.25, 0.5])), [-2.0, 0.0, 2.0])
    _mean_within_4_se(uni.ppf(_uniforms()), 2.0)


def test_truncated_normal():
    d = Normal(dist="normal", mean=10.0, sd=4.0, lower=5.0, upper=30.0)
    reference = stats.truncnorm((5 - 10) / 4, (30 - 10) / 4, loc=10, scale=4)
    assert d.mean() == pytest.approx(reference.mean(), rel=1e-12)
    assert d.mean() > 10.0  # truncation below shifts the mean up
    sample = d.ppf(_uniforms())
    assert sample.min() >= 5.0 and sample.max() <= 30.0
    _mean_within_4_se(sample, reference.mean())
    _quantiles_close(sample, reference, tolerance=0.15)
    assert d.support() == (5.0, 30.0)


def test_one_sided_truncation_and_plain_normal():
    lower_only = Normal(dist="normal", mean=0.0, sd=1.0, lower=0.0)
    assert lower_only.mean() == pytest.approx(np.sqrt(2 / np.pi), rel=1e-9)  # half-normal
    assert lower_only.support() == (0.0, np.inf)
    plain = Normal(dist="normal", mean=3.0, sd=2.0)
    _mean_within_4_se(plain.ppf(_uniforms()), 3.0)
    assert plain.median() == 3.0


def test_discrete_frequencies_and_mean():
    d = Discrete(dist="discrete", values=[30.0, 10.0, 20.0], probabilities=[0.2, 0.5, 0.3])
    assert d.mean() == pytest.approx(17.0)
    sample = d.ppf(_uniforms())
    assert set(np.unique(sample)) == {10.0, 20.0, 30.0}
    for value, probability in [(10.0, 0.5), (20.0, 0.3), (30.0, 0.2)]:
        frequency = np.mean(sample == value)
        assert abs(frequency - probability) < 4 * np.sqrt(probability * (1 - probability) / N)
    _mean_within_4_se(sample, 17.0)
    assert d.median() == 10.0  # P(X ≤ 10) = 0.5
    np.testing.assert_array_equal(d.ppf(np.array([1e-12, 0.4999, 0.5001, 0.79, 0.81, 1 - 1e-12])),
                                  [10.0, 10.0, 20.0, 20.0, 30.0, 30.0])


def test_discrete_ppf_at_zero_is_the_smallest_value():
    d = Discrete(dist="discrete", values=[10.0, 20.0, 30.0], probabilities=[0.5, 0.3, 0.2])
    assert d.ppf(np.array([0.0]))[0] == 10.0


def test_pert_inverse_is_built_once_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Pert(dist="pert", min=1.0, mode=2.0, max=9.0).ppf(np.array([0.5]))
