"""Widgets generated from the scenario schema's metadata (label, unit, bounds, help).

Every editor reads its value from the scenario data (a plain dict kept in the session) and
writes the edited value back to it, at the field's dotted path. Widget keys are
``w:<path>…``, so clearing the ``w:`` keys re-reads every widget from the data.
"""

from __future__ import annotations

import functools
import json
import math
import typing
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from pydantic import BaseModel

from tierslieux_sim.core.formatting import format_number
from tierslieux_sim.core.i18n import has_message, message
from tierslieux_sim.core.reference import reference_value
from tierslieux_sim.faces.dashboard import data as scenario_data
from tierslieux_sim.model.appraisal_values import REFERENCE_DEFAULTS
from tierslieux_sim.scenario.fields import FieldMeta, field_meta
from tierslieux_sim.scenario.sources import sources_after_list_edit
from tierslieux_sim.views import plots

WIDGET_PREFIX = "w:"
TABLE_PREFIX = "table:"
#: Session key of the options shown by choice widgets (radio, select) at the last run.
CHOICES_KEY = "choices_shown"


def remember_choice(key: str, value: Any) -> Any:
    """Note the option a radio or select widget shows, so it can be given back after a
    language switch (Streamlit keeps the option's *label*, which the switch changes)."""
    st.session_state.setdefault(CHOICES_KEY, {})[key] = value
    return value


def restore_choices() -> None:
    """On a language switch (a callback, before the rerun): every choice widget on screen
    keeps the option it showed instead of losing its selection."""
    for key, value in st.session_state.get(CHOICES_KEY, {}).items():
        if key in st.session_state:
            st.session_state[key] = value


def forget_choices(*prefixes: str) -> None:
    """Drop the remembered options of widgets whose keys start with ``prefixes``."""
    shown = st.session_state.get(CHOICES_KEY, {})
    for key in [key for key in shown if key.startswith(prefixes)]:
        del shown[key]


#: Fields whose codes share another field's labels.
_CHOICE_LABELS_OF = {"operator_type": "owner_type", "premises_lent_by": "funder"}


def choice_label(name: str, code: Any, language: str) -> str:
    """The words an official reads for a code stored in the file (``works`` → "Travaux"),
    from the catalogue's ``choice.<field>.<code>``; a code without a label is shown as is."""
    message_id = f"choice.{_CHOICE_LABELS_OF.get(name, name)}.{code}"
    return message(message_id, language) if has_message(message_id) else str(code)


def label_with_unit(meta: FieldMeta, language: str) -> str:
    label = meta.label(language)
    return f"{label} ({meta.unit_in(language)})" if meta.unit else label


def _init(key: str, value: Any) -> None:
    """Give a widget its starting value once (later runs keep what the user set)."""
    if key not in st.session_state:
        st.session_state[key] = value


def number_step(value: float) -> float:
    """A step of about a tenth of the value's order of magnitude (0.01 below 1)."""
    magnitude = abs(float(value))
    if magnitude <= 1:
        return 0.01
    return float(10 ** (math.floor(math.log10(magnitude)) - 1))


def number_input(meta: FieldMeta, key: str, value: float, language: str, *, integer: bool = False,
                 label: str | None = None) -> float:
    """A number box bounded by the field's metadata."""
    if integer:
        _init(key, int(value))
        return st.number_input(
            label or label_with_unit(meta, language), key=key, step=1,
            min_value=None if meta.minimum is None else int(meta.minimum),
            max_value=None if meta.maximum is None else int(meta.maximum),
            help=meta.help(language) or None)
    _init(key, float(value))
    return st.number_input(
        label or label_with_unit(meta, language), key=key, step=number_step(value),
        format="%.4g",
        min_value=None if meta.minimum is None else float(meta.minimum),
        max_value=None if meta.maximum is None else float(meta.maximum),
        help=meta.help(language) or None)


