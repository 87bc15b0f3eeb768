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


def title_out(figure: Any) -> tuple[str | None, str | None]:
    """Take the figure's title and subtitle out of it (they are written above the chart as
    text that wraps: a title inside the figure does not, it was cut on a phone); returns
    them. Changes ``figure``."""
    title = figure.layout.title
    heading, subtitle = title.text, title.subtitle.text if title.subtitle else None
    figure.update_layout(title=None, margin={"t": CHART_TOP_MARGIN_PX})
    return heading, subtitle


def draw_chart(figure: Any, key: str, heading: str | None, subtitle: str | None,
               reading: str | None = None) -> None:
    """A figure whose title is out (:func:`title_out`): its title and subtitle, the figure
    (not changed, so that a figure shared by sessions can be drawn as is), its reading."""
    if heading:
        st.markdown(f"**{heading}**")
    if subtitle:
        st.caption(subtitle.replace("<br>", " "))
    st.plotly_chart(figure, key=key, config={"displayModeBar": False})
    if reading:
        st.caption(reading)


def show_chart(figure: Any, key: str, reading: str | None = None) -> None:
    """A Plotly figure with its title and subtitle written above it as text that wraps (a
    title inside the figure does not: it was cut on a phone), then its one-sentence
    reading. The figure's own title stays in the exported reports."""
    heading, subtitle = title_out(figure)
    draw_chart(figure, key, heading, subtitle, reading)


def charts_in_two_columns(charts: list[tuple[Any, str, str]]) -> None:
    """(figure, one-sentence reading, key) triples, laid out two by two (one under the other
    on a phone)."""
    columns = st.columns(2)
    for index, (figure, reading, key) in enumerate(charts):
        with columns[index % 2]:
            show_chart(figure, key, reading)


def shared_charts_in_two_columns(charts: list[tuple[Any, str | None, str | None, str, str]]
                                 ) -> None:
    """(figure whose title is out, heading, subtitle, reading, key), laid out as
    :func:`charts_in_two_columns`; the figures are drawn without being changed or copied
    (they may be shared by every session)."""
    columns = st.columns(2)
    for index, (figure, heading, subtitle, reading, key) in enumerate(charts):
        with columns[index % 2]:
            draw_chart(figure, key, heading, subtitle, reading)
