// EdgeAgent report: plain script, no libraries, works from file://.
(function () {
  "use strict";
  var root = document.documentElement;

  // Language: one of the report's languages or all of them; from the URL (#lang=zh), else remembered, else all.
  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "all" ? "en" : lang);
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-set-lang") === lang));
    });
    try { localStorage.setItem("edgeagent-lang", lang); } catch (e) { /* file:// may forbid storage */ }
  }
  function known(lang) { return lang && document.querySelector('[data-set-lang="' + lang + '"]') ? lang : null; }
  var wanted = (/(?:^#|&)lang=([\w-]+)/.exec(location.hash) || [])[1];
  var saved = null;
  try { saved = localStorage.getItem("edgeagent-lang"); } catch (e) { saved = null; }
  setLang(known(wanted) || known(saved) || "all");
  document.querySelectorAll("[data-set-lang]").forEach(function (b) {
    b.addEventListener("click", function () { setLang(b.getAttribute("data-set-lang")); });
  });

  // Images: mark each as loaded or broken, so a missing photo is visible, not a blank box.
  function markImage(img) {
    var ok = img.complete && img.naturalWidth > 0;
    var state = ok ? "loaded" : (img.complete ? "broken" : "pending");
    img.setAttribute("data-image-state", state);
    if (img.hasAttribute("data-thumb")) { img.setAttribute("data-thumb-state", state); }
    img.setAttribute("data-natural-width", String(img.naturalWidth));
    if (img.complete && !ok) { img.classList.add("broken"); img.alt = "image missing / 图像缺失"; }
  }
  var images = Array.prototype.slice.call(document.images);
  images.forEach(function (img) {
    img.addEventListener("load", function () { markImage(img); });
    img.addEventListener("error", function () { markImage(img); });
    markImage(img);
  });
  window.addEventListener("load", function () {
    images.forEach(markImage);
    root.setAttribute("data-report-ready", "true");
  });

  // Clips: mark each video as playable (its duration and size once the browser has read it) or broken.
  document.querySelectorAll("video.clip").forEach(function (video) {
    video.addEventListener("loadedmetadata", function () {
      video.setAttribute("data-video-state", "loaded");
      video.setAttribute("data-duration", String(video.duration));
      video.setAttribute("data-video-width", String(video.videoWidth));
    });
    video.addEventListener("error", function () {
      video.setAttribute("data-video-state", "broken");
      video.classList.add("broken");
    });
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
