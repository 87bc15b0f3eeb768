"""The dashboard page "Sensibilité" through Streamlit's AppTest (run as a page function
here; the dashboard's menu lists it once it is wired into ``ui.app.PAGES``)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    from tierslieux_sim.faces.dashboard import app
    from tierslieux_sim.faces.dashboard.page_sensitivity import page_sensitivity

    app.init_session()
    page_sensitivity(300, 1, app.st.session_state.get("test_language", "fr"))


def _start(language: str = "fr") -> AppTest:
    page = AppTest.from_function(_page, default_timeout=120)
    page.session_state["test_language"] = language
    page.run()
    assert not page.exception, page.exception
    return page


def test_tornado_scatter_and_solve_panel():
    page = _start()
    assert len(page.get("plotly_chart")) == 2  # tornado and scatter
    captions = [caption.value for caption in page.caption]
    assert any("c'est l'entrée qui pèse le plus" in text for text in captions)
    assert any("tend à" in text or "ne dépend guère" in text for text in captions)

    page.selectbox(key="sensitivity:output").set_value("autonomy_by_year_5").run()
    assert not page.exception, page.exception
    page.selectbox(key="sensitivity:input").set_value("staff[0].fte").run()
    assert not page.exception, page.exception

    page.selectbox(key="solve:vary").set_value("staff[0].fte").run()
    page.slider(key="solve:threshold:autonomy_by_year_5").set_value(50).run()
    page.button(key="solve:run").click().run()
    assert not page.exception, page.exception
    assert any("doit valoir au plus" in item.value for item in page.success)
    assert len(page.get("plotly_chart")) == 3  # and the search's chart


def test_in_english():
    page = _start("en")
    assert page.selectbox(key="sensitivity:output").label == "Output studied"
    assert any("matters most" in caption.value for caption in page.caption)


def _dashboard() -> None:
    from tierslieux_sim.faces.dashboard import app
    from tierslieux_sim.faces.dashboard.page_sensitivity import page_sensitivity

    app.PAGES.setdefault("sensitivity", page_sensitivity)  # as wired in the dashboard's menu
    app.main()


def test_inside_the_dashboard_menu():
    page = AppTest.from_function(_dashboard, default_timeout=120)
    page.run()
    page.radio(key="page").set_value("sensitivity").run()
    assert not page.exception, page.exception
    assert "Sensibilité" in page.radio(key="page").options
    assert len(page.get("plotly_chart")) == 2
    assert not page.error, [error.value for error in page.error]
