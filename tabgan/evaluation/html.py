"""The evaluator's HTML page: one self-contained file that works offline.

Plotly is used because it comes with sdmetrics (no new dependency) and its plots are
interactive: a pair-difference heatmap of a wide table is only readable with hover labels.
plotly.js is embedded inline once (about 4.8 MB), never fetched from a CDN; each figure is a
plain ``{"data", "layout"}`` dict stored as JSON in the page and drawn by one script at the
end. Python-side plotly is not needed to build the page, only its bundled plotly.js.

The page reports on itself, for tests and for people: an error hook installed before any other
script counts uncaught errors and failed promises in ``<html data-script-errors="N">`` and
prints them in ``#script-errors``; after every figure has been drawn the last script sets
``<body data-rendered="N">`` to the number of figures that hold an SVG (``N`` equals
``data-figures`` on success).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

__all__ = ["render_html"]

_STATUS_COLOURS = {"pass": "#1a7f37", "warn": "#b7791f", "fail": "#c53030", "n/a": "#718096"}
_REAL, _SYNTHETIC = "#1f4e79", "#e07b39"

_ERROR_HOOK = """
window.__tabganErrors = [];
function __tabganRecord(message) {
  window.__tabganErrors.push(String(message));
  document.documentElement.setAttribute('data-script-errors', String(window.__tabganErrors.length));
  var box = document.getElementById('script-errors');
  if (box) { box.textContent += String(message) + '\\n'; box.hidden = false; }
}
window.addEventListener('error', function (e) {
  var where = (e.filename || '') + ':' + (e.lineno || '');
  __tabganRecord('error: ' + (e.message || e.type) + ' at ' + where);
});
window.addEventListener('unhandledrejection', function (e) {
  __tabganRecord('unhandled rejection: ' + (e.reason && e.reason.message || e.reason));
});
"""

_DRAW = """
(function () {
  var figures = JSON.parse(document.getElementById('figures').textContent);
  var drawn = figures.map(function (f) {
    return Plotly.newPlot(f.id, f.data, f.layout, {displaylogo: false, responsive: true});
  });
  Promise.all(drawn).then(function () {
    var ok = figures.filter(function (f) {
      return document.getElementById(f.id).querySelector('svg.main-svg') !== null;
    }).length;
    document.body.setAttribute('data-rendered', String(ok));
  }, function (e) { __tabganRecord('plot failed: ' + (e && e.message || e)); });
})();
"""

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #1a202c; }
h1 { margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #e2e8f0; padding-bottom: 0.3rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #e2e8f0; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f7fafc; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mark { color: white; border-radius: 4px; padding: 0.1rem 0.5rem; font-weight: 600; }
.note { color: #4a5568; font-size: 0.9rem; } .skipped { color: #718096; font-style: italic; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 0.5rem; }
.plot { min-height: 300px; } #script-errors { color: #c53030; }
"""


def render_html(results: Mapping[str, Any]) -> str:
    """The whole page for a report dict made by :class:`~tabgan.evaluation.EvaluationReport`."""
    from plotly.offline import get_plotlyjs

    figures: list[dict[str, Any]] = []
    body = [
        "<h1>Synthetic data evaluation</h1>",
        _overview(results),
        _headline(results.get("headline", [])),
        _fidelity(results.get("fidelity", {}), figures),
        _detection(results.get("detection", {})),
        _utility(results.get("utility", {})),
        _privacy(results.get("privacy", {}), figures),
        '<pre id="script-errors" hidden></pre>',
    ]
    # Every "<" escaped: "</script>" would end the element, and "<!--<script>" in a column's
    # values would make the HTML parser read on past its end, swallowing the drawing script.
    figures_json = json.dumps(figures, allow_nan=False).replace("<", "\\u003c")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            "<title>tabgan evaluation report</title>",
            f"<script>{_ERROR_HOOK}</script>",
            f"<script>{get_plotlyjs()}</script>",
            f"<style>{_CSS}</style>",
            "</head>",
            f'<body data-figures="{len(figures)}">',
            *body,
            f'<script type="application/json" id="figures">{figures_json}</script>',
            f"<script>{_DRAW}</script>",
            "</body>",
            "</html>",
        ]
    )


