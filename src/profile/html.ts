import type { ImportAttribution } from "./attribution.js";
import type { StartupBreakdown } from "./breakdown.js";
import type { ImportTimeNode } from "./types.js";

/** Where a module comes from, which the chart colours it by. */
export type ModuleKind = "project" | "third-party" | "stdlib";

export interface ChartInput {
  breakdown: StartupBreakdown;
  /** The whole import tree of one run, medians for times: the interpreter's start included. */
  tree: readonly ImportTimeNode[];
  attribution: ImportAttribution;
  kindOf: (module: string) => ModuleKind;
}

/** One node as the page reads it: short keys, because real programs import thousands of modules. */
interface ChartNode {
  /** module */
  m: string;
  /** self and cumulative time, µs */
  s: number;
  c: number;
  /** kind: index into KINDS */
  k: number;
  /** first imported by: `where  text`, if a statement of the project explains it */
  b?: string;
  ch?: ChartNode[];
}

const KINDS: ModuleKind[] = ["project", "third-party", "stdlib"];

/**
 * A self-contained page (no network: a Content-Security-Policy forbids it) with an icicle chart
 * of the import tree: width is cumulative time, hover shows a module's numbers and who imported
 * it, click zooms in, the search box highlights modules. `#search=TEXT&focus=MODULE` in the URL
 * fills the search box and shows a module's details, for links and for tests.
 */
