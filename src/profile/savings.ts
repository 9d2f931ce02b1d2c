import type { FirstPartyModule, ImportSite } from "./importSites.js";
import { siteLoads } from "./importSites.js";
import type { ImportTimeNode, ModuleTiming } from "./types.js";

/**
 * What deferring imports saves at startup. A deferred import saves the modules that would no longer
 * load: those reachable from it but not from any import that stays eager. Reachability runs over
 * one graph of "importing X loads Y" edges:
 * - the project's own modules import what their statements say (each statement an edge that a
 *   deferral removes), plus whatever the profile saw them load that no statement explains;
 * - every other module imports what the profile shows under it. `-X importtime` shows a module
 *   only under its first importer, so a shared dependency shows under one importer only; the
 *   import graph `pylazy profile` records (`imports`) and each module's own fresh-interpreter import
 *   (`closures`, from `--measure`) add the others;
 * - `a.b` imports `a`;
 * - startup itself imports the top-level modules of the profile, or, when the entry ran as
 *   `__main__`, what the main module's statements import.
 */
export interface StartupGraphInput {
  modules: ReadonlyMap<string, ModuleTiming>;
  tree: readonly ImportTimeNode[];
  /** What each module's body imported, already loaded modules included. */
  imports?: ReadonlyMap<string, readonly string[]>;
  firstParty: ReadonlyMap<string, FirstPartyModule>;
  /** The project module that ran as `__main__`: its top-level imports are its statements'. */
  main?: string;
  /** Every module importing this one loads, in a fresh interpreter. */
  closures?: ReadonlyMap<string, Iterable<string>>;
}

/** What leaves startup when some imports are deferred. */
export interface Saving {
  savedUs: number;
  /** Modules that would no longer load at startup, most expensive (self time) first. */
  leaving: string[];
  /**
   * Why the saving is less than the deferred modules' cumulative time: the modules of their import
   * trees that other imports keep at startup, outermost first, most expensive first.
   */
  staying: StayingModule[];
}

export interface StayingModule {
  module: string;
  cumulativeUs: number;
  /** The eager import that keeps it, nearest to it; undefined when startup itself loads it. */
  keptBy?: ImportSite;
}

interface Edge {
  to: string;
  /** The import site the edge comes from; edges without one cannot be deferred. */
  site?: ImportSite;
}

interface Reach {
  reached: Set<string>;
  /** The edge each module was first reached by, for explaining why it stays. */
  via: Map<string, { from: string; edge: Edge }>;
}

/** Startup's own pseudo-module: the importer of the top-level imports. */
const STARTUP = "<startup>";

export class StartupGraph {
  private readonly edges = new Map<string, Edge[]>();
  private readonly sitesByKey = new Map<string, ImportSite>();
  private readonly eager: Reach;
  private readonly closureCache = new Map<string, Set<string>>();
  /** Each module's node in the profile's tree: where its cumulative time was measured. */
  private readonly nodes = new Map<string, ImportTimeNode>();

  constructor(private readonly input: StartupGraphInput) {
    this.addProjectEdges();
    this.addStartupEdges();
    for (const root of input.tree) this.addTreeEdges(root);
    this.indexNodes(input.tree);
    for (const [importer, targets] of input.imports ?? []) for (const target of targets) this.addObservedEdge(importer, target);
    for (const [module, loaded] of input.closures ?? []) for (const other of loaded) this.addEdge(module, { to: other });
    for (const module of [...this.edges.keys(), ...input.modules.keys()]) this.addParentEdges(module);
    this.eager = this.reach(new Set());
  }

  /** Every module that loads at startup while every import stays eager. */
  get loadedAtStartup(): ReadonlySet<string> {
    return this.eager.reached;
  }

  /** Self time of everything that loads at startup. */
  get startupUs(): number {
    return this.selfUsOf(this.eager.reached);
  }

  site(key: string): ImportSite | undefined {
    return this.sitesByKey.get(key);
  }

  /** What deferring the sites with these keys saves, every other import staying as it is. */
  saving(deferredKeys: Iterable<string>): Saving {
    const deferred = new Set(deferredKeys);
    const after = this.reach(deferred);
    const leaving = [...this.eager.reached].filter((module) => !after.reached.has(module));
    leaving.sort((a, b) => this.selfUs(b) - this.selfUs(a) || compare(a, b));
    const staying: StayingModule[] = [];
    const collectStaying = (node: ImportTimeNode): void => {
      // Everything under a module that stays stays with it.
      if (after.reached.has(node.module)) staying.push({ module: node.module, cumulativeUs: node.cumulativeUs, keptBy: this.keptBy(node.module, after) });
      else node.children.forEach(collectStaying);
    };
    for (const key of deferred) {
      // The module the statement is about: `m.x` for `from m import x` when `x` is a module, else `m`.
      const targets = this.sitesByKey.get(key)?.targets ?? [];
      const node = [...targets].reverse().map((target) => this.nodes.get(target)).find((found) => found !== undefined);
      if (node) collectStaying(node);
    }
    staying.sort((a, b) => b.cumulativeUs - a.cumulativeUs || compare(a.module, b.module));
    return { savedUs: this.selfUsOf(leaving), leaving, staying };
  }