# --- building blocks ---------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value))


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return _float(value, digits)
    return _e(value)


def _float(value: float, digits: int = 3) -> str:
    """``digits`` decimals, or as many significant digits for a value under ``10 ** (1 - digits)``
    (0.01), which the decimals would cut to one digit or none (a DCR 5th percentile of 0.0004 is
    no exact copy: "0.0004", not "0.000"; before 2026-12-04 0.0039 and 0.0038 both read "0.004")."""
    if value != 0 and math.isfinite(value) and abs(value) < 10.0 ** (1 - digits):
        return f"{value:.{digits}g}"
    return f"{value:.{digits}f}"


def _ci(interval: object) -> str:
    if isinstance(interval, Sequence) and len(interval) == 2 and None not in interval:
        return f"[{_float(float(interval[0]))}, {_float(float(interval[1]))}]"
    return ""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cells) + "</tr>" for cells in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: object, number: bool = False) -> str:
    return f'<td class="num">{_fmt(value)}</td>' if number else f"<td>{_e(value)}</td>"


def _mark(status: str) -> str:
    colour = _STATUS_COLOURS.get(status, "#718096")
    return f'<td><span class="mark" style="background:{colour}">{_e(status)}</span></td>'


def _skipped(section: Mapping[str, Any]) -> str | None:
    if "skipped" in section:
        return f'<p class="skipped">Skipped: {_e(section["skipped"])}</p>'
    return None


def _plot(figures: list[dict[str, Any]], data: list[dict[str, Any]], layout: dict[str, Any]) -> str:
    figure_id = f"figure-{len(figures)}"
    layout = {"margin": {"l": 50, "r": 20, "t": 40, "b": 60}, "height": 320, **layout}
    figures.append({"id": figure_id, "data": data, "layout": layout})
    return f'<div class="plot" id="{figure_id}"></div>'


def _describe(metric: Mapping[str, Any]) -> str:
    parts = [metric.get("direction"), metric.get("good")]
    return '<p class="note">' + _e("; ".join(str(p) for p in parts if p)) + "</p>"


# --- sections ------------------------------------------------------------------------------


def _overview(results: Mapping[str, Any]) -> str:
    rows = results.get("rows", {})
    kinds = results.get("columns", {})
    ignored = results.get("ignored_columns", {})
    counts = ", ".join(f"{_e(k)}: {v:,}" for k, v in rows.items() if v is not None)
    text = [f'<p class="note">Rows: {counts}. Evaluated columns: {len(kinds)}.']
    if ignored:
        text.append(
            " Ignored: " + ", ".join(f"{_e(c)} ({_e(r)})" for c, r in ignored.items()) + "."
        )
    text.append("</p>")
    return "".join(text)


def _headline(headline: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        [
            _td(h["label"]),
            _td(h["value"], number=True),
            _td(_ci(h.get("ci95"))),
            _mark(h["status"]),
            _td(h["rule"]),
        ]
        for h in headline
    ]
    return "<h2>Headline</h2>" + _table(
        ["metric", "value", "95% interval", "mark", "thresholds"], rows
    )


