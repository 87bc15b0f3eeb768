"""Uncertain inputs: distributions written inline in scenario files.

Each class validates its own parameters (``min ≤ mode ≤ max`` …) and maps to a frozen
``scipy.stats`` distribution; sampling is done elsewhere (``tierslieux_sim.engine.sampling``) by
pushing uniforms through :meth:`ppf`, so the sampling method (random, LHS, Sobol) and the
correlations are independent of the distribution family.
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache
from statistics import NormalDist
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError


#: z such that P(Z ≤ z) = 0.95 for a standard normal: p5 and p95 are mean ∓ z·sigma.
def _scipy_stats() -> Any:
    """``scipy.stats``, imported on first use (not to dodge a cycle): it takes most of a
    second to import, and reading or validating a scenario never needs it."""
    import scipy.stats
    import scipy.stats.sampling  # noqa: F401  (NumericalInverseHermite)

    return scipy.stats


_Z95 = 1.6448536269514722  # scipy.stats.norm.ppf(0.95)


class _Distribution(BaseModel):
    # allow_inf_nan=False: TOML accepts inf and nan, which would make scipy warn or fail.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    def frozen(self) -> Any:
        """The equivalent frozen ``scipy.stats`` distribution."""
        raise NotImplementedError

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        """Inverse CDF: values for uniforms in (0, 1), same shape, within :meth:`support`."""
        return np.clip(np.asarray(self.frozen().ppf(uniforms), dtype=float), *self.support())

    def quantile(self, probability: float) -> float:
        """The value below which a draw falls with ``probability``."""
        return float(self.ppf(np.array([probability]))[0])

    def median(self) -> float:
        """The central-case value of this input."""
        return float(self.ppf(np.array([0.5]))[0])

    def mean(self) -> float:
        return float(self.frozen().mean())

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (may be infinite)."""
        low, high = self.frozen().support()
        return float(low), float(high)


def _check_ordered(low: float, middle: float | None, high: float, names: str) -> None:
    ordered = low < high and (middle is None or low <= middle <= high)
    if not ordered:
        found = f"{low}, {middle}, {high}" if middle is not None else f"{low}, {high}"
        raise PydanticCustomError(
            "tl_order", "expected {names} in increasing order, got {found}",
            {"names": names, "found": found},
        )


