"""The engine: ``sample`` (:mod:`.inputs`) → ``evaluate`` (:mod:`.evaluate`) → ``collect``
(:mod:`.collect`) → :class:`~.results.Results`, composed by :func:`~.pipeline.simulate`.

Imported on demand (``import tierslieux_sim`` does not load it)."""

from tierslieux_sim.engine.evaluate import evaluate
from tierslieux_sim.engine.inputs import InputPlan, plan_inputs, sample
from tierslieux_sim.engine.pipeline import simulate
from tierslieux_sim.engine.results import Results

__all__ = ["InputPlan", "Results", "evaluate", "plan_inputs", "sample", "simulate"]