def _fidelity(section: Mapping[str, Any], figures: list[dict[str, Any]]) -> str:
    out = ["<h2>Fidelity</h2>"]
    skipped = _skipped(section)
    if skipped or not section:
        return "".join([*out, skipped or '<p class="skipped">Not computed.</p>'])
    shapes, pairs = section["column_shapes"], section["column_pair_trends"]
    out.append(
        f"<p>Column Shapes <b>{_fmt(shapes['value'])}</b>, Column Pair Trends "
        f"<b>{_fmt(pairs['value'])}</b> (sdmetrics QualityReport, pair thresholds 0, "
        f"no sdmetrics subsampling; rows used: {_e(shapes['rows_used'])}).</p>"
    )
    out.append('<h3>Real and synthetic distributions</h3><div class="grid">')
    for dist in section.get("distributions", []):
        out.append(_distribution_plot(dist, figures))
    out.append("</div>")
    out.append("<h3>Pairwise trend difference</h3>")
    out.append(_pair_heatmap(pairs, figures))
    out.append("<h3>Per-column shape scores</h3>")
    out.append(
        _table(
            ["column", "metric", "score"],
            [
                [_td(c["column"]), _td(c["metric"]), _td(c["score"], True)]
                for c in shapes["columns"]
            ],
        )
    )
    out.append(_coverage_table(section["category_coverage"]))
    out.append(_missing_table(section["missing_values"]))
    out.append(_range_table(section["range_coverage"]))
    return "".join(out)


def _distribution_plot(dist: Mapping[str, Any], figures: list[dict[str, Any]]) -> str:
    if dist["kind"] == "categorical":
        x: list[Any] = dist["labels"]
        barmode, width = "group", None
    else:
        edges = dist["edges"]
        x = [(a + b) / 2 for a, b in pairwise(edges)]
        width = [b - a for a, b in pairwise(edges)]
        barmode = "overlay"
        if dist["kind"] == "datetime":
            x = [dt.datetime.fromtimestamp(v, dt.timezone.utc).isoformat() for v in x]
            width = [w * 1000 for w in width]  # plotly date axes count milliseconds
    traces = []
    for name, colour in (("real", _REAL), ("synthetic", _SYNTHETIC)):
        trace: dict[str, Any] = {
            "type": "bar",
            "name": name,
            "x": x,
            "y": dist[name],
            "marker": {"color": colour},
            "opacity": 0.6 if barmode == "overlay" else 1.0,
        }
        if width is not None:
            trace["width"] = width
        traces.append(trace)
    layout = {
        "title": {"text": str(dist["column"]), "font": {"size": 14}},
        "barmode": barmode,
        "yaxis": {"title": {"text": "share of rows"}},
        "legend": {"orientation": "h", "y": -0.25},
    }
    return _plot(figures, traces, layout)


def _pair_heatmap(pairs: Mapping[str, Any], figures: list[dict[str, Any]]) -> str:
    names: list[str] = []
    for p in pairs["pairs"]:
        for column in (p["column_1"], p["column_2"]):
            if column not in names:
                names.append(column)
    if not names:
        return '<p class="skipped">Fewer than two columns: no pairs.</p>'
    position = {name: i for i, name in enumerate(names)}
    z: list[list[float | None]] = [[None] * len(names) for _ in names]
    text: list[list[str]] = [[""] * len(names) for _ in names]
    for p in pairs["pairs"]:
        i, j = position[p["column_1"]], position[p["column_2"]]
        difference = None if p["score"] is None else 1 - p["score"]
        label = f"{p['metric']}: score {_fmt(p['score'])}"
        if p["real_correlation"] is not None:
            real, synthetic = _fmt(p["real_correlation"]), _fmt(p["synthetic_correlation"])
            label += f", r real {real} / synthetic {synthetic}"
        z[i][j] = z[j][i] = difference
        text[i][j] = text[j][i] = label
    trace = {
        "type": "heatmap",
        "x": names,
        "y": names,
        "z": z,
        "text": text,
        "hovertemplate": "%{y} and %{x}<br>difference %{z:.3f}<br>%{text}<extra></extra>",
        "colorscale": "Reds",
        "zmin": 0,
        "zmax": max([v for row in z for v in row if v is not None] + [0.05]),
    }
    size = max(420, 28 * len(names) + 160)
    layout = {
        "title": {"text": "1 - Column Pair Trends score (|Δ Pearson r| / 2 or contingency TVD)"},
        "height": size,
        "width": size + 120,
        "yaxis": {"autorange": "reversed"},
        "margin": {"l": 140, "b": 140, "t": 50, "r": 20},
    }
    return _plot(figures, [trace], layout)


