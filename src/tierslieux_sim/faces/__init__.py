"""The faces on the engine: the command line (:mod:`.cli`), the Streamlit dashboard
(:mod:`.dashboard`), the council report (:mod:`.report`), the workbook (:mod:`.workbook`),
results files (:mod:`.result_files`) and the generated scenario reference
(:mod:`.reference_docs`)."""
