/**
 * Rows → PostgreSQL's COPY text format (the default `FORMAT text`): one line per row, cells
 * separated by a tab, `\N` for NULL, and `\\`, `\n`, `\r`, `\t` escaped inside cells.
 *
 * Text rather than CSV because its one escaping rule holds for every value: CSV has to
 * quote any cell that could be read as its NULL marker or holds a delimiter, and an
 * unquoted empty cell is NULL there while `""` is not — easy to get subtly wrong.
 *
 * A cell is first turned into the text Postgres would parse for its column's type (an array
 * literal for `text[]`, JSON for `jsonb`, `\x…` hex for `bytea`, `[1,2]` for `vector`), then
 * escaped for COPY. Values Postgres cannot store (NUL, lone UTF-16 surrogates) are refused
 * with the row and column named, instead of failing the whole COPY later.
 */
import { CommonErrorCode, GreenTrackError } from '../errors.js';

/** How one staging column's values are rendered; derived once from its SQL type. */
export type CellKind = 'scalar' | 'json' | 'array' | 'bytea' | 'vector';

/** The rendering a column's SQL type needs (`text[]` → array, `jsonb` → json, …). */
export function cellKindOf(type: string): CellKind {
  const t = type.trim().toLowerCase();
  if (t.endsWith('[]')) return 'array';
  if (t === 'json' || t === 'jsonb') return 'json';
  if (t === 'bytea') return 'bytea';
  if (t === 'vector' || t.startsWith('vector(')) return 'vector';
  return 'scalar';
}

const NULL_CELL = '\\N';
/** NUL is refused by Postgres; a lone surrogate would silently become U+FFFD (`u` flag). */
const loneSurrogate = /\p{Cs}/u;
const needsEscape = /[\\\n\r\t]/;
const escapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Escapes one cell's text for COPY's text format. */
function escapeCopyText(text: string): string {
  return needsEscape.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => escapes[c] ?? c) : text;
}

/** A value refused by the encoder: reported as `VALIDATION_FAILED` with its position. */
function invalid(path: string, message: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid bulk-load value at ${path}: ${message}`,
    details: { issues: [{ path, message }] },
  });
}

/** The text of a scalar as Postgres parses it (dates as ISO 8601 in UTC). */
function scalarText(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw invalid(path, 'is an invalid Date');
        return value.toISOString();
      }
      throw invalid(
        path,
        `a ${Array.isArray(value) ? 'array' : typeof value} cannot be stored in this column`,
      );
  }
}

/** An array literal: `{"a","b \"c\"",NULL,{"nested"}}`; every element quoted. */
function arrayLiteral(value: unknown, path: string): string {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array for an array column');
  const parts = value.map((element, i) => {
    if (element === null || element === undefined) return 'NULL';
    if (Array.isArray(element)) return arrayLiteral(element, `${path}.${i}`);
    const text = scalarText(element, `${path}.${i}`);
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${parts.join(',')}}`;
}

/** The cell's text before COPY escaping, by the column's kind. */
function cellText(value: unknown, kind: CellKind, path: string): string {
  switch (kind) {
    case 'array':
      return arrayLiteral(value, path);
    case 'json':
      // A string is taken as JSON text already (as `pg` does for parameters).
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'bytea':
      if (!(value instanceof Uint8Array)) throw invalid(path, 'must be a Uint8Array for bytea');
      return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
    case 'vector':
      if (!Array.isArray(value) || !value.every((n) => typeof n === 'number' && Number.isFinite(n)))
        throw invalid(path, 'must be an array of finite numbers for vector');
      return `[${value.join(',')}]`;
    default:
      return scalarText(value, path);
  }
}

/**
 * One row as a COPY text line (with its trailing newline). `row` is the row's index in the
 * load, for error paths (`rows.<row>.<column>`).
 */
export function encodeCopyRow(
  cells: readonly unknown[],
  columns: ReadonlyArray<{ name: string; kind: CellKind }>,
  row: number,
): string {
  if (cells.length !== columns.length) {
    throw invalid(`rows.${row}`, `has ${cells.length} values for ${columns.length} columns`);
  }
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as { name: string; kind: CellKind };
    const value = cells[i];
    if (i > 0) line += '\t';
    if (value === null || value === undefined) {
      line += NULL_CELL;
      continue;
    }
    const path = `rows.${row}.${column.name}`;
    const text = cellText(value, column.kind, path);
    if (text.includes('\u0000') || loneSurrogate.test(text)) {
      throw invalid(path, 'must not contain NUL characters or lone UTF-16 surrogates');
    }
    line += escapeCopyText(text);
  }
  return `${line}\n`;
}