def _coverage_table(coverage: Mapping[str, Any]) -> str:
    rows = [
        [
            _td(c["column"]),
            _td(c["real_categories"], True),
            _td(c["coverage"], True),
            _td(c["lost_count"], True),
            _td(", ".join(c["lost"]) + (" …" if c["lost_count"] > len(c["lost"]) else "")),
            _td(c["invented_count"], True),
            _td(c["invented_row_rate"], True),
        ]
        for c in coverage["columns"]
    ]
    header = [
        "column",
        "real categories",
        "coverage",
        "lost",
        "lost categories",
        "invented",
        "invented row rate",
    ]
    return "<h3>Category coverage</h3>" + _describe(coverage) + _table(header, rows)


def _missing_table(missing: Mapping[str, Any]) -> str:
    header = ["column", "real rate", "synthetic rate", "difference"]
    keys = ["real_rate", "synthetic_rate", "difference"]
    if any("real_inf_rate" in c for c in missing["columns"]):
        header[3:3] = ["real inf", "synthetic inf", "real -inf", "synthetic -inf"]
        keys[2:2] = ["real_inf_rate", "synthetic_inf_rate", "real_minus_inf_rate", "synthetic_minus_inf_rate"]
    rows = [[_td(c["column"])] + [_td(c.get(k, 0.0), True) for k in keys] for c in missing["columns"]]
    if any("real_kinds" in c for c in missing["columns"]):  # "?" and empty cells, each compared
        header.append("each way written (real / synthetic)")
        for row, c in zip(rows, missing["columns"]):
            ways = [f"{text or 'empty'}: {_fmt(share)} / {_fmt(c.get('synthetic_kinds', {}).get(text, 0.0))}"
                    for text, share in c.get("real_kinds", {}).items()]
            row.append(_td("; ".join(ways)))
    return "<h3>Missing values</h3>" + _table(header, rows)


def _range_table(ranges: Mapping[str, Any]) -> str:
    rows = [
        [_td(c["column"]), _td(c["coverage"], True), _td(c["outside_rate"], True)]
        for c in ranges["columns"]
    ]
    return (
        "<h3>Range coverage</h3>"
        + _describe(ranges)
        + _table(["column", "coverage", "synthetic outside real range"], rows)
    )


def _detection(section: Mapping[str, Any]) -> str:
    out = ["<h2>Detection</h2>"]
    skipped = _skipped(section)
    if skipped or not section:
        return "".join([*out, skipped or '<p class="skipped">Not computed.</p>'])
    hgb, logistic = section["gradient_boosting_auc"], section["logistic_detection"]
    rows = [
        [
            _td("gradient-boosting detector ROC AUC (3-fold CV)"),
            _td(hgb["value"], True),
            _td(_ci(hgb["ci95"])),
            _td(hgb["direction"]),
            _td(hgb["rows_used"]),
        ],
        [
            _td("sdmetrics LogisticDetection score"),
            _td(logistic.get("value"), True),
            _td(f"implied mean AUC {_fmt(logistic.get('implied_auc'))}"),
            _td(logistic["direction"]),
            _td(logistic.get("error") or logistic["rows_used"]),
        ],
    ]
    return "".join(out) + _table(
        ["metric", "value", "interval / note", "direction", "rows used"], rows
    )


def _utility(section: Mapping[str, Any]) -> str:
    out = ["<h2>Utility</h2>"]
    skipped = _skipped(section)
    if skipped or not section:
        return "".join([*out, skipped or '<p class="skipped">Not computed.</p>'])
    metrics = [
        k for k in ("roc_auc", "f1", "r2") if k in section["synthetic"] or k in section["real"]
    ]
    rows = [
        [
            _td(name),
            _td(section["synthetic"].get(name), True),
            _td(section["real"].get(name), True),
        ]
        for name in metrics
    ]
    out.append(
        f"<p>Target <b>{_e(section['target'])}</b> ({_e(section['task'])}); rows used "
        f"{_e(section['rows_used'])}. Utility gap ({_e(section['primary_metric'])}, TRTR - TSTR): "
        f"<b>{_fmt(section['value'])}</b>.</p>"
    )
    return "".join(out) + _table(
        ["metric", "train synthetic, test holdout", "train real, test holdout"], rows
    )


