"""plotly figures of an `Evaluation`: forest plot, ROC curves with a bootstrap band, rank blob plot,
pairwise significance map and per-case strip/box plot. plotly is imported here only."""

from __future__ import annotations

import numpy as np

#: Resamples used for the ROC band (a figure, not a statistic: the first R resamples of the plan).
ROC_BAND_RESAMPLES = 200
FPR_GRID = np.linspace(0.0, 1.0, 101)


def _go():
    import plotly.graph_objects as go

    return go


def _rows(ev, metric):
    rows = [r for r in ev.results if r["metric"] == metric]
    return sorted(rows, key=lambda r: (r["rank"], r["entry"]))


def _gap(high, low):
    """high - low, or 0 when either end is unknown (None/NaN in the JSON)."""
    return 0.0 if high is None or low is None or high != high or low != low else high - low


def forest_plot(ev, metric: str):
    """Point estimate and CI per entry, best first."""
    go = _go()
    rows = _rows(ev, metric)
    est = [r["estimate"] for r in rows]
    fig = go.Figure(go.Scatter(
        x=est, y=[r["entry"] for r in rows], mode="markers",
        error_x={"type": "data", "symmetric": False,
                 "array": [_gap(r["ci_high"], e) for r, e in zip(rows, est, strict=True)],
                 "arrayminus": [_gap(e, r["ci_low"]) for r, e in zip(rows, est, strict=True)]},
        marker={"size": 9}, hovertemplate="%{y}: %{x:.4f}<extra></extra>"))
    b = ev.meta["bootstrap"]
    fig.update_layout(title=f"{metric}: estimate and {int(b['level'] * 100)}% {b['ci_method']} CI (B={b['n_resamples']}, seed={b['seed']})",
                      xaxis_title=metric, yaxis={"autorange": "reversed"}, height=200 + 30 * len(rows))
    return fig


def rank_blob_plot(ev, metric: str):
    """Bootstrap rank distribution: one blob per (entry, rank) sized by its frequency; median rank and
    rank interval as a line."""
    go = _go()
    rows = _rows(ev, metric)
    b = ev.meta["bootstrap"]["n_resamples"]
    fig = go.Figure()
    for r in rows:
        counts = np.asarray(r["rank_counts"], dtype=float)
        ranks = np.flatnonzero(counts) + 1
        freq = counts[ranks - 1] / b
        fig.add_trace(go.Scatter(x=[r["entry"]] * ranks.size, y=ranks, mode="markers", showlegend=False,
                                 marker={"size": 6 + 40 * np.sqrt(freq), "opacity": 0.6},
                                 hovertemplate=[f"{r['entry']}: rank {k} in {f:.1%} of resamples<extra></extra>" for k, f in zip(ranks, freq, strict=True)]))
        fig.add_trace(go.Scatter(x=[r["entry"]] * 2, y=[r["rank_ci_low"], r["rank_ci_high"]], mode="lines+markers",
                                 line={"color": "black"}, marker={"symbol": "line-ew", "size": 10}, showlegend=False,
                                 hoverinfo="skip"))
    fig.update_layout(title=f"{metric}: rank across bootstrap resamples (blob area = frequency; bar = 95% rank interval)",
                      yaxis={"title": "rank", "autorange": "reversed", "dtick": 1}, xaxis_title="entry")
    return fig


