import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { BenchSection, describeTarget, Figure, meetsTarget, SectionResult } from './section';
import { formatNumber, formatTable } from './table';

/** How one section went, for the summary table and var/bench/<section>.json. */
export interface Outcome {
  section: BenchSection;
  result?: SectionResult;
  error?: Error;
  durationMs: number;
  /** How busy the machine was (percent) just before the section: other work skews figures. */
  background: number | null;
}

export function summaryTable(outcomes: Outcome[]): string {
  const rows: string[][] = [];
  for (const { section, result, error } of outcomes) {
    if (error || !result) {
      rows.push([section.name, 'FAILED', '', '', error?.message.split('\n')[0] ?? '']);
      continue;
    }
    for (const figure of result.figures) {
      const verdict = meetsTarget(figure);
      rows.push([
        section.name,
        figure.label,
        `${formatNumber(figure.value, figure.digits ?? 0)}${figure.unit ? ` ${figure.unit}` : ''}`,
        describeTarget(figure.target, figure.unit),
        verdict === undefined ? '' : verdict ? 'pass' : 'MISS',
      ]);
    }
  }
  return formatTable(['section', 'figure', 'value', 'target', 'result'], rows);
}

function figuresJson(figures: Figure[]) {
  return Object.fromEntries(
    figures.map((figure) => [
      figure.key,
      {
        label: figure.label,
        value: figure.value,
        unit: figure.unit,
        ...(figure.target ? { target: figure.target, pass: meetsTarget(figure) } : {}),
      },
    ]),
  );
}

export function writeOutcome(file: string, outcome: Outcome) {
  const { section, result, error } = outcome;
  const json = {
    section: section.name,
    title: section.title,
    finishedAt: new Date().toISOString(),
    durationMs: outcome.durationMs,
    machine: { node: process.version, cpus: cpus().length, busyBeforePercent: outcome.background },
    ok: !error && result!.problems.length === 0,
    error: error?.message,
    figures: result ? figuresJson(result.figures) : {},
    problems: result?.problems ?? [],
    details: result?.details ?? {},
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** Everything that broke, one line each; empty when the run can be trusted. */
export function problemsOf(outcomes: Outcome[]): string[] {
  return outcomes.flatMap(({ section, result, error }) =>
    error
      ? [`${section.name}: ${error.message}`]
      : result!.problems.map((problem) => `${section.name}: ${problem}`),
  );
}
