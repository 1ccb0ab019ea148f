// Leaderboard page: draw the plotly figures embedded in the page and sort the table by any column.
(function () {
  "use strict";
  function drawFigures() {
    const holder = document.getElementById("figure-data");
    if (!holder || !window.Plotly) return;
    const figures = JSON.parse(holder.textContent);
    document.querySelectorAll("div.figure").forEach(function (div) {
      const fig = figures[div.dataset.figure];
      Plotly.newPlot(div, fig.data, fig.layout, {responsive: true, displaylogo: false}).then(function () {
        div.dataset.rendered = "true";
      });
    });
  }
  function sortBy(table, index, type, th) {
    const body = table.tBodies[0];
    const ascending = th.dataset.order !== "asc";
    table.querySelectorAll("th").forEach(function (h) { delete h.dataset.order; });
    th.dataset.order = ascending ? "asc" : "desc";
    const rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      const x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
      if (x === "" || y === "") return (x === "") - (y === "");  // empty values last
      const c = type === "num" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function enableSorting() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (th, index) {
        th.style.cursor = "pointer";
        th.addEventListener("click", function () { sortBy(table, index, th.dataset.type, th); });
      });
    });
  }
  function start() { enableSorting(); drawFigures(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
