"""Training curves as a self-contained plotly HTML file (plotly.js embedded, no CDN)."""

from __future__ import annotations

from pathlib import Path


def plot_history(history: list[dict], metric: str, path) -> Path | None:
    """Two panels: train/val loss per epoch; validation ``metric`` with its CI band per epoch.

    history: one dict per epoch with epoch, train_loss, val_loss, and metric value/low/high.
    Returns None (and writes nothing) when plotly is not installed; history.json holds the same numbers.
    """
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError:
        return None

    ep = [h["epoch"] for h in history]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("loss", f"validation {metric} (95% CI)"))
    fig.add_trace(go.Scatter(x=ep, y=[h["train_loss"] for h in history], name="train loss"), row=1, col=1)
    fig.add_trace(go.Scatter(x=ep, y=[h["val_loss"] for h in history], name="validation loss"), row=1, col=1)
    hi = [h[metric]["high"] for h in history]
    lo = [h[metric]["low"] for h in history]
    fig.add_trace(go.Scatter(x=ep + ep[::-1], y=hi + lo[::-1], fill="toself", line={"width": 0}, opacity=0.25,
                             name=f"{metric} CI", hoverinfo="skip"), row=1, col=2)
    fig.add_trace(go.Scatter(x=ep, y=[h[metric]["value"] for h in history], name=f"validation {metric}"), row=1, col=2)
    fig.update_xaxes(title_text="epoch")
    path = Path(path)
    fig.write_html(str(path), include_plotlyjs=True, full_html=True)
    return path
