import { Command } from "commander";

export function rulesCommand(_setExitCode: (code: number) => void): Command {
  return new Command("rules")
    .description("list every rule")
    .option("--format <format>", "text or json", "text")
    .action(async (options: { format: string }) => {
      const { rules } = await import("../rules/index.js");
      if (options.format === "json") {
        const list = rules.map(({ meta }) => ({ code: meta.code, name: meta.name, summary: meta.summary, fixable: meta.fixable, explanation: meta.docs }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rules.map((rule) => rule.meta.name.length));
      for (const { meta } of rules) {
        process.stdout.write(`${meta.code}  ${meta.name.padEnd(width)}  ${meta.fixable ? "[*]" : "   "}  ${meta.summary}\n`);
      }
    });
}
