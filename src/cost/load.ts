import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { SETTINGS } from '../settings.js';
import { DEFAULT_PRICE_TABLE, parsePriceTable, type PriceTable } from './prices.js';

/** The environment variable that overrides the price table: inline JSON, or a JSON file's path. */
export const PRICES_ENV = SETTINGS.prices.env;

/**
 * The price table the environment asks for: DEFAULT_PRICE_TABLE when `DFCHAIN_PRICES` is unset
 * or blank; its value parsed as JSON when it starts with `{`; else the JSON file it names.
 * @throws ConfigError naming the variable or the file and every problem in the table.
 */
export function priceTableFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): PriceTable {
  const value = env[PRICES_ENV]?.trim();
  if (value === undefined || value === '') return DEFAULT_PRICE_TABLE;
  if (value.startsWith('{')) return parsePriceTable(value, PRICES_ENV);
  let text: string;
  try {
    text = read(value);
  } catch (error) {
    throw new ConfigError(
      `${PRICES_ENV}: cannot read the price table file ${value} (${(error as Error).message}): give a readable JSON file, or the JSON itself (starting with "{")`,
      { cause: error },
    );
  }
  return parsePriceTable(text, `${PRICES_ENV} file ${value}`);
}
