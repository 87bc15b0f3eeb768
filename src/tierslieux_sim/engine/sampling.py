"""Uniform draws for uncertain inputs, keyed so that results are reproducible and comparable.

* Each input's stream is keyed by ``(seed, hash of its path, block)`` with blocks of
  :data:`BLOCK_DRAWS` draws: the same seed gives the same draws whatever the chunking, and
  adding or changing one input never changes the draws of another (common random numbers).
* ``random``: independent uniforms; ``lhs``: a one-dimensional Latin hypercube per input and
  block (``scipy.stats.qmc.LatinHypercube``), paired at random across inputs as LHS does;
  ``sobol``: a scrambled Sobol' sequence over all inputs (``scipy.stats.qmc.Sobol``) — its
  draws depend on the set of inputs, which is said in a warning.
* Rank correlations are imposed with a Gaussian copula, draw by draw (so chunk-invariant): the
  declared Spearman matrix ρ is turned into normal correlations ``2 sin(πρ/6)``, repaired to
  the nearest valid correlation matrix if needed (Higham 2002), and applied by Cholesky.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import stats
from scipy.stats import qmc

from tierslieux_sim.engine.constants import BLOCK_DRAWS

Sampling = Literal["random", "lhs", "sobol"]


def path_key(path: str) -> int:
    """A stable 64-bit integer for a parameter path (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "little")


def _block_generator(seed: int, path: str, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(path_key(path), block)))


def _block_uniforms(seed: int, path: str, block: int, sampling: str) -> np.ndarray:
    rng = _block_generator(seed, path, block)
    if sampling == "lhs":
        return qmc.LatinHypercube(d=1, rng=rng).random(BLOCK_DRAWS)[:, 0]
    return rng.random(BLOCK_DRAWS)


def keyed_uniforms(seed: int, path: str, start: int, stop: int, sampling: str = "random"
                   ) -> np.ndarray:
    """Uniforms in [0, 1) for draws ``start … stop − 1`` of the input at ``path``."""
    first_block, last_block = start // BLOCK_DRAWS, (stop - 1) // BLOCK_DRAWS
    blocks = [_block_uniforms(seed, path, block, sampling)
              for block in range(first_block, last_block + 1)]
    joined = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    offset = first_block * BLOCK_DRAWS
    return joined[start - offset: stop - offset]


def sobol_uniforms(seed: int, n_inputs: int, start: int, stop: int) -> np.ndarray:
    """Rows ``start … stop − 1`` of a scrambled Sobol' sequence, shaped ``(draws, inputs)``."""
    engine = qmc.Sobol(d=max(n_inputs, 1), scramble=True,
                       rng=np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))))
    if start > 0:  # scipy (≥ 1.17) raises OverflowError on fast_forward(0)
        engine.fast_forward(start)
    with warnings.catch_warnings():
        # Balance properties need powers of two; any count is still a valid QMC sample.
        warnings.filterwarnings("ignore", message=".*balance properties.*", category=UserWarning)
        return engine.random(stop - start)


def uniforms_for_inputs(seed: int, paths: Sequence[str], start: int, stop: int,
                        sampling: str = "random") -> dict[str, np.ndarray]:
    """Uniforms for every input path, for draws ``start … stop − 1``."""
    if sampling == "sobol":
        table = sobol_uniforms(seed, len(paths), start, stop)
        return {path: table[:, column] for column, path in enumerate(paths)}
    return {path: keyed_uniforms(seed, path, start, stop, sampling) for path in paths}


# --- correlations ----------------------------------------------------------------------------

def normal_correlation_from_rank(rank_correlation: np.ndarray) -> np.ndarray:
    """Pearson correlation of normals giving Spearman ``ρ``: ``2 sin(π ρ / 6)``."""
    return 2.0 * np.sin(np.pi * np.asarray(rank_correlation) / 6.0)


def nearest_correlation_matrix(matrix: np.ndarray, tolerance: float = 1e-10,
                               max_iterations: int = 500) -> np.ndarray:
    """Nearest correlation matrix in Frobenius norm (Higham 2002, alternating projections
    with Dykstra's correction); a valid matrix is returned unchanged."""
    matrix = np.asarray(matrix, dtype=float)
    if is_valid_correlation(matrix):
        return matrix.copy()
    y = matrix.copy()
    correction = np.zeros_like(matrix)
    for _ in range(max_iterations):
        r = y - correction
        eigenvalues, eigenvectors = np.linalg.eigh((r + r.T) / 2)
        x = (eigenvectors * np.maximum(eigenvalues, 0.0)) @ eigenvectors.T
        correction = x - r
        y_next = x.copy()
        np.fill_diagonal(y_next, 1.0)
        if np.linalg.norm(y_next - y) <= tolerance * np.linalg.norm(y_next):
            y = y_next
            break
        y = y_next
    # Clip tiny negative eigenvalues left by the iteration so Cholesky succeeds.
    eigenvalues, eigenvectors = np.linalg.eigh((y + y.T) / 2)
    y = (eigenvectors * np.maximum(eigenvalues, 1e-10)) @ eigenvectors.T
    scale = np.sqrt(np.diag(y))
    return y / np.outer(scale, scale)


def is_valid_correlation(matrix: np.ndarray) -> bool:
    """Symmetric, unit diagonal, positive definite (Cholesky succeeds)."""
    if not np.allclose(matrix, matrix.T) or not np.allclose(np.diag(matrix), 1.0):
        return False
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


def correlate_uniforms(uniforms: np.ndarray, normal_correlation: np.ndarray) -> np.ndarray:
    """Impose a normal correlation on columns of uniforms ``(draws, k)`` (Gaussian copula)."""
    normals = stats.norm.ppf(np.clip(uniforms, 1e-12, 1 - 1e-12))
    factor = np.linalg.cholesky(normal_correlation)
    # normals @ factor.T, summed in a fixed order without BLAS: BLAS kernels change with the
    # number of rows (one row, small tails), which made a draw's last bits depend on its chunk.
    correlated = np.zeros_like(normals)
    for column in range(factor.shape[1]):
        correlated += normals[:, column:column + 1] * factor[:, column]
    return stats.norm.cdf(correlated)