@lru_cache(maxsize=512)
def _standard_beta_inverse(alpha: float, beta: float) -> Any:
    """Fast inverse CDF of a beta on [0, 1] (u-error < 1e-11), built once per shape.

    ``scipy.special.betaincinv`` costs ~0.5 µs a value; Hermite interpolation of the inverse
    (UNU.RAN HINV) evaluates a cubic instead (~20 ns), which matters for 10⁵–10⁶ draws of a
    dozen PERT inputs. PINV was tried first and hangs in its setup for some shapes (e.g.
    beta(4.2, 1.8)); HINV is checked over a grid of PERT shapes in the tests.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # UNU.RAN notes on its setup
        stats = _scipy_stats()
        return stats.sampling.NumericalInverseHermite(stats.beta(alpha, beta), u_resolution=1e-12)


class Pert(_Distribution):
    """PERT ("min / probable / max"): a beta on [min, max] whose mode is ``mode``."""

    dist: Literal["pert"]
    min: float
    mode: float
    max: float
    shape: float = Field(4.0, gt=0, description="λ, weight of the mode (4 = classic PERT)")

    @model_validator(mode="after")
    def _ordered(self) -> Pert:
        _check_ordered(self.min, self.mode, self.max, "min ≤ mode ≤ max (min < max)")
        return self

    def _shape_parameters(self) -> tuple[float, float]:
        width = self.max - self.min
        return (1 + self.shape * (self.mode - self.min) / width,
                1 + self.shape * (self.max - self.mode) / width)

    def frozen(self) -> Any:
        return _scipy_stats().beta(*self._shape_parameters(), loc=self.min,
                                   scale=self.max - self.min)

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        standard = _standard_beta_inverse(*self._shape_parameters()).ppf(uniforms)
        values = self.min + (self.max - self.min) * np.asarray(standard, dtype=float)
        return np.clip(values, self.min, self.max)  # min + (max - min) may round above max

    def support(self) -> tuple[float, float]:
        # Exact: scipy's loc + scale can round past max (-0.09 + 0.29 > 0.2), which made
        # the bounds check reject a distribution ending exactly on a field's bound.
        return self.min, self.max


class Triangular(_Distribution):
    """Triangular on [min, max] with its peak at ``mode``."""

    dist: Literal["triangular"]
    min: float
    mode: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        _check_ordered(self.min, self.mode, self.max, "min ≤ mode ≤ max (min < max)")
        return self

    def frozen(self) -> Any:
        width = self.max - self.min
        return _scipy_stats().triang((self.mode - self.min) / width, loc=self.min, scale=width)

    def support(self) -> tuple[float, float]:
        return self.min, self.max  # exact (see Pert.support)


class Uniform(_Distribution):
    """Uniform on [min, max]."""

    dist: Literal["uniform"]
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        _check_ordered(self.min, None, self.max, "min < max")
        return self

    def frozen(self) -> Any:
        return _scipy_stats().uniform(loc=self.min, scale=self.max - self.min)

    def support(self) -> tuple[float, float]:
        return self.min, self.max  # exact (see Pert.support)


class Normal(_Distribution):
    """Normal with ``mean`` and standard deviation ``sd``, optionally truncated to [lower, upper]."""

    dist: Literal["normal"]
    mean_value: float = Field(alias="mean")
    sd: float = Field(gt=0)
    lower: float | None = None
    upper: float | None = None

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _bounds(self) -> Normal:
        low = -np.inf if self.lower is None else self.lower
        high = np.inf if self.upper is None else self.upper
        _check_ordered(low, None, high, "lower < upper")
        return self

    def frozen(self) -> Any:
        if self.lower is None and self.upper is None:
            return _scipy_stats().norm(self.mean_value, self.sd)
        low = -np.inf if self.lower is None else (self.lower - self.mean_value) / self.sd
        high = np.inf if self.upper is None else (self.upper - self.mean_value) / self.sd
        return _scipy_stats().truncnorm(low, high, loc=self.mean_value, scale=self.sd)

    def support(self) -> tuple[float, float]:
        # Exact: mean + sd·(lower − mean)/sd can round below lower (e.g. −2e-16 for lower = 0).
        return (-np.inf if self.lower is None else self.lower,
                np.inf if self.upper is None else self.upper)


class LogNormal(_Distribution):
    """Log-normal given by its 90% interval: 5th percentile ``p5`` and 95th ``p95``."""

    dist: Literal["lognormal"]
    p5: float = Field(gt=0)
    p95: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> LogNormal:
        _check_ordered(self.p5, None, self.p95, "0 < p5 < p95")
        return self

    def frozen(self) -> Any:
        log_median = (np.log(self.p5) + np.log(self.p95)) / 2
        sigma = (np.log(self.p95) - np.log(self.p5)) / (2 * _Z95)
        return _scipy_stats().lognorm(s=sigma, scale=np.exp(log_median))

    def support(self) -> tuple[float, float]:
        return 0.0, float(np.inf)  # as scipy's lognorm; said here so validation needs no scipy

    def quantile(self, probability: float) -> float:
        # Closed form (no scipy: validating a file checks the size of a high quantile).
        log_median = (math.log(self.p5) + math.log(self.p95)) / 2
        sigma = (math.log(self.p95) - math.log(self.p5)) / (2 * _Z95)
        try:
            return math.exp(log_median + sigma * NormalDist().inv_cdf(probability))
        except OverflowError:
            return math.inf


class Discrete(_Distribution):
    """A finite set of ``values`` with their ``probabilities`` (summing to 1)."""

    dist: Literal["discrete"]
    values: list[float] = Field(min_length=1)
    probabilities: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Discrete:
        if len(self.values) != len(self.probabilities):
            raise PydanticCustomError(
                "tl_length_mismatch", "values and probabilities differ in length ({a} vs {b})",
                {"a": len(self.values), "b": len(self.probabilities)},
            )
        if any(p < 0 for p in self.probabilities) or abs(sum(self.probabilities) - 1) > 1e-6:
            raise PydanticCustomError(
                "tl_shares_sum", "probabilities must be ≥ 0 and sum to 1, got sum {found}",
                {"found": round(sum(self.probabilities), 6)},
            )
        return self

    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.values, kind="stable")
        return np.asarray(self.values)[order], np.asarray(self.probabilities)[order]

    def frozen(self) -> Any:
        # rv_discrete needs integer support: sample the index, then look the value up.
        _, probabilities = self._sorted()
        return _scipy_stats().rv_discrete(values=(np.arange(len(probabilities)), probabilities))

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        values, _ = self._sorted()
        # rv_discrete.ppf(0) is −1 (below the support): clip so u = 0 gives the smallest value.
        index = np.clip(np.asarray(self.frozen().ppf(uniforms), dtype=int), 0, None)
        return values[index]

    def mean(self) -> float:
        return float(np.dot(self.values, self.probabilities))

    def support(self) -> tuple[float, float]:
        return float(min(self.values)), float(max(self.values))


Distribution = Pert | Triangular | Uniform | Normal | LogNormal | Discrete
DISTRIBUTION_NAMES = ("pert", "triangular", "uniform", "normal", "lognormal", "discrete")


def _kind_of(value: Any) -> str | None:
    """Tag of an uncertain value: ``number``, a distribution name, or None (invalid)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, _Distribution):
        return str(value.dist)  # type: ignore[attr-defined]
    if isinstance(value, dict) and value.get("dist") in DISTRIBUTION_NAMES:
        return str(value["dist"])
    return None


#: A numeric scenario leaf: a plain number or a distribution inline table.
UncertainNumber = Annotated[
    Annotated[float, Tag("number")]
    | Annotated[Pert, Tag("pert")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[LogNormal, Tag("lognormal")]
    | Annotated[Discrete, Tag("discrete")],
    Discriminator(
        _kind_of,
        custom_error_type="tl_uncertain",
        custom_error_message="expected a number or a distribution table",
    ),
]

UNION_TAGS = frozenset(("number", "schedule", *DISTRIBUTION_NAMES))


def is_distribution(value: object) -> bool:
    return isinstance(value, _Distribution)


def central_value(value: float | _Distribution) -> float:
    """Median of a distribution, or the number itself."""
    return value.median() if isinstance(value, _Distribution) else float(value)
