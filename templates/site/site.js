/* lfk site: table filtering (unit pages) and search over the prebuilt index (search page).
   Local only: no network requests; results are built with textContent (never innerHTML).
   No wording here: every message comes from a data-msg-* attribute of the page, in the page's language. */
(function () {
  "use strict";

  function norm(s) { return String(s || "").toLowerCase(); }
  function terms(q) { return norm(q).split(/\s+/).filter(Boolean); }
  function msg(el, name, vals) {
    var text = (el && el.getAttribute("data-msg-" + name)) || "";
    return text.replace(/\{(\w+)\}/g, function (m, k) { return vals && vals[k] !== undefined ? String(vals[k]) : m; });
  }
  function param(name) {
    try { return new URLSearchParams(window.location.search).get(name) || ""; } catch (e) { return ""; }
  }

  /* -- unit page: filter the table of powers ---------------------------------------------- */
  function setupFilter(form) {
    var table = document.getElementById(form.getAttribute("data-filter-table"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var q = form.querySelector("input[type=search]");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-attr]"));
    var count = form.querySelector("[data-count]");
    var empty = document.querySelector("[data-empty]");
    var hay = rows.map(function (tr) { return norm(tr.getAttribute("data-text") + " " + tr.textContent); });

    function apply() {
      var t = terms(q ? q.value : "");
      var shown = 0;
      rows.forEach(function (tr, i) {
        var ok = t.every(function (w) { return hay[i].indexOf(w) >= 0; });
        selects.forEach(function (sel) {
          if (!ok || !sel.value) { return; }
          var attr = sel.getAttribute("data-attr");
          var vals = (tr.getAttribute("data-" + attr) || "").split("|");
          if (vals.indexOf(sel.value) < 0) { ok = false; }
        });
        tr.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = msg(count, "count", { n: shown, total: rows.length }); }
      if (empty) { empty.hidden = shown !== 0; }
    }

    if (q) { q.value = param("q"); q.addEventListener("input", apply); }
    selects.forEach(function (sel) {
      var v = param(sel.name);
      if (v) { sel.value = v; }
      sel.addEventListener("change", apply);
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    apply();
  }

  /* -- search page: all powers from window.LFK_INDEX ------------------------------------- */
  function setupSearch(list) {
    var data = (window.LFK_INDEX && window.LFK_INDEX.powers) || [];
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-q");
    var status = document.getElementById("search-status");
    var root = (document.querySelector("link[rel=stylesheet]").getAttribute("href") || "").replace(/assets\/site\.css$/, "");
    var hay = data.map(function (p) {
      return norm([p.id, p.n, p.u, p.c, (p.a || []).join(" "), p.t].join(" "));
    });
    var LIMIT = 200;

    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) { e.className = cls; }
      if (text !== undefined) { e.textContent = text; }
      return e;
    }

    function run() {
      var t = terms(input.value);
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!t.length) { status.textContent = msg(status, "start", { total: data.length }); return; }
      var hits = [];
      for (var i = 0; i < data.length; i += 1) {
        var h = hay[i];
        if (t.every(function (w) { return h.indexOf(w) >= 0; })) { hits.push(data[i]); }
      }
      status.textContent = hits.length
        ? msg(status, "found", { n: hits.length }) + (hits.length > LIMIT ? msg(status, "more", { limit: LIMIT }) : "")
        : msg(status, "none");
      hits.slice(0, LIMIT).forEach(function (p) {
        var li = el("li");
        var a = el("a", "r-title", p.n);
        a.href = root + p.h;
        li.appendChild(a);
        li.appendChild(el("div", "r-meta", [p.u, p.c, p.id].concat(p.a || []).join(" · ") + (p.i ? " · " + msg(status, "internal") : "")));
        if (p.t) { li.appendChild(el("div", "r-text", p.t)); }
        list.appendChild(li);
      });
    }

    input.value = param("q");
    input.addEventListener("input", run);
    if (form) { form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); }); }
    run();
  }

  /* -- power page: a flowchart wider than a phone starts centred (it scrolls sideways) ------- */
  function centreFlows() {
    Array.prototype.forEach.call(document.querySelectorAll(".flow-svg"), function (box) {
      if (box.scrollWidth > box.clientWidth) { box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2; }
    });
  }

  function init() {
    centreFlows();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-filter-table]"), setupFilter);
    var list = document.getElementById("search-results");
    if (list) { setupSearch(list); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
