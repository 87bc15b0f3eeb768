"""Dashboard entry point: ``streamlit run app.py`` (the screens are in tierslieux_sim.ui)."""

from tierslieux_sim.ui.app import main

main()
