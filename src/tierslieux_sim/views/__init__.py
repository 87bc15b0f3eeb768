"""Views derived from :class:`~tierslieux_sim.engine.results.Results`, read by every face
(CLI, dashboard, report, workbook): the headline figures (:mod:`.headline`), budget-year and
yearly tables (:mod:`.budget`, :mod:`.yearly`), public money (:mod:`.public_money`), the
financing plan (:mod:`.financing_plan`), rule tables (:mod:`.rules`), one-sentence readings
(:mod:`.readings`) and the Plotly figures (:mod:`.plots` and its siblings)."""