export function renderStartupHtml(input: ChartInput): string {
  const toChartNode = (node: ImportTimeNode): ChartNode => {
    const chartNode: ChartNode = { m: node.module, s: Math.round(node.selfUs), c: Math.round(node.cumulativeUs), k: KINDS.indexOf(input.kindOf(node.module)) };
    const site = input.attribution.byNode.get(node)?.site;
    if (site) chartNode.b = `${site.where}  ${site.text}`;
    if (node.children.length > 0) chartNode.ch = node.children.map(toChartNode);
    return chartNode;
  };
  const data = {
    entry: input.breakdown.entry,
    python: input.breakdown.python,
    phases: input.breakdown.phases,
    runs: input.breakdown.runs,
    tree: input.tree.map(toChartNode),
  };
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return PAGE.replace("__TITLE__", escapeHtml(`pylazy profile: ${input.breakdown.entry}`)).replace("__DATA__", () => json);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1f2328; background: #fff; }
  header { padding: 12px 16px 8px; border-bottom: 1px solid #d0d7de; }
  h1 { font-size: 16px; margin: 0 0 4px; }
  .phases { display: flex; gap: 18px; flex-wrap: wrap; color: #57606a; }
  .phases b { color: #1f2328; font-weight: 600; }
  .tools { display: flex; gap: 12px; align-items: center; padding: 8px 16px; }
  #search { width: 260px; padding: 4px 6px; font: inherit; }
  #status { color: #57606a; }
  .legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; border-radius: 2px; vertical-align: -1px; }
  #chart { position: relative; margin: 0 16px; }
  .node { position: absolute; height: 20px; box-sizing: border-box; border: 1px solid #fff; border-radius: 2px;
          overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding: 1px 4px; font-size: 12px; cursor: pointer; }
  .node:hover { border-color: #1f2328; }
  .k0 { background: #fb8f44; } .k1 { background: #54aeff; } .k2 { background: #a5d6a7; } .root { background: #d0d7de; }
  .ancestor { opacity: .55; }
  .searching .node { opacity: .25; }
  .searching .node.match { opacity: 1; outline: 2px solid #cf222e; outline-offset: -2px; }
  #details { margin: 12px 16px; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 6px; min-height: 3.2em; white-space: pre-wrap; }
  #tooltip { position: fixed; pointer-events: none; background: #1f2328; color: #fff; padding: 6px 8px; border-radius: 4px;
             white-space: pre; font-size: 12px; display: none; z-index: 2; }
</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <div class="phases" id="phases"></div>
</header>
<div class="tools">
  <input id="search" type="search" placeholder="Search modules (text or /regex/)" aria-label="Search modules">
  <span id="status"></span>
  <span class="legend"><span class="k0"></span>project<span class="k1"></span>third party<span class="k2"></span>standard library</span>
</div>
<div id="chart" role="tree"></div>
<div id="details">Hover over a module for its times; click to zoom in, click the top bar to zoom out.</div>
<div id="tooltip"></div>
<script type="application/json" id="profile-data">__DATA__</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("profile-data").textContent);
const KIND_NAMES = ["project", "third party", "standard library"];
const ROW = 22;
const root = { m: "startup", s: 0, c: data.tree.reduce((t, n) => t + n.c, 0), k: -1, ch: data.tree };
(function link(node, parent) { node.parent = parent; (node.ch || []).forEach((child) => link(child, node)); })(root, null);
const ms = (us) => (us >= 100000 ? Math.round(us / 1000) : (us / 1000).toFixed(1)) + " ms";
const chart = document.getElementById("chart");
const tooltip = document.getElementById("tooltip");
const details = document.getElementById("details");
const searchBox = document.getElementById("search");
let zoomed = root;
let matcher = null;

document.getElementById("title").textContent = "Startup of " + data.entry;
for (const [label, value] of [
  ["Python", data.python.version],
  ["interpreter start", ms(data.phases.interpreterStartMs * 1000)],
  ["site", ms(data.phases.siteMs * 1000)],
  ["imports", ms(data.phases.importsMs * 1000)],
  ["total", ms(data.phases.totalMs * 1000)],
  ["median of runs", String(data.runs)],
]) {
  const span = document.createElement("span");
  const b = document.createElement("b");
  b.textContent = value;
  span.append(label + " ", b);
  document.getElementById("phases").append(span);
}

function describe(node) {
  if (node === root) return "startup: " + ms(root.c) + " of imports in all";
  const chain = [];
  for (let up = node.parent; up && up !== root; up = up.parent) chain.push(up.m);
  const lines = [
    node.m + "  (" + KIND_NAMES[node.k] + ")",
    "self " + ms(node.s) + ", cumulative " + ms(node.c) + ", " + (100 * node.c / root.c).toFixed(1) + "% of all imports",
  ];
  if (node.b) lines.push("first imported by " + node.b);
  lines.push(chain.length ? "imported under " + chain.join(" \\u2190 ") : "imported at the top level");
  return lines.join("\\n");
}

function render() {
  chart.textContent = "";
  const width = chart.clientWidth || 1000;
  const ancestors = [];
  for (let up = zoomed; up; up = up.parent) ancestors.unshift(up);
  ancestors.forEach((node, depth) => place(node, 0, width, depth, node !== zoomed));
  let rows = ancestors.length;
  (function layout(node, x, w, depth) {
    let offset = x;
    for (const child of node.ch || []) {
      const cw = node.c > 0 ? (child.c / node.c) * w : 0;
      if (cw >= 0.5) {
        place(child, offset, cw, depth, false);
        rows = Math.max(rows, depth + 1);
        layout(child, offset, cw, depth + 1);
      }
      offset += cw;
    }
  })(zoomed, 0, width, ancestors.length);
  chart.style.height = rows * ROW + "px";
  applySearch();
  document.body.dataset.rendered = String(chart.childElementCount);
}

function place(node, x, w, depth, isAncestor) {
  const el = document.createElement("div");
  el.className = "node " + (node === root ? "root" : "k" + node.k) + (isAncestor ? " ancestor" : "");
  el.style.left = x + "px";
  el.style.width = w + "px";
  el.style.top = depth * ROW + "px";
  el.textContent = w > 30 ? node.m + " " + ms(node.c) : "";
  el.dataset.module = node.m;
  el.setAttribute("role", "treeitem");
  el.node = node;
  chart.appendChild(el);
}

chart.addEventListener("mouseover", (event) => {
  const el = event.target.closest(".node");
  if (!el) return;
  const text = describe(el.node);
  details.textContent = text;
  tooltip.textContent = text;
  tooltip.style.display = "block";
});
chart.addEventListener("mousemove", (event) => {
  tooltip.style.left = Math.min(event.clientX + 14, window.innerWidth - tooltip.offsetWidth - 4) + "px";
  tooltip.style.top = event.clientY + 16 + "px";
});
chart.addEventListener("mouseout", () => { tooltip.style.display = "none"; });
chart.addEventListener("click", (event) => {
  const el = event.target.closest(".node");
  if (!el) return;
  zoomed = el.node === zoomed && zoomed.parent ? zoomed.parent : el.node;
  render();
});

function compileSearch(text) {
  if (!text) return null;
  const regex = /^\\/(.+)\\/$/.exec(text);
  if (regex) { try { const re = new RegExp(regex[1], "i"); return (m) => re.test(m); } catch (e) { return null; } }
  const lower = text.toLowerCase();
  return (m) => m.toLowerCase().includes(lower);
}

function applySearch() {
  const status = document.getElementById("status");
  chart.classList.toggle("searching", matcher !== null);
  if (!matcher) { status.textContent = ""; return; }
  for (const el of chart.children) el.classList.toggle("match", el.node !== root && matcher(el.node.m));
  let count = 0, total = 0;
  (function walk(node, inMatch) {
    const hit = node !== root && matcher(node.m);
    if (hit) count++;
    if (hit && !inMatch) total += node.c;
    (node.ch || []).forEach((child) => walk(child, inMatch || hit));
  })(root, false);
  status.textContent = count + (count === 1 ? " module matches, " : " modules match, ") + ms(total) + " (" + (root.c ? (100 * total / root.c).toFixed(1) : "0") + "% of imports)";
}

searchBox.addEventListener("input", () => { matcher = compileSearch(searchBox.value.trim()); applySearch(); });
window.addEventListener("resize", render);

const params = new URLSearchParams(location.hash.slice(1));
if (params.get("search")) { searchBox.value = params.get("search"); matcher = compileSearch(searchBox.value); }
render();
if (params.get("focus")) {
  const el = [...chart.children].find((child) => child.dataset.module === params.get("focus"));
  if (el) el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true, clientX: 10, clientY: 10 }));
}
</script>
</body>
</html>
`;