def significance_map(ev, metric: str):
    """Heatmap of the verdict test: cell (row, col) is 1 when row is significantly better than col after
    correction, -1 when significantly worse, 0 when not significantly different."""
    go = _go()
    order = [r["entry"] for r in _rows(ev, metric)]
    idx = {e: i for i, e in enumerate(order)}
    s = len(order)
    z = np.zeros((s, s))
    text = np.full((s, s), "", dtype=object)
    higher = next(m["higher_is_better"] for m in ev.meta["metrics"] if m["name"] == metric)
    for p in ev.pairwise:
        if p["metric"] != metric:
            continue
        i, j = idx[p["entry_a"]], idx[p["entry_b"]]
        better = (p["difference"] > 0) == higher
        v = (1 if better else -1) if p["significant"] else 0
        z[i, j], z[j, i] = v, -v
        padj = p["p_verdict_adjusted"]
        text[i, j] = text[j, i] = "" if padj is None else f"p_adj={padj:.3g}"
    # Up to 12 entries the adjusted p-values are printed in the cells: an all-grey map then reads as
    # "every pair tied", not as an empty figure.
    fig = go.Figure(go.Heatmap(z=z, x=order, y=order, text=text, zmin=-1, zmax=1,
                               texttemplate="%{text}" if s <= 12 else None,
                               colorscale=[[0, "#d62728"], [0.5, "#eeeeee"], [1, "#2ca02c"]], showscale=False,
                               hovertemplate="%{y} vs %{x}: %{text}<extra></extra>"))
    verdict = ev.meta["ranking_by_metric"][metric]["verdict_test"]
    fig.update_layout(title=f"{metric}: {verdict} test, {ev.meta['tests']['correction']}-adjusted, alpha={ev.meta['tests']['alpha']} "
                      "(green: row better; red: row worse)", yaxis={"autorange": "reversed"})
    return fig


def per_case_plot(ev, metric: str):
    """Box and strip plot of per-case values per entry (in-memory evaluations with per-case metrics)."""
    go = _go()
    values = ev.per_case.get(metric)
    if not values:
        return None
    fig = go.Figure()
    for r in _rows(ev, metric):
        fig.add_trace(go.Box(y=values[r["entry"]], name=r["entry"], boxpoints="all", jitter=0.4, pointpos=0, marker={"size": 3}))
    fig.update_layout(title=f"{metric}: per-case values", yaxis_title=metric, showlegend=False)
    return fig


def roc_points(y_true, y_score, weights=None, order=None):
    """(fpr, tpr) of the ROC step curve. weights: None or (N,) case multiplicities; order: optional
    precomputed descending-score order (argsort of -y_score), so repeated calls do not re-sort."""
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(y_score, dtype=float)
    w = np.ones(y.size) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(-s, kind="stable") if order is None else order
    s, y, w = s[order], y[order], w[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tp = np.cumsum(w * y)[last]
    fp = np.cumsum(w * ~y)[last]
    return np.r_[0.0, fp / fp[-1]], np.r_[0.0, tp / tp[-1]]


def roc_curves(ev, n_band: int = ROC_BAND_RESAMPLES):
    """ROC curve per entry with a pointwise 95% band of TPR over the plan's first `n_band` resamples
    (binary evaluations held in memory)."""
    go = _go()
    y = ev.data.get("y_true")
    plan = ev.data.get("plan")
    if y is None or plan is None or ev.meta["task"]["name"] != "binary":
        return None
    weights = plan.weights(0, min(n_band, plan.n_resamples))
    fig = go.Figure()
    for name, score in ev.data["predictions"].items():
        order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
        band = np.array([np.interp(FPR_GRID, *roc_points(y, score, w, order), left=0, right=1) for w in weights])
        lo, hi = np.nanquantile(band, [0.025, 0.975], axis=0)
        fig.add_trace(go.Scatter(x=np.r_[FPR_GRID, FPR_GRID[::-1]], y=np.r_[hi, lo[::-1]], fill="toself", opacity=0.2,
                                 line={"width": 0}, name=f"{name} band", showlegend=False, hoverinfo="skip"))
        fpr, tpr = roc_points(y, score)
        fig.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=name, line={"shape": "hv"}))
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot", "color": "grey"}, showlegend=False))
    fig.update_layout(title=f"ROC curves with pointwise 95% bootstrap bands ({weights.shape[0]} resamples)",
                      xaxis_title="1 - specificity", yaxis_title="sensitivity")
    return fig


def all_figures(ev) -> dict:
    """{name: Figure} for every metric of the evaluation (figures without data are left out)."""
    figs = {}
    for m in ev.metric_names:
        figs[f"forest_{m}"] = forest_plot(ev, m)
        figs[f"ranks_{m}"] = rank_blob_plot(ev, m)
        if len(ev.entries) > 1:
            figs[f"significance_{m}"] = significance_map(ev, m)
        case_fig = per_case_plot(ev, m)
        if case_fig is not None:
            figs[f"per_case_{m}"] = case_fig
    roc = roc_curves(ev)
    if roc is not None:
        figs["roc"] = roc
    return figs
