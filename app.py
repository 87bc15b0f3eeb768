"""Dashboard entry point: ``streamlit run app.py`` (the screens are in tierslieux_sim.faces.dashboard)."""

from tierslieux_sim.faces.dashboard.app import main

main()