def _privacy(section: Mapping[str, Any], figures: list[dict[str, Any]]) -> str:
    out = ["<h2>Privacy</h2>"]
    skipped = _skipped(section)
    if skipped or not section:
        return "".join([*out, skipped or '<p class="skipped">Not computed.</p>'])
    distance, rows_used = _e(section["distance"]), _e(section["rows_used"])
    out.append(f'<p class="note">Distance: {distance}. Rows used: {rows_used}.</p>')
    share, p5, nndr = section["dcr_share"], section["dcr_5th_percentile"], section["nndr"]
    copies, mia = section["exact_copies"], section["membership_inference_auc"]
    rows = [
        [
            _td("DCR share (0.5: as near the training rows as chance puts them)"),
            _td(share["value"], True),
            _td(_ci(share["ci95"])),
            _td("0.5 ideal"),
            _td(share["direction"]),
        ],
        [
            _td("DCR 5th percentile"),
            _td(p5["value"], True),
            _td(_ci(p5["ci95"])),
            _td(p5["holdout"], True),
            _td(p5["direction"]),
        ],
        [
            _td("NNDR 5th percentile"),
            _td(nndr.get("value"), True),
            _td(""),
            _td(nndr.get("holdout"), True),
            _td(nndr.get("direction", "")),
        ],
        [
            _td("exact-copy rate"),
            _td(copies["value"], True),
            _td(_ci(copies["ci95"])),
            _td(copies["holdout"], True),
            _td(copies["direction"]),
        ],
        [
            _td("membership-inference ROC AUC"),
            _td(mia["value"], True),
            _td(_ci(mia["ci95"])),
            _td("0.5 ideal"),
            _td(mia["direction"]),
        ],
    ]
    out.append(
        _table(["metric", "synthetic", "95% interval", "holdout / reference", "direction"], rows)
    )
    out.append(_dcr_histogram(section["dcr_histogram"], figures))
    attribute = section["attribute_inference"]
    out.append("<h3>Attribute inference</h3>")
    if "skipped" in attribute:
        out.append(_skipped(attribute) or "")
    else:
        out.append(_describe(attribute))
        out.append(
            _table(
                ["column", "train accuracy", "holdout accuracy", "baseline", "leakage"],
                [
                    [
                        _td(c["column"]),
                        _td(c.get("train_accuracy"), True),
                        _td(c.get("holdout_accuracy"), True),
                        _td(c.get("baseline"), True),
                        _td(c.get("leakage", c.get("skipped")), "leakage" in c),
                    ]
                    for c in attribute["columns"]
                ],
            )
        )
    return "".join(out)


def _dcr_histogram(histogram: Mapping[str, Any], figures: list[dict[str, Any]]) -> str:
    edges = histogram["edges"]
    x = [(a + b) / 2 for a, b in pairwise(edges)]
    width = [b - a for a, b in pairwise(edges)]
    traces = [
        {
            "type": "bar",
            "name": "synthetic → train",
            "x": x,
            "y": histogram["synthetic_to_train"],
            "width": width,
            "marker": {"color": _SYNTHETIC},
            "opacity": 0.6,
        },
        {
            "type": "bar",
            "name": "holdout → train",
            "x": x,
            "y": histogram["holdout_to_train"],
            "width": width,
            "marker": {"color": _REAL},
            "opacity": 0.6,
        },
    ]
    layout = {
        "title": {"text": "Distance to closest training record"},
        "barmode": "overlay",
        "xaxis": {"title": {"text": "distance (values past the 99th percentile in the last bin)"}},
        "yaxis": {"title": {"text": "share of rows"}},
        "height": 380,
    }
    return _plot(figures, traces, layout)
