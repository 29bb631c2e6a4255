// The page templates (Mustache, HTML-escaping by default) and the site's
// stylesheet and math script. swift-mustache is used rather than string
// concatenation because it escapes every {{value}} unless told not to.
import Mustache

enum Templates {
  static let page = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · ConvNotes</title>
    <script src="assets/check.js"></script>
    <link rel="stylesheet" href="assets/style.css">
    {{#math}}
    <link rel="stylesheet" href="assets/katex/katex.min.css">
    <script defer src="assets/katex/katex.min.js"></script>
    <script defer src="assets/math.js"></script>
    {{/math}}
    </head>
    <body>
    <header class="site">
    <a class="home" href="index.html">ConvNotes</a>
    <nav>{{#previous}}<a rel="prev" href="{{href}}">← {{title}}</a>{{/previous}}{{#next}}<a rel="next" href="{{href}}">{{title}} →</a>{{/next}}<a href="ledger.html">Paper vs ours</a><a href="references.html">References</a></nav>
    </header>
    <div class="layout">
    <aside class="toc">
    <p class="lecture">{{lecture}}</p>
    <p class="tally {{tallyClass}}">{{tally}}</p>
    {{#hasHeadings}}
    <ol>
    {{#headings}}<li class="level{{level}}"><a href="#{{anchor}}">{{text}}</a></li>
    {{/headings}}
    </ol>
    {{/hasHeadings}}
    </aside>
    <main>
    {{#banners}}<p class="banner">{{text}}</p>
    {{/banners}}
    <article>
    {{{body}}}
    </article>
    <footer class="provenance">
    <h2>How these numbers were made</h2>
    <dl>
    {{#provenance}}<dt>{{name}}</dt><dd>{{value}}</dd>
    {{/provenance}}
    </dl>
    </footer>
    </main>
    </div>
    </body>
    </html>

    """

  static let index = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>ConvNotes</title>
    <script src="assets/check.js"></script>
    <link rel="stylesheet" href="assets/style.css">
    </head>
    <body>
    <header class="site"><a class="home" href="index.html">ConvNotes</a></header>
    <main class="index">
    <h1>ConvNotes</h1>
    <p>An executable companion to the CS231n lectures on localization and detection and on
    visualizing and understanding ConvNets. Every number below comes from a run on this machine;
    every claim is checked on every run.</p>
    <p class="tally {{tallyClass}}">{{tally}}</p>
    <p class="booklinks"><a href="ledger.html">Paper vs ours: every ledger row on one page</a> · <a href="references.html">References</a></p>
    {{{body}}}
    {{{footer}}}
    </main>
    </body>
    </html>

    """

  static let mathScript = """
    document.addEventListener("DOMContentLoaded", function () {
      if (!window.katex) { return; }
      document.querySelectorAll(".math").forEach(function (el) {
        try {
          katex.render(el.textContent, el, { displayMode: el.classList.contains("display"), throwOnError: false });
        } catch (e) { el.classList.add("math-error"); }
      });
    });

    """

  static let stylesheet = """
    :root { --text: #1d1d1f; --muted: #5f6368; --rule: #e3e3e3; --accent: #0072b2; --pass: #1a7f37; --fail: #c62828; --bg: #ffffff; --code: #f6f8fa; }
    * { box-sizing: border-box; }
    html { font-size: 17px; }
    body { margin: 0; color: var(--text); background: var(--bg); font-family: "DejaVu Serif", Georgia, "Noto Serif CJK SC", "WenQuanYi Micro Hei", serif; line-height: 1.6; }
    header.site { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--rule); font-family: "DejaVu Sans", "WenQuanYi Micro Hei", sans-serif; font-size: .9rem; }
    header.site .home { font-weight: bold; color: var(--text); text-decoration: none; }
    header.site nav a { margin-left: 1.2rem; }
    a { color: var(--accent); }
    .layout { display: grid; grid-template-columns: 15rem minmax(0, 46rem); gap: 2.5rem; justify-content: center; padding: 1.5rem 1.2rem 4rem; }
    aside.toc { position: sticky; top: 1rem; align-self: start; font-family: "DejaVu Sans", "WenQuanYi Micro Hei", sans-serif; font-size: .85rem; }
    aside.toc ol { list-style: none; padding: 0; margin: .8rem 0; }
    aside.toc li { margin: .3rem 0; }
    aside.toc li.level3 { padding-left: 1rem; }
    aside.toc a { color: var(--muted); text-decoration: none; }
    aside.toc a:hover { color: var(--accent); }
    .lecture { color: var(--muted); margin: 0; }
    .tally { font-family: "DejaVu Sans", sans-serif; font-weight: bold; }
    .tally.pass, td.pass { color: var(--pass); } .tally.fail, td.fail { color: var(--fail); }
    main { min-width: 0; }
    p.banner { font-family: "DejaVu Sans", sans-serif; font-size: .9rem; background: #fff4d6; border-left: 4px solid #d99a00; padding: .6rem .9rem; }
    main.index { max-width: 58rem; margin: 0 auto; padding: 1.5rem 1.2rem 4rem; }
    h1, h2, h3 { font-family: "DejaVu Sans", "WenQuanYi Micro Hei", sans-serif; line-height: 1.25; }
    h1 { font-size: 1.9rem; margin-top: 0; } h2 { font-size: 1.35rem; margin-top: 2.2rem; } h3 { font-size: 1.1rem; }
    .anchor { position: relative; top: -1rem; }
    .citation a.cite { text-decoration: none; }
    section.references ol, ol.bibliography { font-size: .9rem; padding-left: 1.6rem; }
    section.references li, ol.bibliography li { margin: .4rem 0; }
    section.references li:target, ol.bibliography li:target { background: #fff8d6; }
    .citedby, .muted { color: var(--muted); font-size: .85rem; }
    .booklinks { font-family: "DejaVu Sans", sans-serif; font-size: .9rem; }
    section.lecture h2 { border-bottom: 1px solid var(--rule); padding-bottom: .3rem; }
    ol.cards { list-style: none; padding: 0; margin: 0; }
    li.card { display: grid; grid-template-columns: 220px minmax(0, 1fr); gap: 1.2rem; padding: .9rem 0; border-bottom: 1px solid var(--rule); }
    li.card .thumb { display: block; width: 220px; height: 140px; border: 1px solid var(--rule); background: #fafafa; overflow: hidden; }
    li.card .thumb img { width: 100%; height: 100%; object-fit: contain; }
    li.card .nothumb { display: block; padding: 3rem 1rem; color: var(--muted); font-size: .8rem; text-align: center; }
    li.card h3 { margin: 0 0 .3rem; } li.card h3 .num { color: var(--muted); font-weight: normal; margin-right: .3rem; }
    li.card p { margin: .2rem 0; } li.card .meta { font-family: "DejaVu Sans", sans-serif; font-size: .8rem; color: var(--muted); }
    li.card .meta .pass { color: var(--pass); font-weight: bold; } li.card .meta .fail { color: var(--fail); font-weight: bold; }
    table.sortable td:first-child { min-width: 11rem; } table.sortable td:nth-child(2) { min-width: 12rem; }
    table.ledger td .pass { color: var(--pass); font-weight: bold; } table.ledger td .fail { color: var(--fail); font-weight: bold; }
    table.sortable th { cursor: pointer; user-select: none; } table.sortable th.sorted::after { content: " ▾"; }
    main.book { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.2rem 4rem; }
    @media (max-width: 600px) { li.card { grid-template-columns: minmax(0, 1fr); } li.card .thumb { width: 100%; } }
    code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: .85em; }
    :not(pre) > code { background: var(--code); padding: .05em .3em; border-radius: 3px; }
    pre { background: var(--code); padding: .8rem 1rem; overflow-x: auto; border-radius: 4px; line-height: 1.45; }
    .value { font-weight: bold; font-variant-numeric: tabular-nums; }
    .missing { color: var(--fail); font-weight: bold; }
    figure { margin: 1.8rem 0; }
    figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
    figcaption { font-family: "DejaVu Sans", "WenQuanYi Micro Hei", sans-serif; font-size: .85rem; color: var(--muted); margin-top: .5rem; }
    figcaption .label { font-weight: bold; color: var(--text); }
    figcaption code.regenerate { display: block; font-size: .75rem; margin-top: .2rem; color: var(--muted); overflow-wrap: anywhere; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; font-family: "DejaVu Sans", "WenQuanYi Micro Hei", sans-serif; font-size: .85rem; margin: 1rem 0; width: 100%; }
    @media (max-width: 700px) { table { display: block; overflow-x: auto; } }
    .katex-display { overflow-x: auto; overflow-y: hidden; padding: .2rem 0; }
    figcaption, p code, li code, td code, li a, td a { overflow-wrap: anywhere; }  /* long URLs in reference lists */
    article img, article svg, article video { max-width: 100%; height: auto; }
    th, td { padding: .35rem .6rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
    th { border-bottom: 2px solid #bbb; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    ul.claims { list-style: none; padding: .6rem .9rem; margin: 1.2rem 0; border-left: 4px solid var(--rule); background: #fafafa; font-family: "DejaVu Sans", sans-serif; font-size: .85rem; }
    ul.claims li { margin: .25rem 0; }
    ul.claims li.pass .mark { color: var(--pass); font-weight: bold; }
    ul.claims li.fail { color: var(--fail); } ul.claims li.fail .mark { font-weight: bold; }
    ul.claims .measured { color: var(--muted); margin-left: .4rem; }
    ul.claims .note { color: var(--muted); font-style: italic; margin-left: .4rem; }
    .math.display { display: block; text-align: center; margin: 1rem 0; overflow-x: auto; }
    footer.provenance { margin-top: 3rem; border-top: 1px solid var(--rule); font-family: "DejaVu Sans", sans-serif; font-size: .8rem; color: var(--muted); }
    footer.provenance h2 { font-size: .95rem; }
    footer.provenance dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
    footer.provenance dt { font-weight: bold; } footer.provenance dd { margin: 0; word-break: break-all; }
    @media (max-width: 900px) {
      .layout { grid-template-columns: minmax(0, 1fr); gap: 0; }
      aside.toc { position: static; border-bottom: 1px solid var(--rule); padding-bottom: .6rem; margin-bottom: 1rem; }
      html { font-size: 16px; }
    }
    @media print {
      header.site nav, aside.toc ol { display: none; }
      .layout { display: block; padding: 0; }
      a { color: inherit; text-decoration: none; }
      figure, table, pre, ul.claims { break-inside: avoid; }
      html { font-size: 11pt; }
    }

    """

  static let pageTemplate: MustacheTemplate? = try? MustacheTemplate(string: page)
  static let indexTemplate: MustacheTemplate? = try? MustacheTemplate(string: index)
  static let bookPageTemplate: MustacheTemplate? = try? MustacheTemplate(string: bookPage)
}
