"""Streamlit entry point inside the package (``tierslieux app`` runs this file)."""

from tierslieux_sim.ui.app import main

main()