def reference_default(path: str) -> tuple[float, str] | None:
    """The reference value (and its source) the model uses when an optional input at
    ``path`` is left out, e.g. the ADEME emission factor of a car."""
    section, _, name = path.rpartition(".")
    if section != "territory" or name not in REFERENCE_DEFAULTS:
        return None
    reference = reference_value(REFERENCE_DEFAULTS[name])
    return float(reference.value), f"{reference.source}, {reference.as_of}"


def uncertain_editor(meta: FieldMeta, path: str, data: dict, language: str, *,
                     optional: bool = False) -> None:
    """A fixed value or a "min / probable / max" range (PERT) with a small curve of the
    resulting distribution; a law of another kind read from a file can be kept as is. An
    optional input left out (``optional``) offers "reference value" and stays left out until
    the user chooses another mode: showing a value never changes it."""
    value = scenario_data.get_path(data, path)
    modes = ["fixed", "range"]
    if optional:
        modes.insert(0, "reference")
    if isinstance(value, dict) and value.get("dist") != "pert":
        modes.append("file")
    mode_key = f"{WIDGET_PREFIX}{path}#mode"
    start_mode = ("reference" if value is None and optional
                  else "fixed" if not isinstance(value, dict)
                  else "range" if value.get("dist") == "pert" else "file")
    _init(mode_key, start_mode)
    if st.session_state[mode_key] not in modes:  # e.g. a stale "file" once the law changed
        st.session_state[mode_key] = start_mode
    st.markdown(f"**{label_with_unit(meta, language)}**", help=meta.help(language) or None)
    mode = remember_choice(mode_key, st.radio(
        label_with_unit(meta, language), modes, key=mode_key, horizontal=True,
        label_visibility="collapsed", format_func=lambda m: message(f"ui.mode.{m}", language)))
    reference = reference_default(path)
    if value is not None:
        probable = scenario_data.probable_value(value)
    else:  # from "reference value": start from the reference the model was using
        probable = reference[0] if reference else 0.0
    if mode == "reference":
        new_value: Any = None
        if reference is not None:
            st.caption(message("ui.reference_value", language,
                               value=format_number(reference[0], _decimals(reference[0]),
                                                   language),
                               unit=meta.unit_in(language), source=reference[1]))
    elif mode == "fixed":
        new_value = number_input(meta, f"{WIDGET_PREFIX}{path}#value", probable, language,
                                 label=message("ui.probable", language))
    elif mode == "range":
        earlier = st.session_state.get(f"{WIDGET_PREFIX}{path}#last_range")
        if isinstance(value, dict) and value.get("dist") == "pert":
            low, high = float(value["min"]), float(value["max"])
        elif earlier is not None and earlier["min"] <= probable <= earlier["max"]:
            low, high = earlier["min"], earlier["max"]  # back from "fixed": the user's range
        else:  # from a number: ±20 % around it, within the bounds
            low, high = probable * 0.8, probable * 1.2 if probable else 1.0
            if meta.minimum is not None:
                low = max(low, meta.minimum)
            if meta.maximum is not None:
                high = min(high, meta.maximum)
            low, high = scenario_data.round_number(low), scenario_data.round_number(high)
        columns = st.columns(3)
        bounds = []
        for column, name, start in zip(columns, ("min", "probable", "max"),
                                        (low, probable, high), strict=True):
            with column:
                bounds.append(number_input(meta, f"{WIDGET_PREFIX}{path}#{name}", start, language,
                                           label=message(f"ui.{name}", language)))
        new_value = {**(value if isinstance(value, dict) and value.get("dist") == "pert"
                        else earlier or {"dist": "pert"}),
                     "min": bounds[0], "mode": bounds[1], "max": bounds[2]}
    else:
        new_value = value
        st.caption(scenario_data.uncertain_to_text(value))
    if new_value != value:  # showing a value never rewrites it
        scenario_data.set_path(data, path, new_value)
    if isinstance(new_value, dict) and new_value.get("dist") == "pert":
        st.session_state[f"{WIDGET_PREFIX}{path}#last_range"] = new_value
    if isinstance(new_value, dict):
        try:
            st.plotly_chart(plots.distribution_curve(new_value, language=language),
                            key=f"{WIDGET_PREFIX}{path}#curve", config={"displayModeBar": False})
        except (ValueError, ArithmeticError):
            pass  # an inconsistent range is reported by the validation below


