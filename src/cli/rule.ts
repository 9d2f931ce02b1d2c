import { Command } from "commander";
import type { Rule } from "../rules/rule.js";

export function ruleCommand(setExitCode: (code: number) => void): Command {
  return new Command("rule")
    .description("explain a rule: what it does, why, an example, fix safety, options")
    .argument("<code>", "rule code (LZ001) or name (heavy-module-level-import)")
    .action(async (code: string) => {
      const { ruleByCode, rules } = await import("../rules/index.js");
      const rule = ruleByCode(code);
      if (!rule) {
        process.stderr.write(`pylazy: error: unknown rule \`${code}\` (known: ${rules.map((r) => r.meta.code).join(", ")})\n`);
        setExitCode(2);
        return;
      }
      process.stdout.write(ruleDocument(rule));
    });
}

export function ruleDocument(rule: Rule): string {
  const fix = rule.meta.fixable ? "Fix is sometimes available." : "Fix is not available.";
  return `# ${rule.meta.name} (${rule.meta.code})\n\n${rule.meta.summary}.\n\n${fix}\n\n${rule.meta.docs}`;
}
