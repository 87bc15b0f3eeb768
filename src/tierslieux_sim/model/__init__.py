"""The numerical model: pure numpy functions on arrays shaped ``(draws, months)``.

Inputs are plain floats and arrays (an uncertain input arrives as a ``(draws, 1)`` column, a
fixed one as a float), so every function broadcasts over draws and months. Nothing here
imports pydantic, xarray or plotting libraries.
"""

from tierslieux_sim.model.run import MonthlyAccounts, run_model

__all__ = ["MonthlyAccounts", "run_model"]
