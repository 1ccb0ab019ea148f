"""One self-contained HTML report of an Evaluation: tables and figures, plotly.js embedded once (no CDN)."""

from __future__ import annotations

import html as _html


def evaluation_html(ev, title: str = "Podium evaluation") -> str:
    """The report as an HTML string (open it offline: no external resource is referenced)."""
    from plotly.offline import get_plotlyjs

    b = ev.meta["bootstrap"]
    t = ev.meta["tests"]
    r = ev.meta["ranking"]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{_html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>",
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>",
        f"<h1>{_html.escape(title)}</h1>",
        f"<p>{ev.meta['n_cases']} cases, {len(ev.entries)} entries. Bootstrap: B={b['n_resamples']}, seed={b['seed']}, "
        f"{'stratified' if b['stratified'] else 'not stratified'}{', grouped' if b['grouped'] else ''}, "
        f"{int(b['level'] * 100)}% {b['ci_method']} intervals. Tests: {t['correction']} correction, alpha={t['alpha']}. "
        f"Ranking: {r['method']} on {r['metric']}; missing predictions: {r['missing_policy']}. "
        f"mlcore {ev.meta['mlcore_version']}.</p>",
        "<h2>Results</h2>", ev.table().to_html(index=False, float_format=lambda v: f"{v:.4f}"),
    ]
    if ev.pairwise:
        parts += ["<h2>Pairwise tests</h2>", ev.pairwise_table().to_html(index=False, float_format=lambda v: f"{v:.4g}")]
    for name, fig in ev.figures().items():
        parts.append(f"<h2>{_html.escape(name)}</h2>")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=False))
    parts.append("</body></html>")
    return "\n".join(parts)
