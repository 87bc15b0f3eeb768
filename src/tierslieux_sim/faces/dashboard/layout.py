"""Layout helpers shared by the app and its pages: charts with their title and reading above
and below, two columns of charts, and a table on a wide screen that becomes sentences on a
phone."""

from __future__ import annotations

from typing import Any

import streamlit as st

NARROW_SCREEN_PX = 640


def narrow_screen_alternative(wide: Any, narrow: Any, key: str) -> None:
    """Draw ``wide()`` (a table of many columns) for wide screens and ``narrow()`` (the same
    as sentences) for a phone, each hidden on the other by a CSS media query on the classes
    their keys give them: nothing is cut, whatever the width."""
    st.html(f"""<style>
@media (max-width: {NARROW_SCREEN_PX}px) {{ .st-key-{key}_wide {{display: none}} }}
@media (min-width: {NARROW_SCREEN_PX + 1}px) {{ .st-key-{key}_narrow {{display: none}} }}
</style>""")
    with st.container(key=f"{key}_wide"):
        wide()
    with st.container(key=f"{key}_narrow"):
        narrow()



#: Top margin of a chart whose title is written above it by Streamlit [px].
CHART_TOP_MARGIN_PX = 16


def show_chart(figure: Any, key: str, reading: str | None = None) -> None:
    """A Plotly figure with its title and subtitle written above it as text that wraps (a
    title inside the figure does not: it was cut on a phone), then its one-sentence
    reading. The figure's own title stays in the exported reports."""
    title = figure.layout.title
    heading, subtitle = title.text, title.subtitle.text if title.subtitle else None
    if heading:
        st.markdown(f"**{heading}**")
    if subtitle:
        st.caption(subtitle.replace("<br>", " "))
    figure.update_layout(title=None, margin={"t": CHART_TOP_MARGIN_PX})
    st.plotly_chart(figure, key=key, config={"displayModeBar": False})
    if reading:
        st.caption(reading)


def charts_in_two_columns(charts: list[tuple[Any, str, str]]) -> None:
    """(figure, one-sentence reading, key) triples, laid out two by two (one under the other
    on a phone)."""
    columns = st.columns(2)
    for index, (figure, reading, key) in enumerate(charts):
        with columns[index % 2]:
            show_chart(figure, key, reading)


