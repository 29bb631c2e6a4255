// The shell of the book's own pages (ledger, references) and the ledger's
// sort script: click a heading to sort the rows by that column; the chapter
// column sorts in chapter order, the claims column puts failing rows first.
extension Templates {
  static let bookPage = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · ConvNotes</title>
    <script src="assets/check.js"></script>
    <link rel="stylesheet" href="assets/style.css">
    </head>
    <body>
    <header class="site"><a class="home" href="index.html">ConvNotes</a><nav><a href="ledger.html">Paper vs ours</a><a href="references.html">References</a></nav></header>
    <main class="book">
    {{{body}}}
    </main>
    {{#script}}<script>{{{script}}}</script>{{/script}}
    </body>
    </html>

    """

  static let sortScript = """
    document.querySelectorAll("table.sortable").forEach(function (table) {
      var heads = table.querySelectorAll("th");
      heads.forEach(function (th, column) {
        th.addEventListener("click", function () {
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var kind = th.getAttribute("data-sort");
          var rank = { fails: 0, holds: 1, none: 2 };
          rows.sort(function (a, b) {
            if (kind === "chapter") { return a.dataset.chapter - b.dataset.chapter; }
            if (kind === "holds") { return (rank[a.dataset.holds] - rank[b.dataset.holds]) || (a.dataset.chapter - b.dataset.chapter); }
            return a.cells[column].textContent.localeCompare(b.cells[column].textContent, undefined, { numeric: true });
          });
          rows.forEach(function (r) { body.appendChild(r); });
          heads.forEach(function (h) { h.classList.remove("sorted"); });
          th.classList.add("sorted");
        });
      });
    });
    """
}