def _decimals(number: float) -> int:
    """Decimals that show a reference value's significant digits (0.193 → 3, 10.6 → 1)."""
    text = f"{number:.4g}"
    return len(text.split(".")[1]) if "." in text else 0


def _optional(model: type[BaseModel], name: str) -> bool:
    """A field that may be left out (its absence means "use the default or reference")."""
    field = model.model_fields[name]
    return not field.is_required() and field.default is None


def schedule_shown(label: str, value: list[dict[str, Any]], language: str) -> None:
    """A value that changes at dates, read-only: its steps in words; the schedule itself is
    changed in the scenario file (or in a table's cell), never rewritten by showing it."""
    st.markdown(f"**{label}**")
    st.caption(message("ui.schedule_read_only", language, steps=schedule_words(value, language)))


def schedule_words(value: list[dict[str, Any]], language: str) -> str:
    """``12 à partir de 2027-09 ; 15 à partir de 2029-01`` (laws: min / probable / max)."""
    return " ; ".join(message("ui.schedule_step", language, value=scenario_data.uncertain_to_text(
        step["value"]), month=step["from"]) for step in value)


def plain_editor(model: type[BaseModel], name: str, path: str, data: dict, language: str) -> None:
    """Editor of a number, yes/no, text or choice field."""
    meta = field_meta(model, name)
    if meta is None:
        return
    kind = scenario_data.field_kind(model, name)
    key = f"{WIDGET_PREFIX}{path}"
    value = scenario_data.get_path(data, path)
    help_text = meta.help(language) or None
    if scenario_data.is_schedule_data(value):  # dated steps: shown, changed in the file
        schedule_shown(label_with_unit(meta, language), value, language)
        return
    if kind == "uncertain":
        uncertain_editor(meta, path, data, language, optional=_optional(model, name))
        return
    if kind == "bool":
        _init(key, bool(value))
        new_value: Any = st.toggle(label_with_unit(meta, language), key=key, help=help_text)
    elif kind in ("int", "float"):
        if value is None:  # an optional number left empty
            return
        new_value = number_input(meta, key, value, language, integer=kind == "int")
    elif kind == "choice":
        options = scenario_data.choices(model, name)
        _init(key, value if value in options else options[0])
        new_value = st.selectbox(
            label_with_unit(meta, language), options, key=key, help=help_text,
            format_func=lambda code, name=name: choice_label(name, code, language),
            placeholder=message("ui.choose", language))
    else:
        _init(key, "" if value is None else str(value))
        new_value = st.text_input(label_with_unit(meta, language), key=key, help=help_text)
        if new_value == "" and value is None:
            new_value = None  # a text left out stays left out
    if new_value != value:  # showing a value never rewrites it
        scenario_data.set_path(data, path, new_value)


def section_editor(model: type[BaseModel], path: str, data: dict, language: str) -> list[str]:
    """Every field of a section (nested sections and lists included); returns cell errors."""
    cell_errors: list[str] = []
    for name in model.model_fields:
        if name == "schema_version" or typing.get_origin(model.model_fields[name].annotation) is dict:
            continue  # a mapping (meta.sources, edited as file comments) stays as it is
        child = f"{path}.{name}" if path else name
        kind = scenario_data.field_kind(model, name)
        if kind == "section":
            inner = scenario_data.item_model(model, name)
            cell_errors += section_editor(inner, child, data, language)
        elif kind == "table":
            cell_errors += table_editor(model, name, child, data, language)
        else:
            plain_editor(model, name, child, data, language)
    return cell_errors


# --- lists as tables ---------------------------------------------------------------------

