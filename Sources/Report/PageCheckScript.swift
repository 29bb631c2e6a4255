// The script every page loads first (assets/check.js). It does nothing
// unless the page was opened as `page.html?convnotes-check`, which is how
// `convnotes check-site` opens each page in headless Chromium; then it
// records console errors and uncaught exceptions from the start, and once
// the page (and KaTeX) has run, writes what it found as JSON into
// <pre id="convnotes-check"> for the dumped DOM: images that did not load,
// KaTeX errors, same-page anchors with no target, and horizontal overflow
// (the document wider than the window, or an element sticking out of it);
// at desktop widths (>= 1200 px), figure text smaller than 11 px as shown:
// the figure's smallest text (data-smallest-text, in its own px) times the
// displayed width over its own width.
enum PageCheckScript {
  static let source = """
    (function () {
      if (location.search.indexOf("convnotes-check") < 0) { return; }
      var problems = [];
      var error = console.error;
      console.error = function () {
        problems.push("console error: " + Array.prototype.map.call(arguments, String).join(" "));
        error.apply(console, arguments);
      };
      window.addEventListener("error", function (e) {
        if (e.target && e.target !== window && e.target.tagName) {
          problems.push("failed to load <" + e.target.tagName.toLowerCase() + "> " + (e.target.getAttribute("src") || e.target.getAttribute("href") || ""));
        } else {
          problems.push("uncaught error: " + e.message + " (" + (e.filename || "") + ":" + (e.lineno || 0) + ")");
        }
      }, true);
      window.addEventListener("load", function () {
        setTimeout(function () {
          document.querySelectorAll("img").forEach(function (img) {
            if (!img.complete || img.naturalWidth === 0) { problems.push("image did not load: " + img.getAttribute("src")); }
          });
          document.querySelectorAll(".katex-error, .math-error").forEach(function (el) {
            problems.push("KaTeX error: " + (el.getAttribute("title") || el.textContent).slice(0, 160));
          });
          document.querySelectorAll("a[href^='#']").forEach(function (a) {
            var id = decodeURIComponent(a.getAttribute("href").slice(1));
            if (id && !document.getElementById(id)) { problems.push("broken anchor: #" + id); }
          });
          var width = window.innerWidth;
          if (width >= 1200) {
            document.querySelectorAll("img[data-smallest-text]").forEach(function (img) {
              var own = parseFloat(img.getAttribute("width")) || img.naturalWidth;
              var shown = img.getBoundingClientRect().width;
              var px = parseFloat(img.getAttribute("data-smallest-text")) * shown / own;
              if (own > 0 && px < 10.95) { problems.push("figure text " + px.toFixed(1) + " px as displayed at " + width + " px (at least 11): " + img.getAttribute("src")); }
            });
          }
          if (document.documentElement.scrollWidth > width + 1) {
            var widest = null, right = width;
            document.querySelectorAll("body *").forEach(function (el) {
              var r = el.getBoundingClientRect();
              if (r.right > right + 1 && getComputedStyle(el).position !== "fixed") {
                var scroller = el.closest(".table-scroll, pre, .katex-display");
                if (!scroller || scroller === el) { right = r.right; widest = el; }
              }
            });
            var what = widest ? "<" + widest.tagName.toLowerCase() + (widest.getAttribute("class") ? " class=\\"" + widest.getAttribute("class") + "\\"" : "") + ">" : "the document";
            problems.push("horizontal overflow at " + width + " px: " + document.documentElement.scrollWidth + " px wide (" + what + ")");
          }
          var out = document.createElement("pre");
          out.id = "convnotes-check";
          out.textContent = JSON.stringify(problems);
          document.body.appendChild(out);
        }, 50);
      });
    })();

    """
}
