// report.html's only style sheet, inlined: system fonts (nothing is downloaded), readable
// tables that scroll sideways on a narrow screen, charts at about their drawn
// size (side by side only on a screen wide enough, so their text stays readable), and print rules.

export const REPORT_CSS = `
:root { --fg: #1d2430; --muted: #5b6472; --line: #dfe3ea; --head: #f4f6f9; --accent: #2f6fdf; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header.top { background: #162033; color: #f2f5fa; padding: 28px 32px 22px; }
header.top .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: #9fb3d6; margin: 0 0 4px; }
header.top h1 { margin: 0 0 8px; font-size: 28px; line-height: 1.2; }
header.top h1 .executor { font-weight: 400; color: #9fb3d6; font-size: 18px; }
header.top .lead { max-width: 70em; margin: 0 0 14px; font-size: 16px; color: #dbe3f0; }
header.top dl { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; font-size: 13px; }
header.top dt { color: #9fb3d6; }
header.top dd { margin: 0; }
nav.toc { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid var(--line); padding: 8px 32px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 16px; white-space: nowrap; }
main { padding: 8px 32px 40px; max-width: 1840px; }
h2 { font-size: 21px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 20px 0 8px; }
h4 { font-size: 15px; margin: 16px 0 6px; }
p, li { max-width: 75em; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; background: var(--head); padding: 1px 4px; border-radius: 3px; }
.muted, .sub { color: var(--muted); }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #2e7d32; color: #fff; }
.status.aborted, .status.running { background: #b26a00; }
.status.failed { background: #c62828; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { flex: 0 1 880px; max-width: 100%; margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
figure.chart svg { display: block; width: 100%; height: auto; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 8px; vertical-align: -1px; }
article.target { margin: 18px 0 26px; }
article.target .model { color: var(--muted); margin: -4px 0 8px; }
.failed { color: #c62828; font-weight: 600; }
.table-wrap { overflow-x: auto; margin: 6px 0 14px; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td:last-child { white-space: normal; min-width: 12em; }
th { background: var(--head); font-weight: 600; }
th.num, td.num { text-align: right; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tbody tr:hover td { background: #eef3fb; }
section#findings ol, section#findings ul { padding-left: 24px; }
.pass { color: #2e7d32; font-weight: 600; }
.fail { color: #c62828; font-weight: 600; }
pre.scenario { background: var(--head); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; overflow-x: auto; font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; font-size: 14px; }
dl.env dt { color: var(--muted); }
dl.env dd { margin: 0; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding: 12px 32px 24px; }
@media print { nav.toc { display: none; } header.top { background: none; color: var(--fg); } header.top .lead, header.top dd { color: var(--fg); } figure.chart { break-inside: avoid; } }
`;
