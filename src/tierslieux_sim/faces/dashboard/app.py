"""The dashboard's screens: sidebar (language, scenario, precision), results, assumptions,
comparison. Run with ``streamlit run app.py`` or ``tierslieux app``.

Logic lives elsewhere: the engine simulates, :mod:`tierslieux_sim.views.plots` draws, the scenario
layer validates. This file describes the screen; runs are cached on the canonical scenario
text, the number of draws and the seed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from tierslieux_sim.core.allocator import keep_large_arrays_on_the_heap
from tierslieux_sim.core.formatting import format_eur, format_number, format_percent
from tierslieux_sim.core.i18n import LANGUAGES, current_language, message
from tierslieux_sim.core.safe_text import clean
from tierslieux_sim.engine.results import Results
from tierslieux_sim.faces.dashboard import data as scenario_data
from tierslieux_sim.faces.dashboard.cards import collectivity_cost_cards
from tierslieux_sim.faces.dashboard.layout import (
    NARROW_SCREEN_PX,
    charts_in_two_columns,
    shared_charts_in_two_columns,
    title_out,
)
from tierslieux_sim.faces.dashboard.page_financing import page_financing
from tierslieux_sim.faces.dashboard.page_outside import page_outside
from tierslieux_sim.faces.dashboard.page_sensitivity import page_sensitivity
from tierslieux_sim.faces.dashboard.page_territory import page_territory
from tierslieux_sim.faces.dashboard.runs import (
    RESULTS_PAGE_VARIABLES,
    _field_of,
    means_view,
    run_current,
    run_scenario,
    scenario_text,
    table_label,
    validated_scenario,
)
from tierslieux_sim.faces.dashboard.widgets import (
    TABLE_PREFIX,
    WIDGET_PREFIX,
    forget_choices,
    label_with_unit,
    refused_tables,
    remember_choice,
    restore_choices,
    section_editor,
    table_editor,
)
from tierslieux_sim.faces.report import build_report_html, pdf_available, report_pdf_bytes
from tierslieux_sim.faces.workbook import workbook_bytes
from tierslieux_sim.scenario.errors import Problem, ScenarioError
from tierslieux_sim.scenario.fields import field_meta
from tierslieux_sim.scenario.files import parse_scenario_text, preset_names, preset_scenario, scenario_to_toml
from tierslieux_sim.scenario.limits import MAX_FILE_BYTES, decode
from tierslieux_sim.scenario.schema import Scenario, section_label
from tierslieux_sim.views import plots
from tierslieux_sim.views.public_money import public_money_eur

FAST_DRAWS, PRECISE_DRAWS = 2_000, 10_000
DEFAULT_SEED = 1
MAX_VARIANTS = 4
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The inputs officials move most, shown at the top of the results page (when present).
LEVER_PATHS = scenario_data.LEVER_PATHS
LEVER_PREFIX = "lever:"
#: The option of "Scénario type" that stands for the file the user loaded.
FILE_OPTION = "file:"


# --- state ---------------------------------------------------------------------------------

def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * exponent >= value:
            return factor * exponent
    return 10 * exponent


@functools.cache
def typical_value(path: str) -> float:
    """The largest probable value of an input among the preset scenarios: the scale of a
    lever whose loaded value says nothing of it (a price of 0 for a desk kind not offered)."""
    values = [scenario_data.probable_value(value) for value in (
        scenario_data.get_path(scenario_data.scenario_data(preset_scenario(name)), path)
        for name in preset_names()) if value is not None and not isinstance(value, bool)]
    return max(values, default=0.0)


def _nice_step(span: float) -> float:
    """A round slider step of about ``span`` (1, 2 or 5 times a power of ten)."""
    exponent = 10 ** math.floor(math.log10(span))
    for factor in (1, 2, 5):
        if factor * exponent >= span * 0.999:
            return factor * exponent
    return 10 * exponent


def lever_range(path: str, value: Any) -> tuple[float, float, float]:
    """Slider range and step of a lever, set when a scenario is loaded (stable while it moves).

    From the field's minimum to a round number above 2.5 times the loaded probable value,
    capped by the field's maximum; a loaded value of 0 (a kind of desk the site does not
    offer) says nothing of the scale, so the value typical of the presets stands in for it and
    the range never collapses to a sliver such as 0–1 €/month."""
    model, name = _field_of(path)
    meta = field_meta(model, name)
    probable = scenario_data.probable_value(value)
    low = 0.0 if meta is None or meta.minimum is None else float(meta.minimum)
    scale = probable if probable > 0 else typical_value(path)
    high = _nice_ceiling(max(2.5 * scale, low + 1))
    if meta is not None and meta.maximum is not None:
        high = min(high, float(meta.maximum))
    if scenario_data.field_kind(model, name) == "int":
        return low, max(high, low + 1), 1.0
    return low, high, _nice_step((high - low) / 100)


#: How sliders write their value: in the reader's browser's number format, without trailing
#: zeros (``12``, ``0,75``, ``15 000`` in a French browser) — Streamlit's printf formats
#: only know the English decimal point (``12.0``, ``0.75``, ``15000``).
SLIDER_FORMAT = "localized"


def load_into_session(scenario: Scenario) -> None:
    """Make ``scenario`` the one being edited: data, widgets and tables start from it."""
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith((WIDGET_PREFIX, TABLE_PREFIX, LEVER_PREFIX)):
            del st.session_state[key]
    forget_choices(WIDGET_PREFIX)
    st.session_state["lever_anchors"] = {}
    data = scenario_data.scenario_data(scenario)
    st.session_state["data"] = data
    st.session_state["scenario"] = scenario
    st.session_state["lever_ranges"] = {
        path: lever_range(path, scenario_data.get_path(data, path)) for path in LEVER_PATHS
        if scenario_data.get_path(data, path) is not None
        and not scenario_data.is_schedule_data(scenario_data.get_path(data, path))
        and scenario_data.field_kind(*_field_of(path)) != "bool"}


def _on_preset_change() -> None:
    choice = st.session_state["preset"]
    loaded = st.session_state.get("loaded_file")
    if choice == FILE_OPTION and loaded is not None:  # back to the file loaded earlier
        load_into_session(parse_scenario_text(loaded["text"], loaded["file"]))
    elif choice != FILE_OPTION:
        load_into_session(preset_scenario(choice))


def init_session() -> None:
    if "data" not in st.session_state:
        st.session_state["preset"] = "default"
        load_into_session(preset_scenario("default"))
        st.session_state.setdefault("variants", {})


# --- runs ----------------------------------------------------------------------------------

# --- sidebar -------------------------------------------------------------------------------

def sidebar_language() -> str:
    st.session_state.setdefault("lang", current_language())  # TIERSLIEUX_LANG, else French
    return st.sidebar.selectbox(
        "Langue / Language", LANGUAGES, key="lang", on_change=restore_choices,
        placeholder="Choisir… / Choose…",
        format_func=lambda code: {"fr": "Français", "en": "English"}[code])


#: Largest file the uploaders accept [MB, as Streamlit counts them: 2**20 bytes]: the
#: loader's limit rounded up, so the loader (not the browser) refuses a file just above it,
#: with its French message.
UPLOAD_LIMIT_MB = max(1, math.ceil(MAX_FILE_BYTES / 2**20))


def scenario_uploader(label: str, key: str, language: str, *, multiple: bool = False,
                      on_change: Any = None) -> Any:
    """A file uploader whose every word is the catalogue's: Streamlit's own button text and
    "200MB per file" are replaced (CSS, by the uploader's key class) by ours, the size limit
    is the loader's, and any file is accepted so that a wrong kind of file is refused by
    :func:`upload_problem` in the reader's language rather than by the browser in English."""
    selector = f".st-key-{key}"
    # The browser refuses a file above the size limit itself, in English, in a tooltip (the
    # only error tooltip of the dashboard): both say ours instead.
    refused = _css_text(message("ui.upload_too_large", language, limit=_megabytes_text(language)))
    st.html(f"""<style>
{selector} [data-testid="stFileUploaderDropzoneInstructions"] {{display: none}}
{selector} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]
  {{display: none}}
{selector} [data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after
  {{content: "{_css_text(message("ui.upload_button", language))}"}}
{selector} [data-testid="stFileChip"] [data-testid="stFileChipName"] + div {{display: none}}
{selector} [data-testid="stTooltipErrorHoverTarget"] {{flex-wrap: wrap !important}}
{selector} [data-testid="stFileChip"] span[role="alert"] {{display: none}}
{selector} [data-testid="stTooltipErrorHoverTarget"]::after,
[data-testid="stTooltipErrorContent"]::after
  {{content: "{refused}"; font-size: 0.875rem; flex-basis: 100%}}
{selector} [data-testid="stTooltipErrorHoverTarget"]::after {{color: rgb(255, 75, 75)}}
[data-testid="stTooltipErrorContent"] {{font-size: 0}}
</style>""")
    uploaded = st.file_uploader(label, key=key, accept_multiple_files=multiple,
                                max_upload_size=UPLOAD_LIMIT_MB, on_change=on_change,
                                help=message("ui.upload_help", language,
                                             limit=_megabytes_text(language)))
    st.caption(message("ui.upload_caption", language, limit=_megabytes_text(language)))
    return uploaded


def _megabytes_text(language: str) -> str:
    return format_number(MAX_FILE_BYTES / 1_000_000, 0, language)


def _css_text(text: str) -> str:
    """``text`` as a CSS string's content (quotes and backslashes escaped)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def upload_problem(name: str, raw: bytes, language: str) -> str | None:
    """Why an uploaded file cannot be a scenario (not ``.toml``, too large), in the reader's
    language; None when the loader may read it."""
    if not name.lower().endswith(".toml"):
        return message("ui.upload_not_toml", language, file=name)
    if len(raw) > MAX_FILE_BYTES:
        return ScenarioError(name, [Problem("", "file_too_large", {
            "limit": format_number(MAX_FILE_BYTES / 1_000_000, 1, language),
            "found": format_number(len(raw) / 1_000_000, 1, language),
            "limit_bytes": format_number(MAX_FILE_BYTES, 0, language),
            "found_bytes": format_number(len(raw), 0, language)})]).report(language)
    return None


def _on_upload() -> None:
    """A file was chosen: load it (before the rerun, so "Scénario type" can name it), or say
    why not and keep the current scenario."""
    uploaded = st.session_state.get("upload")
    if uploaded is None:  # the file was removed from the uploader: keep the scenario
        return
    language = st.session_state.get("lang", current_language())
    name = clean(uploaded.name)  # a file name is shown: shortened, control characters escaped
    try:
        raw = uploaded.getvalue()
        problem = upload_problem(uploaded.name, raw, language)
        if problem is not None:
            st.session_state["upload_message"] = (
                "error", message("ui.upload_failed", language, file=name) + "\n\n" + problem)
            return
        text = decode(raw, name)  # the size limit, then UTF-8 with the line of a bad byte
        scenario = parse_scenario_text(text, name)
    except ScenarioError as error:
        st.session_state["upload_message"] = (
            "error", message("ui.upload_failed", language, file=name) + "\n\n"
            + error.report(language).replace("\n", "\n\n"))
    else:
        load_into_session(scenario)
        st.session_state["loaded_file"] = {"text": text, "file": uploaded.name,
                                           "name": scenario.meta.name}
        st.session_state["preset"] = FILE_OPTION
        st.session_state["upload_message"] = (
            "success", message("ui.upload_ok", language, name=scenario.meta.name,
                               file=uploaded.name))


def _preset_label(choice: str, loaded: dict[str, str] | None, language: str) -> str:
    if choice == FILE_OPTION and loaded is not None:
        return message("ui.preset_file", language, name=loaded["name"], file=loaded["file"])
    return preset_scenario(choice).meta.name


def sidebar_scenario(language: str) -> None:
    loaded = st.session_state.get("loaded_file")
    options = preset_names() + ([FILE_OPTION] if loaded is not None else [])
    remember_choice("preset", st.sidebar.selectbox(
        message("ui.preset", language), options, key="preset",
        placeholder=message("ui.choose", language),
        format_func=lambda choice: _preset_label(choice, loaded, language),
        on_change=_on_preset_change))
    with st.sidebar:
        scenario_uploader(message("ui.upload", language), "upload", language,
                          on_change=_on_upload)
    if "upload_message" in st.session_state:
        kind, text = st.session_state["upload_message"]
        (st.sidebar.error if kind == "error" else st.sidebar.success)(text)


def sidebar_precision(language: str) -> tuple[int, int]:
    draws = remember_choice("draws", st.sidebar.radio(
        message("ui.draws_mode", language), (FAST_DRAWS, PRECISE_DRAWS), key="draws",
        format_func=lambda n: message("ui.draws_fast" if n == FAST_DRAWS else "ui.draws_precise",
                                      language, draws=f"{n:,}".replace(",", "\u202f"))))
    with st.sidebar.expander(message("ui.advanced", language)):
        st.session_state.setdefault("seed", DEFAULT_SEED)
        seed = st.number_input(message("ui.seed", language), min_value=0, step=1, key="seed",
                               help=message("ui.seed_help", language))
    return int(draws), int(seed)


def sidebar_download(scenario: Scenario, language: str) -> None:
    slug = "".join(c if c.isalnum() else "-" for c in scenario.meta.name.lower()).strip("-")
    st.sidebar.download_button(message("ui.download", language), scenario_text(scenario),
                               file_name=f"{slug or 'scenario'}.toml",
                               mime="application/toml", key="download")


# --- results page --------------------------------------------------------------------------

def _on_lever_change(path: str) -> None:
    """A lever moved: its input's probable value follows (a range is scaled with it), rounded
    to the lever's precision. Only a move writes: showing a lever never changes the data."""
    data = st.session_state["data"]
    model, name = _field_of(path)
    meta = field_meta(model, name)
    assert meta is not None
    chosen = st.session_state[f"{LEVER_PREFIX}{path}"]
    if scenario_data.field_kind(model, name) == "bool":
        scenario_data.set_path(data, path, bool(chosen))
        return
    step = st.session_state["lever_ranges"][path][2]
    value = scenario_data.get_path(data, path)
    # Moves scale the value the lever started from, so rounding never accumulates over moves;
    # a value changed elsewhere since (the Assumptions page) becomes the new start.
    anchors = st.session_state.setdefault("lever_anchors", {})
    anchor, last_written = anchors.get(path, (value, value))
    if last_written != value:
        anchor = value
    moved = scenario_data.rounded_value(
        scenario_data.with_probable_value(anchor, chosen, meta.minimum, meta.maximum), step)
    anchors[path] = (anchor, moved)
    scenario_data.set_path(data, path, moved)


def _lever_shown(key: str, value: Any, low: float, high: float, step: float, integer: bool
                 ) -> None:
    """Put the data's probable value on the slider when it differs (an edit on another page,
    a load), clipped to the slider's range: the slider shows the data, never the reverse."""
    shown = min(max(scenario_data.probable_value(value), low), high)
    if key not in st.session_state or abs(st.session_state[key] - shown) > step / 2:
        st.session_state[key] = int(round(shown)) if integer else float(shown)


def levers(language: str) -> None:
    data = st.session_state["data"]
    st.subheader(message("ui.levers", language), help=message("ui.levers_help", language))
    present = [path for path in LEVER_PATHS if scenario_data.get_path(data, path) is not None
               and not scenario_data.is_schedule_data(scenario_data.get_path(data, path))]
    scheduled = [path for path in LEVER_PATHS
                 if scenario_data.is_schedule_data(scenario_data.get_path(data, path))]
    if scheduled:  # a lever would flatten dated steps into one value: none is shown for them
        st.caption(message("ui.levers_scheduled", language, fields=", ".join(
            table_label(path, language) for path in scheduled)))
    columns = st.columns(3)
    for index, path in enumerate(present):
        model, name = _field_of(path)
        meta = field_meta(model, name)
        assert meta is not None
        label = label_with_unit(meta, language)
        if "[" in path:  # a lever on a list item says which item: "ETP — Animateur·rice"
            item = scenario_data.get_path(data, path.rsplit(".", 1)[0]) or {}
            label = f"{label} — {item.get('name') or item.get('role') or ''}".rstrip(" —")
        value = scenario_data.get_path(data, path)
        key = f"{LEVER_PREFIX}{path}"
        with columns[index % 3]:
            if scenario_data.field_kind(model, name) == "bool":
                if st.session_state.get(key) != bool(value):
                    st.session_state[key] = bool(value)
                st.toggle(label, key=key, help=meta.help(language) or None,
                          on_change=_on_lever_change, args=(path,))
                continue
            low, high, step = st.session_state["lever_ranges"][path]
            integer = scenario_data.field_kind(model, name) == "int"
            _lever_shown(key, value, low, high, 1.0 if integer else step, integer)
            if integer:
                st.slider(label, int(low), int(high), step=1, key=key, format=SLIDER_FORMAT,
                          help=meta.help(language) or None,
                          on_change=_on_lever_change, args=(path,))
            else:
                st.slider(label, float(low), float(high), step=float(step), key=key,
                          format=SLIDER_FORMAT, help=meta.help(language) or None,
                          on_change=_on_lever_change, args=(path,))


def _quantiles(values: np.ndarray, *probabilities: float) -> list[float]:
    return [float(q) for q in np.quantile(values, probabilities)]


def kpis(results: Results) -> dict[str, float]:
    """Headline numbers shared by the cards and the comparison table."""
    years = results.horizon_years
    maturity_year = min(3, years)
    total = results.indicators["balancing_subsidy_eur"].to_numpy()
    public = public_money_eur(results).to_numpy()
    net_cost = results.indicators["net_cost_eur"].to_numpy()
    return {
        "net_cost_p50": _quantiles(net_cost, 0.5)[0],
        "net_cost_p80": _quantiles(net_cost, 0.8)[0],
        "net_cost_peak_year_p80": _quantiles(
            results.indicators["net_cost_peak_year_eur"].to_numpy(), 0.8)[0],
        "balancing_total_p50": _quantiles(total, 0.5)[0],
        "balancing_total_p80": _quantiles(total, 0.8)[0],
        "autonomy_3": results.autonomy_probability(min(3, years)),
        "autonomy_5": results.autonomy_probability(min(5, years)),
        "occupancy": _quantiles(results.indicators[f"occupancy_rate_year_{maturity_year}"]
                                .to_numpy(), 0.5)[0],
        "min_cash": _quantiles(results.indicators["min_cash_eur"].to_numpy(), 0.5)[0],
        "public_money": _quantiles(public, 0.5)[0],
    }


def _kpi_text(name: str, value: float, language: str) -> str:
    if name.startswith(("autonomy", "occupancy")):
        return format_percent(value, language=language)
    return format_eur(value, language=language)


def result_cards(results: Results, language: str) -> None:
    """The collectivity's net cost per budget year first (:mod:`.cards`), then the balancing
    subsidy, occupancy and public money, and the table by year of operation."""
    collectivity_cost_cards(results, language)
    years = results.horizon_years
    per_year = results.indicators["balancing_subsidy_eur"].to_numpy() / years
    p10, p50, p90 = _quantiles(per_year, 0.1, 0.5, 0.9)
    public = public_money_eur(results).to_numpy()
    maturity_year = min(3, years)
    occupancy = results.indicators[f"occupancy_rate_year_{maturity_year}"].to_numpy()
    first, second, third = st.columns(3)
    first.metric(message("ui.card.balancing", language), format_eur(p50, language=language),
                 border=True, help=message("ui.card.balancing_range", language,
                                           p10=format_eur(p10, language=language),
                                           p90=format_eur(p90, language=language)))
    first.caption(message("ui.card.balancing_range", language,
                          p10=format_eur(p10, language=language),
                          p90=format_eur(p90, language=language)))
    second.metric(message("ui.card.occupancy", language, year=maturity_year),
                  format_percent(float(np.median(occupancy)), language=language), border=True)
    third.metric(message("ui.card.public_money", language, years=years),
                 format_eur(float(np.median(public)), language=language), border=True,
                 help=message("ui.card.public_money_help", language))
    p10s, p50s, p90s = (
        [float(np.quantile(results.indicators[f"balancing_subsidy_year_{y}_eur"], q))
         for y in range(1, years + 1)] for q in (0.1, 0.5, 0.9))
    opening_year = int(results.scenario.simulation.opening_month[:4])
    table = pd.DataFrame({
        message("ui.col.year", language): [f"{y} ({opening_year + y - 1})"
                                           for y in range(1, years + 1)],
        message("ui.col.p50", language): [format_eur(v, language=language) for v in p50s],
        message("ui.col.p10_p90", language): [
            f"{format_eur(a, language=language)} – {format_eur(b, language=language)}"
            for a, b in zip(p10s, p90s, strict=True)],
        message("ui.col.autonomy", language): [
            format_percent(results.autonomy_probability(y), language=language)
            for y in range(1, years + 1)],
    })
    with st.expander(message("ui.yearly_table", language), expanded=False):
        st.table(table, hide_index=True)  # cells wrap: no column cut on a phone


#: The results page's charts: (figure, reading, the variables they read per draw and month).
#: A chart reading none (means and per-draw indicators only; each is documented to work
#: with ``keep="summary"``) is built from :func:`~.runs.means_view` of the page's run.
CHARTS = (
    (plots.cash_fan_chart, plots.reading_cash_fan, ("cash_eur",)),
    (plots.balancing_subsidy_distribution_chart, plots.reading_balancing_subsidy_distribution,
     ()),
    (plots.yearly_revenue_costs_chart, plots.reading_yearly_revenue_costs, ()),
    (plots.occupancy_chart, plots.reading_occupancy, ("occupancy_rate",)),
    (plots.autonomy_probability_chart, plots.reading_autonomy_probability, ()),
    (plots.users_by_segment_chart, plots.reading_users_by_segment, ()),
)
assert {name for *_, names in CHARTS for name in names} == set(RESULTS_PAGE_VARIABLES)


@st.cache_resource(max_entries=96, show_spinner=False)
def _chart(run_key: tuple[str, int, int], language: str, index: int, _results: Results
           ) -> tuple[Any, str | None, str | None, str]:
    """A chart of :data:`CHARTS` with its title out (:func:`~.layout.title_out`), its title,
    subtitle and reading: built once per run and language for every session, then only
    read (Streamlit copies a figure when it sends it)."""
    figure_of, reading_of, per_draw = CHARTS[index]
    source = _results if per_draw else means_view(_results)
    figure = figure_of(source, language=language)
    heading, subtitle = title_out(figure)
    return figure, heading, subtitle, reading_of(source, language=language)


def result_charts(results: Results, language: str) -> None:
    """The charts of :data:`CHARTS`, built once per run and language for every session."""
    st.subheader(message("ui.charts", language))
    run_key = (scenario_text(results.scenario), results.draws, results.seed)
    shared_charts_in_two_columns([
        (*_chart(run_key, language, index, results), f"chart:{figure_of.__name__}")
        for index, (figure_of, *_) in enumerate(CHARTS)])


def report_variants(pinned: dict[str, str], draws: int, seed: int
                    ) -> list[tuple[str, Results]]:
    """The variants pinned on the "Comparer" page (name → scenario text), run on the same
    draws, for the report's first page."""
    return [(name, run_scenario(text, draws, seed)) for name, text in pinned.items()]


#: Below this width [px] Streamlit stacks columns: a phone.
#: On a narrow screen (where Streamlit stacks columns) the answer comes before the levers:
#: the flex order of the two boxes, by the classes their keys give them.
PHONE_ORDER_CSS = f"""<style>
@media (max-width: {NARROW_SCREEN_PX}px) {{
  .st-key-tl_answer, [data-testid="stLayoutWrapper"]:has(> .st-key-tl_answer),
  .stElementContainer:has(> .st-key-tl_answer) {{order: -1}}
}}
</style>"""


def page_results(draws: int, seed: int, language: str) -> Scenario:
    """Levers, then the answer (the net cost cards and tables), then charts and downloads;
    on a phone the answer comes first (:data:`PHONE_ORDER_CSS`)."""
    st.html(PHONE_ORDER_CSS)
    top = st.container(key="tl_top")
    lever_box = top.container(key="tl_levers")
    answer_box = top.container(key="tl_answer")
    with lever_box:
        levers(language)
        st.divider()
    with answer_box:
        scenario = validated_scenario(language)
        results = run_current(scenario, draws, seed, language, RESULTS_PAGE_VARIABLES)
        result_cards(results, language)
    result_charts(results, language)
    slug = "".join(c if c.isalnum() else "-" for c in scenario.meta.name.lower()).strip("-")
    pinned = dict(st.session_state.get("variants", {}))

    def variants() -> list[tuple[str, Results]]:
        return report_variants(pinned, draws, seed)

    text = scenario_text(scenario)

    def run() -> Results:
        """The full run when a file is asked for (the workbook and the report read every
        variable per draw; a slider move computes only what the page shows): built at the
        click, or found in the shared cache (115 MB at 2,000 draws; the session does not
        hold it)."""
        return run_scenario(text, draws, seed, scenario)

    report_column, pdf_column, workbook_column = st.columns(3)
    with report_column:  # the files are built on click, not on every rerun
        st.download_button(message("ui.download_report", language),
                           data=lambda: build_report_html(run(), language, variants()),
                           file_name=f"rapport-{slug or 'scenario'}.html", mime="text/html",
                           key="download_report")
    with pdf_column:
        if pdf_available():  # printed by the server's chromium
            st.download_button(message("ui.download_report_pdf", language),
                               data=lambda: report_pdf_bytes(run(), language,
                                                             variants=variants()),
                               file_name=f"rapport-{slug or 'scenario'}.pdf",
                               mime="application/pdf", key="download_report_pdf")
        else:
            st.caption(message("ui.no_pdf", language))
    with workbook_column:
        st.download_button(message("ui.download_workbook", language),
                           data=lambda: workbook_bytes(run(), language),
                           file_name=f"resultats-{slug or 'scenario'}.xlsx", mime=XLSX_MIME,
                           key="download_workbook")
    return scenario


# --- assumptions page ----------------------------------------------------------------------

def page_inputs(language: str) -> Scenario:
    data = st.session_state["data"]
    cell_errors: list[str] = []
    refused = refused_tables()
    for name in Scenario.model_fields:
        if name == "schema_version":
            continue
        kind = scenario_data.field_kind(Scenario, name)
        meta = field_meta(Scenario, name)
        if kind == "section":
            title = section_label(scenario_data.item_model(Scenario, name), language, name)
        else:
            title = meta.label(language) if meta else name
        refused_inside = any(path == name or path.startswith(f"{name}.") for path in refused)
        with st.expander(title, expanded=name in ("meta", "site") or refused_inside):
            if kind == "section":
                cell_errors += section_editor(scenario_data.item_model(Scenario, name), name,
                                              data, language)
            else:
                cell_errors += table_editor(Scenario, name, name, data, language)
    # Refused table edits are shown under their table; the page ends with the whole check.
    return validated_scenario(language)


# --- comparison page -----------------------------------------------------------------------

def page_compare(draws: int, seed: int, language: str) -> Scenario:
    scenario = validated_scenario(language)
    st.caption(message("ui.compare_intro", language))
    variants: dict[str, str] = st.session_state.setdefault("variants", {})
    name_column, button_column = st.columns([3, 1])
    with name_column:
        name = st.text_input(message("ui.variant_name", language), key="variant_name",
                             value=scenario.meta.name)
    with button_column:
        st.write("")
        if st.button(message("ui.pin", language), key="pin"):
            if len(variants) >= MAX_VARIANTS and name not in variants:
                st.warning(message("ui.pin_limit", language, count=MAX_VARIANTS))
            else:
                variants[name or scenario.meta.name] = scenario_to_toml(scenario)
    files = scenario_uploader(message("ui.compare_upload", language), "compare_files",
                              language, multiple=True)
    compared: dict[str, str] = {message("ui.current", language): scenario_to_toml(scenario)}
    compared.update(variants)
    for uploaded in files or []:
        problem = upload_problem(uploaded.name, uploaded.getvalue(), language)
        if problem is not None:
            st.error(problem)
            continue
        name = clean(uploaded.name)
        try:
            loaded = parse_scenario_text(decode(uploaded.getvalue(), name), name)
        except ScenarioError as error:  # encoding errors too, in the reader's language
            st.error(error.report(language))
            continue
        compared[name] = scenario_to_toml(loaded)
    for variant in list(variants):
        if st.button(message("ui.remove", language, name=variant), key=f"remove:{variant}"):
            del variants[variant]
            compared.pop(variant, None)
    if len(compared) == 1:
        st.info(message("ui.compare_empty", language))
    results = {label: run_scenario(text, draws, seed) for label, text in compared.items()}
    table = pd.DataFrame({
        label: {message(f"ui.kpi.{kpi}", language): _kpi_text(kpi, value, language)
                for kpi, value in kpis(result).items()}
        for label, result in results.items()})
    table.index.name = message("ui.kpi", language)
    st.table(table)  # cells wrap: no variant cut on a phone
    charts_in_two_columns([
        (plots.compare_cash_chart(results, language=language),
         plots.reading_compare_cash(results, language=language), "chart:compare_cash"),
        (plots.compare_balancing_chart(results, language=language),
         plots.reading_compare_balancing(results, language=language), "chart:compare_balancing"),
    ])
    return scenario


# --- the page ------------------------------------------------------------------------------

PAGES: dict[str, Callable[..., Any]] = {
    "results": page_results, "inputs": page_inputs, "financing": page_financing,
    "territory": page_territory, "outside": page_outside, "sensitivity": page_sensitivity,
    "compare": page_compare}


def main() -> None:
    st.set_page_config(page_title="tierslieux_sim", page_icon="🏡", layout="wide")
    keep_large_arrays_on_the_heap()  # the server simulates again at every slider move
    init_session()
    language = sidebar_language()
    st.title(message("ui.title", language))
    st.caption(message("ui.subtitle", language))
    page = remember_choice("page", st.sidebar.radio(
        message("ui.page", language), tuple(PAGES), key="page",
        format_func=lambda p: message(f"ui.page.{p}", language)))
    sidebar_scenario(language)
    draws, seed = sidebar_precision(language)
    scenario = (page_inputs(language) if page == "inputs"
                else PAGES[page](draws, seed, language))
    sidebar_download(scenario, language)
    # Last element of every run: browser tests and the latency benchmark wait for its counter
    # to know that cards and charts of a rerun have all arrived.
    st.session_state["run_count"] = st.session_state.get("run_count", 0) + 1
    st.markdown(f'<span id="tl-run-marker" style="display:none">'
                f'{st.session_state["run_count"]}</span>', unsafe_allow_html=True)
