"""docs/scenario-reference.md is generated from the schema metadata and kept current."""

from pathlib import Path

from pydantic import BaseModel

from tierslieux_sim.faces.reference_docs import scenario_reference_markdown
from tierslieux_sim.scenario import schema
from tierslieux_sim.scenario.fields import field_meta

ROOT = Path(__file__).resolve().parents[1]


def test_reference_is_current():
    committed = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == scenario_reference_markdown(), (
        "docs/scenario-reference.md is out of date: run `python -m tierslieux_sim.faces.reference_docs`")


def test_every_leaf_field_has_labels_in_both_languages():
    text = scenario_reference_markdown()
    for model in vars(schema).values():
        if not (isinstance(model, type) and issubclass(model, schema.Section)
                and model is not schema.Section):
            continue
        for name in model.model_fields:
            meta = field_meta(model, name)
            nested = isinstance(model.model_fields[name].annotation, type) and issubclass(
                model.model_fields[name].annotation, BaseModel)
            assert meta is not None or nested, f"{model.__name__}.{name} has no metadata"
            if meta is not None:
                assert meta.label_fr and meta.label_en, f"{model.__name__}.{name}"
                assert f"| `{name}` | {meta.label_fr} |" in text
