"""Constants of the engine that the faces read without loading it (the command line's parser
and ``tierslieux validate`` stay light): sampling methods, the block of keyed draws, the
largest run accepted, examples of output names."""

#: Sampling methods of :func:`~tierslieux_sim.engine.pipeline.simulate`.
SAMPLINGS: tuple[str, ...] = ("random", "lhs", "sobol")
#: Draws per keyed block of uniforms (:mod:`.sampling`).
BLOCK_DRAWS = 1024
#: Largest number of draws a command accepts (memory is checked apart, :mod:`.memory`).
MAX_DRAWS = 10_000_000
#: Output names shown when a name is not understood (:mod:`.outputs`).
OUTPUT_EXAMPLES = ("balancing_subsidy_p80", "autonomy_by_year_5", "cash_at_horizon_p50",
                   "balancing_subsidy")

#: Draws (or samples) of each analysis by default: the command line's parser shows them.
DEFAULT_COMPARE_DRAWS = 10_000
DEFAULT_TORNADO_DRAWS = 1_000
DEFAULT_SOBOL_SAMPLES = 1_024
DEFAULT_SOLVE_DRAWS = 2_000
DEFAULT_SWEEP_DRAWS = 2_000
