"""Reports: plotly figures of an Evaluation and a self-contained HTML export."""
