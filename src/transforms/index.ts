import { autoStrategy } from "./auto.js";
import { functionStrategy } from "./function.js";
import { getattrStrategy } from "./getattr.js";
import { lazyloaderStrategy } from "./lazyloader.js";
import { lazyModulesStrategy } from "./lazyModules.js";
import { lazymoduleStrategy } from "./lazymodule.js";
import { pep810Strategy } from "./pep810.js";
import type { Strategy, StrategyName } from "./strategy.js";
import { typeCheckingStrategy } from "./typeChecking.js";

export const strategies: Record<StrategyName, Strategy> = {
  function: functionStrategy,
  lazyloader: lazyloaderStrategy,
  lazymodule: lazymoduleStrategy,
  pep810: pep810Strategy,
  "lazy-modules": lazyModulesStrategy,
  "type-checking": typeCheckingStrategy,
  getattr: getattrStrategy,
  auto: autoStrategy,
};
