import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, EnumguardError, isEnumguardError } from './errors.ts';

/**
 * docs/errors.md is where a user looks a code up, so it must not drift from ERROR_CODES: a
 * code added without its section, or a section left behind by a removed code, fails here.
 */
const DOC = readFileSync(join(import.meta.dirname, '../../docs/errors.md'), 'utf8');

/** The "## CODE" sections, each with its text up to the next section. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf('\n');
    out.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return out;
}

/** The codes in the first column of the overview table: rows like "| `ERR_X` | ... |". */
function tableCodes(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([A-Z_]+)` *\|/gm)].map((m) => m[1] as string);
}

describe('docs/errors.md', () => {
  const documented = sections(DOC);

  it('has a section for every code in ERROR_CODES', () => {
    const missing = ERROR_CODES.filter((code) => !documented.has(code));
    assert.deepEqual(missing, [], `add a "## <code>" section to docs/errors.md for: ${missing.join(', ')}`);
  });

  it('has no section for a code that does not exist', () => {
    const stale = [...documented.keys()].filter((h) => !(ERROR_CODES as readonly string[]).includes(h));
    assert.deepEqual(stale, [], `docs/errors.md documents codes ERROR_CODES lacks: ${stale.join(', ')}`);
  });

  it('says in every section what the code means, who causes it and what to do', () => {
    for (const [code, text] of documented) {
      for (const field of ['**Meaning:**', '**Who causes it:**', '**What to do:**']) {
        assert.ok(text.includes(field), `docs/errors.md, ${code}: no ${field}`);
      }
    }
  });

  it('lists every code, and only real codes, in the overview table, in the order of the sections', () => {
    assert.deepEqual(tableCodes(DOC), [...documented.keys()]);
    assert.deepEqual([...tableCodes(DOC)].sort(), [...ERROR_CODES].sort());
  });
});

describe('EnumguardError', () => {
  it('carries its code, its name and the chained cause', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new EnumguardError('ERR_STORE_UNAVAILABLE', 'redis store: ECONNREFUSED', { cause });
    assert.equal(err.code, 'ERR_STORE_UNAVAILABLE');
    assert.equal(err.name, 'EnumguardError');
    assert.equal(err.cause, cause);
    assert.ok(err instanceof Error);
  });

  it('is told apart by isEnumguardError, with or without a code', () => {
    const err = new EnumguardError('ERR_CONFIG', 'x');
    assert.equal(isEnumguardError(err), true);
    assert.equal(isEnumguardError(err, 'ERR_CONFIG'), true);
    assert.equal(isEnumguardError(err, 'ERR_INTERNAL'), false);
    assert.equal(isEnumguardError(new Error('x')), false);
  });
});