  /**
   * The project's statements that pull `module` in at startup: those of modules loaded at startup
   * that import it directly, or import something outside the project whose imports reach it.
   */
  sitesPulling(module: string): ImportSite[] {
    const pulling: ImportSite[] = [];
    for (const site of this.sitesByKey.values()) {
      if (site.importer !== this.input.main && !this.eager.reached.has(site.importer)) continue;
      const reaches = site.targets.some(
        (target) => target === module || (!this.input.firstParty.has(target) && this.closureOf(target).has(module)),
      );
      if (reaches) pulling.push(site);
    }
    return pulling;
  }

  // ---- building ------------------------------------------------------------------------------

  private addProjectEdges(): void {
    for (const { module, sites } of this.input.firstParty.values()) {
      for (const site of sites) {
        this.sitesByKey.set(site.key, site);
        for (const target of site.targets) this.addEdge(module, { to: target, site });
      }
    }
  }

  private addStartupEdges(): void {
    const main = this.input.main === undefined ? undefined : this.input.firstParty.get(this.input.main);
    if (main) {
      for (const site of main.sites) for (const target of site.targets) this.addEdge(STARTUP, { to: target, site });
    }
    for (const root of this.input.tree) {
      if (!main?.sites.some((site) => siteLoads(site, root.module))) this.addEdge(STARTUP, { to: root.module });
    }
  }

  private indexNodes(nodes: readonly ImportTimeNode[]): void {
    for (const node of nodes) {
      if (!this.nodes.has(node.module)) this.nodes.set(node.module, node);
      this.indexNodes(node.children);
    }
  }

  private addTreeEdges(node: ImportTimeNode): void {
    for (const child of node.children) {
      this.addObservedEdge(node.module, child.module);
      this.addTreeEdges(child);
    }
  }

  /** What the profile saw `importer` load, unless a statement of the project already says so. */
  private addObservedEdge(importer: string, module: string): void {
    const sites = this.input.firstParty.get(importer)?.sites;
    if (!sites?.some((site) => siteLoads(site, module))) this.addEdge(importer, { to: module });
  }

  private addParentEdges(module: string): void {
    for (let child = module, dot = child.lastIndexOf("."); dot > 0; child = child.slice(0, dot), dot = child.lastIndexOf(".")) {
      this.addEdge(child, { to: child.slice(0, dot) });
    }
  }

  private addEdge(from: string, edge: Edge): void {
    if (from === edge.to) return;
    const edges = this.edges.get(from);
    if (edges === undefined) this.edges.set(from, [edge]);
    else if (!edges.some((known) => known.to === edge.to && known.site === edge.site)) edges.push(edge);
  }

  // ---- reachability --------------------------------------------------------------------------

  private reach(deferred: ReadonlySet<string>, from = STARTUP): Reach {
    const reached = new Set([from]);
    const via = new Map<string, { from: string; edge: Edge }>();
    const queue = [from];
    for (let index = 0; index < queue.length; index++) {
      const next = queue[index];
      for (const edge of this.edges.get(next) ?? []) {
        if ((edge.site && deferred.has(edge.site.key)) || reached.has(edge.to)) continue;
        reached.add(edge.to);
        via.set(edge.to, { from: next, edge });
        queue.push(edge.to);
      }
    }
    reached.delete(STARTUP);
    return { reached, via };
  }

  /** Everything importing `module` loads, itself included, whatever else stays eager. */
  private closureOf(module: string): Set<string> {
    let closure = this.closureCache.get(module);
    if (closure === undefined) {
      closure = this.reach(new Set(), module).reached;
      this.closureCache.set(module, closure);
    }
    return closure;
  }

  /** The import nearest to `module` on the path that still loads it. */
  private keptBy(module: string, after: Reach): ImportSite | undefined {
    for (let step = after.via.get(module); step !== undefined; step = after.via.get(step.from)) {
      if (step.edge.site) return step.edge.site;
    }
    return undefined;
  }

  private selfUs(module: string): number {
    return this.input.modules.get(module)?.selfUs ?? 0;
  }

  private selfUsOf(modules: Iterable<string>): number {
    let total = 0;
    for (const module of modules) total += this.selfUs(module);
    return total;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
