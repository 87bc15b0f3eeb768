"""Widgets generated from the scenario schema's metadata (label, unit, bounds, help).

Every editor reads its value from the scenario data (a plain dict kept in the session) and
writes the edited value back to it, at the field's dotted path. Widget keys are
``w:<path>…``, so clearing the ``w:`` keys re-reads every widget from the data.
"""

from __future__ import annotations

import json
import math
import typing
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from pydantic import BaseModel

from .. import plots
from ..i18n import message
from ..scenario.fields import FieldMeta, field_meta
from ..scenario.sources import sources_after_list_edit
from . import data as scenario_data

WIDGET_PREFIX = "w:"
TABLE_PREFIX = "table:"


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


def uncertain_editor(meta: FieldMeta, path: str, data: dict, language: str) -> None:
    """A fixed value or a "min / probable / max" range (PERT) with a small curve of the
    resulting distribution; a law of another kind read from a file can be kept as is."""
    value = scenario_data.get_path(data, path)
    modes = ["fixed", "range"]
    if isinstance(value, dict) and value.get("dist") != "pert":
        modes.append("file")
    mode_key = f"{WIDGET_PREFIX}{path}#mode"
    start_mode = ("fixed" if not isinstance(value, dict)
                  else "range" if value.get("dist") == "pert" else "file")
    _init(mode_key, start_mode)
    st.markdown(f"**{label_with_unit(meta, language)}**", help=meta.help(language) or None)
    mode = st.radio(label_with_unit(meta, language), modes, key=mode_key, horizontal=True,
                    label_visibility="collapsed",
                    format_func=lambda m: message(f"ui.mode.{m}", language))
    probable = scenario_data.probable_value(value) if value is not None else 0.0
    if mode == "fixed":
        new_value: Any = number_input(meta, f"{WIDGET_PREFIX}{path}#value", probable, language,
                                      label=message("ui.probable", language))
    elif mode == "range":
        if isinstance(value, dict) and value.get("dist") == "pert":
            low, high = float(value["min"]), float(value["max"])
        else:  # from a number: ±20 % around it, within the bounds
            low, high = probable * 0.8, probable * 1.2 if probable else 1.0
            if meta.minimum is not None:
                low = max(low, meta.minimum)
            if meta.maximum is not None:
                high = min(high, meta.maximum)
        columns = st.columns(3)
        bounds = []
        for column, name, start in zip(columns, ("min", "probable", "max"),
                                        (low, probable, high), strict=True):
            with column:
                bounds.append(number_input(meta, f"{WIDGET_PREFIX}{path}#{name}", start, language,
                                           label=message(f"ui.{name}", language)))
        new_value = {"dist": "pert", "min": bounds[0], "mode": bounds[1], "max": bounds[2]}
    else:
        new_value = value
        st.caption(scenario_data.uncertain_to_text(value))
    scenario_data.set_path(data, path, new_value)
    if isinstance(new_value, dict):
        try:
            st.plotly_chart(plots.distribution_curve(new_value, language=language),
                            key=f"{WIDGET_PREFIX}{path}#curve", config={"displayModeBar": False})
        except (ValueError, ArithmeticError):
            pass  # an inconsistent range is reported by the validation below


def plain_editor(model: type[BaseModel], name: str, path: str, data: dict, language: str) -> None:
    """Editor of a number, yes/no, text or choice field."""
    meta = field_meta(model, name)
    if meta is None:
        return
    kind = scenario_data.field_kind(model, name)
    key = f"{WIDGET_PREFIX}{path}"
    value = scenario_data.get_path(data, path)
    help_text = meta.help(language) or None
    if kind == "uncertain":
        uncertain_editor(meta, path, data, language)
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
        new_value = st.selectbox(label_with_unit(meta, language), options, key=key, help=help_text)
    else:
        _init(key, "" if value is None else str(value))
        new_value = st.text_input(label_with_unit(meta, language), key=key, help=help_text)
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
                step=1 if kind == "int" else None)
        elif kind == "bool":
            config[column] = st.column_config.CheckboxColumn(label, help=help_text or None)
        elif kind == "choice":
            config[column] = st.column_config.SelectboxColumn(
                label, options=scenario_data.choices(model, name), help=help_text or None)
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


def table_editor(model: type[BaseModel], name: str, path: str, data: dict, language: str
                 ) -> list[str]:
    """A list (segments, lines, staff, grants…) as an editable table with add/remove rows."""
    item = scenario_data.item_model(model, name)
    meta = field_meta(model, name)
    table_label = meta.label(language) if meta else name
    current = scenario_data.get_path(data, path) or []
    signature_key, version_key = f"{TABLE_PREFIX}{path}:signature", f"{TABLE_PREFIX}{path}:version"
    signature = json.dumps(current, sort_keys=True, default=str)
    if st.session_state.get(signature_key) != signature:
        # The list changed elsewhere (a lever, a load): rebuild the table from the data.
        st.session_state[signature_key] = signature
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
        st.session_state[f"{TABLE_PREFIX}{path}:base"] = table_frame(item, current)
    st.markdown(f"**{table_label}**")
    edited = st.data_editor(
        st.session_state[f"{TABLE_PREFIX}{path}:base"], num_rows="dynamic", hide_index=True,
        column_config=_column_config(item, language), width="stretch",
        key=f"{WIDGET_PREFIX}{path}#table{st.session_state[version_key]}")
    rows, errors = rows_from_frame(item, edited, table_label, language)
    if not errors:
        sources = data.get("meta", {}).get("sources")
        if sources:  # a row's cited sources follow it when rows are removed or reordered
            data["meta"]["sources"] = sources_after_list_edit(sources, path, current, rows)
        scenario_data.set_path(data, path, rows)
        st.session_state[signature_key] = json.dumps(rows, sort_keys=True, default=str)
    return errors
