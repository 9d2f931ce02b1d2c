import { functionStrategy } from "./function.js";
import { lazyloaderStrategy } from "./lazyloader.js";
import { lazymoduleStrategy } from "./lazymodule.js";
import type { Strategy, StrategyName } from "./strategy.js";

export const strategies: Record<StrategyName, Strategy> = {
  function: functionStrategy,
  lazyloader: lazyloaderStrategy,
  lazymodule: lazymoduleStrategy,
};
