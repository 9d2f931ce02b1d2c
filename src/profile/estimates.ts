import type { CostTable, ModuleCost } from "./types.js";

/**
 * Typical cumulative import times in microseconds: CPython 3.11/3.12 on a recent laptop, warm file
 * cache, `.pyc` already compiled, rounded. "VM" notes give the median of five `-X importtime` runs
 * on a 2-core Xeon VM with CPython 3.11, which imports about twice as slowly as a laptop; the other
 * figures are typical ones for current releases. Versions and hardware move all of them by 2x
 * either way, which is why a measured profile always wins over this table.
 */
const ESTIMATED_CUMULATIVE_US: Readonly<Record<string, number>> = {
  // Scientific Python
  numpy: 60_000, // VM: 124 ms (numpy 2.4)
  scipy: 80_000, // VM: 155 ms; the package itself is lazy, most of this is numpy
  "scipy.stats": 650_000, // VM: 1.39 s (scipy 1.17)
  "scipy.signal": 700_000, // VM: 1.59 s
  "scipy.integrate": 350_000, // VM: 774 ms
  "scipy.interpolate": 350_000, // VM: 779 ms
  "scipy.optimize": 350_000, // VM: 731 ms
  "scipy.spatial": 230_000, // VM: 487 ms
  "scipy.special": 200_000, // VM: 423 ms
  "scipy.linalg": 200_000, // VM: 420 ms
  "scipy.sparse": 180_000, // VM: 366 ms
  pandas: 300_000, // numpy, plus pyarrow when it is installed
  pyarrow: 150_000,
  polars: 100_000,
  matplotlib: 120_000,
  "matplotlib.pyplot": 350_000, // selects and loads a GUI backend, reads the font cache
  seaborn: 700_000, // pandas, matplotlib.pyplot and parts of scipy
  "plotly.graph_objects": 200_000,
  "plotly.express": 600_000, // imports pandas
  "statsmodels.api": 1_000_000, // pandas, scipy.stats and patsy
  "statsmodels.formula.api": 1_000_000,
  sympy: 250_000, // VM: 508 ms (sympy 1.14)
  networkx: 200_000,
  numba: 500_000, // llvmlite initialises LLVM
  "PIL.Image": 40_000, // the PIL package alone is nearly free
  cv2: 150_000,
  "lxml.etree": 12_000,
  "lxml.html": 25_000,
  // Machine learning
  torch: 1_500_000, // loads the libtorch shared libraries
  tensorflow: 3_000_000,
  keras: 2_000_000, // Keras 3 loads its backend, usually tensorflow
  jax: 700_000,
  sklearn: 400_000, // numpy, scipy and joblib
  transformers: 1_000_000,
  nltk: 600_000,
  spacy: 1_000_000,
  // Web, cloud and data access
  requests: 60_000, // VM: 124 ms; urllib3, charset_normalizer, idna and ssl
  httpx: 120_000, // httpcore, anyio, h11 and ssl
  aiohttp: 150_000, // asyncio, yarl, multidict
  boto3: 90_000, // VM: 166 ms (boto3 1.43)
  botocore: 4_000, // VM: 7 ms; the package alone, the cost is in its submodules
  "botocore.session": 100_000, // VM: 207 ms
  "botocore.client": 80_000, // VM: 151 ms
  bs4: 40_000,
  django: 5_000, // the package alone; apps pay in django.db.models and friends
  "django.db.models": 150_000,
  flask: 90_000, // VM: 202 ms (flask 3.1); werkzeug, jinja2, click
  fastapi: 250_000, // pydantic and starlette
  sqlalchemy: 120_000,
  "sqlalchemy.orm": 200_000,
  pydantic: 50_000, // VM: 104 ms (pydantic 2.13)
  // Light, listed so that they are known rather than unknown
  yaml: 8_000, // VM: 16 ms (PyYAML 6.0)
  click: 12_000, // VM: 25 ms (click 8.4)
  "rich.console": 25_000,
  // Standard library modules that are rarely already loaded at startup
  asyncio: 30_000, // VM: 59 ms (3.11); pulls in ssl, concurrent.futures, selectors
  "unittest.mock": 35_000, // VM: 76 ms
  "http.server": 20_000, // VM: 41 ms; email, http.client, socketserver, mimetypes
  "urllib.request": 20_000, // VM: 42 ms
  "http.client": 17_000, // VM: 34 ms
  doctest: 20_000, // VM: 38 ms
  unittest: 15_000, // VM: 31 ms
  "email.mime.text": 12_000, // VM: 25 ms; email.policy and its header registry
  "email.mime.multipart": 12_000, // VM: 26 ms
  "email.mime.base": 12_000, // VM: 25 ms
  pydoc: 12_000, // VM: 23 ms
  ssl: 8_000, // VM: 15 ms
  multiprocessing: 6_000, // VM: 12 ms
  "concurrent.futures": 6_000, // VM: 11 ms
  tkinter: 5_000, // VM: 10 ms, before Tk itself is loaded by the first window
};

const ESTIMATES = new Map(Object.entries(ESTIMATED_CUMULATIVE_US));

/**
 * The built-in table, every cost marked as an estimate. A submodule without an entry of its own
 * costs what its nearest listed parent costs, and says so in `fallbackFrom`.
 */
export function builtinEstimates(): CostTable {
  return {
    description: "built-in estimates",
    lookup: estimateFor,
    modules: () => ESTIMATES.keys(),
  };
}

function estimateFor(module: string): ModuleCost | undefined {
  for (let listed = module; listed !== ""; listed = parentOf(listed)) {
    const cumulativeUs = ESTIMATES.get(listed);
    if (cumulativeUs === undefined) continue;
    // The table knows no split between a module and what it imports, so all of it counts as its own.
    const cost: ModuleCost = { module, cumulativeUs, selfUs: cumulativeUs, source: "estimate" };
    if (listed !== module) cost.fallbackFrom = listed;
    return cost;
  }
  return undefined;
}

function parentOf(module: string): string {
  const lastDot = module.lastIndexOf(".");
  return lastDot === -1 ? "" : module.slice(0, lastDot);
}
