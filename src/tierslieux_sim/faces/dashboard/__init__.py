"""The Streamlit dashboard (the only package that imports Streamlit).

``app.py`` at the repository root runs :func:`tierslieux_sim.faces.dashboard.app.main`; ``tierslieux app``
starts it. The pure helpers (scenario data paths, cell parsing) live in :mod:`.data` and are
tested without Streamlit.
"""