def _columns(item: type[BaseModel]) -> list[tuple[str, str, type[BaseModel], str]]:
    """(column id, field name, model, kind) for each column of a list's table; a nested
    section (product mix) gives one column per field."""
    columns = []
    for name in item.model_fields:
        kind = scenario_data.field_kind(item, name)
        if kind == "section":
            inner = scenario_data.item_model(item, name)
            columns += [(f"{name}.{sub}", sub, inner, scenario_data.field_kind(inner, sub))
                        for sub in inner.model_fields]
        elif kind != "table":
            columns.append((name, name, item, kind))
    return columns


def _cell_value(value: Any, kind: str) -> Any:
    if kind == "uncertain":
        return scenario_data.uncertain_to_text(value)
    if kind == "float_list":
        return "; ".join(f"{v:g}" for v in value) if value is not None else ""
    return value


def table_frame(item: type[BaseModel], rows: list[dict]) -> pd.DataFrame:
    """The table shown for a list of items."""
    columns = _columns(item)
    records = [{column: _cell_value(scenario_data.get_path(row, column), kind)
                for column, _name, _model, kind in columns} for row in rows]
    return pd.DataFrame(records, columns=[column for column, *_ in columns])


def _column_config(item: type[BaseModel], language: str) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for column, name, model, kind in _columns(item):
        meta = field_meta(model, name)
        if meta is None:
            continue
        label = label_with_unit(meta, language)
        help_text = meta.help(language)
        if kind == "uncertain":
            config[column] = st.column_config.TextColumn(
                label, help=f"{help_text} {message('ui.table_help', language)}".strip())
        elif kind in ("int", "float"):
            config[column] = st.column_config.NumberColumn(
                label, help=help_text or None, min_value=meta.minimum, max_value=meta.maximum,
                step=1 if kind == "int" else None,
                format="localized")  # the browser's way: "0,75", "15 000" in French
        elif kind == "bool":
            config[column] = st.column_config.CheckboxColumn(label, help=help_text or None)
        elif kind == "choice":
            config[column] = st.column_config.SelectboxColumn(
                label, options=scenario_data.choices(model, name), help=help_text or None,
                format_func=functools.partial(choice_label, name, language=language))
        else:
            config[column] = st.column_config.TextColumn(label, help=help_text or None)
    return config


def rows_from_frame(item: type[BaseModel], frame: pd.DataFrame, table_label: str,
                    language: str) -> tuple[list[dict], list[str]]:
    """Items from an edited table, and messages for cells that cannot be read."""
    rows: list[dict] = []
    errors: list[str] = []
    columns = _columns(item)
    for row_number, (_, record) in enumerate(frame.iterrows(), start=1):
        row: dict[str, Any] = {}
        for column, name, model, kind in columns:
            cell = record.get(column)
            if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell == "":
                continue
            try:
                if kind == "uncertain":
                    value: Any = scenario_data.text_to_uncertain(str(cell))
                elif kind == "float_list":
                    value = [float(part.replace(",", ".")) for part in
                             str(cell).replace(";", " ").split()]
                elif kind == "int":
                    value = int(cell)
                elif kind == "float":
                    value = float(cell)
                elif kind == "bool":
                    value = bool(cell)
                else:
                    value = str(cell)
            except (ValueError, TypeError):
                meta = field_meta(model, name)
                errors.append(message("ui.cell_error", language, table=table_label,
                                      row=row_number, found=cell,
                                      column=meta.label(language) if meta else column))
                continue
            if value is not None:
                scenario_data.set_path(row, column, value)
        if row:
            rows.append(row)
    return rows, errors


