import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** One measured figure: a row of the printed table and an entry of results.json. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

/** A figure, rounded to a precision that reads well next to the others. */
export function figure(name: string, value: number, unit: string, note = ''): Figure {
  return { name, value: round(value), unit, note };
}

function round(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return Number(value.toFixed(digits));
}

/** The figures as an aligned text table (name, value, unit, note). */
export function formatTable(figures: readonly Figure[]): string {
  const rows = [
    ['name', 'value', 'unit', 'note'],
    ...figures.map((f) => [f.name, f.value.toLocaleString('en-US'), f.unit, f.note]),
  ];
  const width = (column: number): number => Math.max(...rows.map((row) => row[column]!.length));
  const [nameWidth, valueWidth, unitWidth] = [width(0), width(1), width(2)];
  const line = (row: string[]): string =>
    [row[0]!.padEnd(nameWidth), row[1]!.padStart(valueWidth), row[2]!.padEnd(unitWidth), row[3]!]
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(nameWidth + valueWidth + unitWidth + 6 + 40);
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

/** What results.json holds: the figures and the machine and mode that produced them. */
export interface BenchReport {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly quick: boolean;
  readonly durationMs: number;
  readonly figures: readonly Figure[];
}

/** The machine and runtime a report was made on. */
export interface Runtime {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
}

/** The report for this machine. */
export function benchReport(
  figures: readonly Figure[],
  quick: boolean,
  durationMs: number,
  runtime: Runtime = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
  },
): BenchReport {
  return {
    date: new Date().toISOString(),
    ...runtime,
    quick,
    durationMs: Math.round(durationMs),
    figures,
  };
}

/** Writes the report as `<folder>/results.json` (the folder is created) and returns its path. */
export function writeReport(report: BenchReport, folder: string): string {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'results.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
