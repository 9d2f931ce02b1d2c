import type { FirstPartyModule, ImportSite } from "./importSites.js";
import { siteLoads } from "./importSites.js";
import type { ImportTimeNode } from "./types.js";

/** Who first loaded one module of a profile's tree. */
export interface Attribution {
  /** The module whose import loaded it; undefined for a top-level import. */
  importer?: string;
  /**
   * The project's import statement that first loaded it: the importer's own statement, or, under a
   * module outside the project, the statement that brought that module in.
   */
  site?: ImportSite;
}

/** One import statement of the project, with the modules first loaded under it. */
export interface AttributedStatement {
  site: ImportSite;
  /** The tree nodes the statement loaded itself; their subtrees came with them. */
  nodes: ImportTimeNode[];
  cumulativeUs: number;
}

export interface ImportAttribution {
  byNode: Map<ImportTimeNode, Attribution>;
  /** Statements that loaded anything, most expensive first. */
  statements: AttributedStatement[];
}

/**
 * Maps a profile's tree onto the project's import statements: a module loaded while a project
 * module ran belongs to the statement of that module that names it; anything loaded further down,
 * by modules outside the project, belongs to the same statement. Top-level modules belong to the
 * statements of the module run as `__main__`, when it is known, or to nobody.
 */
export function attributeImports(tree: readonly ImportTimeNode[], firstParty: ReadonlyMap<string, FirstPartyModule>, main?: string): ImportAttribution {
  const byNode = new Map<ImportTimeNode, Attribution>();
  const statements = new Map<string, AttributedStatement>();
  const visit = (node: ImportTimeNode, importer: string | undefined, inherited: ImportSite | undefined): void => {
    const importerSites = importer === undefined ? undefined : firstParty.get(importer)?.sites;
    // `import a.b` with `a` not loaded yet shows `a` under `a.b`: the statement that loaded `a.b` loaded `a`.
    const packageOfImporter = importer?.startsWith(`${node.module}.`) === true;
    const site = importerSites && !packageOfImporter ? importerSites.find((candidate) => siteLoads(candidate, node.module)) : inherited;
    if (site && importerSites) {
      const statement = statements.get(site.key);
      if (statement) {
        statement.nodes.push(node);
        statement.cumulativeUs += node.cumulativeUs;
      } else {
        statements.set(site.key, { site, nodes: [node], cumulativeUs: node.cumulativeUs });
      }
    }
    byNode.set(node, importer === undefined || importer === main ? { site } : { importer, site });
    for (const child of node.children) visit(child, node.module, site);
  };
  for (const root of tree) visit(root, main, undefined);
  return { byNode, statements: [...statements.values()].sort((a, b) => b.cumulativeUs - a.cumulativeUs) };
}