def _problem_text(item: type[BaseModel], path: str, problem: scenario_data.Problem,
                  table_label: str, language: str) -> str:
    """The loader's message for a cell, where an official looks for it (table, row, column),
    with the key path for technicians: ``Équipe, ligne 1, colonne « ETP » : doit être ≥ 0
    (staff[0].fte)``."""
    parts = scenario_data.path_parts(problem.path[len(path):].lstrip("."))
    if not parts or not isinstance(parts[0], int):
        return f"{table_label} : {problem.describe(language)} (`{problem.path}`)"
    row, column = parts[0] + 1, ".".join(str(part) for part in parts[1:])
    labels = {column_id: field_meta(model, name) for column_id, name, model, _ in _columns(item)}
    meta = labels.get(column)
    if meta is None and column in item.model_fields:  # a nested section as a whole (mix)
        meta = field_meta(item, column)
    text = message("ui.table_problem" if column else "ui.table_problem_row", language,
                   table=table_label, row=row, column=meta.label(language) if meta else column,
                   problem=problem.describe(language))
    return f"{text} (`{problem.path}`)"


def refused_tables() -> list[str]:
    """Data paths of the tables whose last edit was refused (and is still on screen)."""
    return [key[len(TABLE_PREFIX):-len(":refused")] for key, refusal in st.session_state.items()
            if isinstance(key, str) and key.startswith(TABLE_PREFIX)
            and key.endswith(":refused") and refusal]


def table_editor(model: type[BaseModel], name: str, path: str, data: dict, language: str
                 ) -> list[str]:
    """A list (segments, lines, staff, grants…) as an editable table with add/remove rows.

    An edit the loader accepts goes into the scenario data; an edit it refuses (a cell that
    cannot be read, a negative number of people…) does not: the refusal is shown under the
    table with the loader's message, the table keeps showing what the user typed (also after
    visiting other pages) and the scenario stays as it was. Returns the refusal messages.

    Streamlit keeps the user's edits (the editor's state) only while the editor stays on
    screen: a fresh editor (first visit, coming back to the page, language switch) starts from
    the data, or from the refused edit, never from an older table.
    """
    item = scenario_data.item_model(model, name)
    meta = field_meta(model, name)
    table_label = meta.label(language) if meta else name
    current = scenario_data.get_path(data, path) or []
    prefix = f"{TABLE_PREFIX}{path}"
    base_key, version_key, refused_key = f"{prefix}:base", f"{prefix}:version", f"{prefix}:refused"
    signature = json.dumps(current, sort_keys=True, default=str)
    if st.session_state.get(f"{prefix}:signature") != signature:
        # The list changed elsewhere (a lever, a load): a new editor on the new data.
        st.session_state[f"{prefix}:signature"] = signature
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
        st.session_state[refused_key] = None
    refusal = st.session_state.get(refused_key)
    editor_key = f"{WIDGET_PREFIX}{path}#table{st.session_state[version_key]}:{language}"
    if editor_key not in st.session_state or base_key not in st.session_state:
        st.session_state[base_key] = refusal["frame"] if refusal else table_frame(item, current)
    st.markdown(f"**{table_label}**")
    base = st.session_state[base_key]
    edited = st.data_editor(base, num_rows="dynamic", hide_index=True,
                            column_config=_column_config(item, language), width="stretch",
                            key=editor_key)
    if refusal is None and edited.equals(base):
        return []  # nothing typed since this editor started from the data
    rows, errors = rows_from_frame(item, edited, table_label, language)
    if not errors and rows != current:
        errors = [_problem_text(item, path, problem, table_label, language)
                  for problem in scenario_data.list_problems(data, path, rows)]
    if errors:
        st.session_state[refused_key] = {"frame": edited.copy()}
        st.error(message("ui.table_refused", language) + "\n\n"
                 + "\n".join(f"- {error}" for error in errors))
        return errors
    st.session_state[refused_key] = None
    if rows != current:
        sources = data.get("meta", {}).get("sources")
        if sources:  # a row's cited sources follow it when rows are removed or reordered
            data["meta"]["sources"] = sources_after_list_edit(sources, path, current, rows)
        scenario_data.set_path(data, path, rows)
        st.session_state[f"{prefix}:signature"] = json.dumps(rows, sort_keys=True, default=str)
    return []
