// EdgeAgent report: plain script, no libraries, works from file://.
(function () {
  "use strict";
  var root = document.documentElement;

  // Language: EN, 中文 or both; remembered where the browser allows it.
  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-set-lang") === lang));
    });
    try { localStorage.setItem("edgeagent-lang", lang); } catch (e) { /* file:// may forbid storage */ }
  }
  var saved = null;
  try { saved = localStorage.getItem("edgeagent-lang"); } catch (e) { saved = null; }
  setLang(saved || "both");
  document.querySelectorAll("[data-set-lang]").forEach(function (b) {
    b.addEventListener("click", function () { setLang(b.getAttribute("data-set-lang")); });
  });

  // Thumbnails: mark each as loaded or broken, so a missing photo is visible, not a blank box.
  function markThumb(img) {
    var ok = img.complete && img.naturalWidth > 0;
    img.setAttribute("data-thumb-state", ok ? "loaded" : (img.complete ? "broken" : "pending"));
    img.setAttribute("data-natural-width", String(img.naturalWidth));
    if (img.complete && !ok) { img.classList.add("broken"); img.alt = "image missing / 图像缺失"; }
  }
  document.querySelectorAll("img[data-thumb]").forEach(function (img) {
    img.addEventListener("load", function () { markThumb(img); });
    img.addEventListener("error", function () { markThumb(img); });
    markThumb(img);
  });
  window.addEventListener("load", function () {
    document.querySelectorAll("img[data-thumb]").forEach(markThumb);
    root.setAttribute("data-report-ready", "true");
  });

  // Index filters: site, point, date range, status, free text; mirrored in the URL hash so a view can be shared.
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.job"));
  function value(name) { return form.elements[name] ? form.elements[name].value : ""; }
  function apply() {
    var site = value("site"), point = value("point"), from = value("from"), to = value("to"), status = value("status");
    var q = value("q").toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var visible = (!site || d.site === site) && (!point || d.point === point) && (!status || d.status === status) &&
        (!from || d.date >= from) && (!to || d.date <= to) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !visible;
      if (visible) { shown++; }
    });
    document.getElementById("shown").textContent = shown + " / " + rows.length;
    var parts = [];
    ["site", "point", "from", "to", "status", "q"].forEach(function (n) {
      if (value(n)) { parts.push(n + "=" + encodeURIComponent(value(n))); }
    });
    if (history.replaceState) { history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname); }
  }
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var kv = pair.split("=");
    if (kv.length === 2 && form.elements[kv[0]]) { form.elements[kv[0]].value = decodeURIComponent(kv[1]); }
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
