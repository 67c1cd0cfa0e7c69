import { describe, expect, it } from 'vitest';
import { demoSummary, parseDemoFlags } from '../../../src/cli/commands/demo.ts';
import { HadafError } from '../../../src/core/errors.ts';
import type { DemoResult } from '../../../src/services/demo/generate.ts';

const CLOCK = Date.UTC(2026, 4, 20, 9, 0);
const flags = { seed: '1', scale: '1', slug: 'demo' };

function errorOf(work: () => unknown): HadafError {
  try {
    work();
  } catch (error) {
    if (error instanceof HadafError) return error;
  }
  throw new Error('expected a HadafError');
}

describe('hadaf demo flags', () => {
  it('reads seed, scale, slug and an ISO --now', () => {
    expect(parseDemoFlags({ ...flags, seed: '42', scale: '20', now: '2026-05-20' }, CLOCK)).toEqual({
      seed: 42,
      scale: 20,
      slug: 'demo',
      now: Date.UTC(2026, 4, 20),
    });
    expect(parseDemoFlags({ ...flags, now: '2026-05-20T06:30:00Z' }, CLOCK).now).toBe(
      Date.UTC(2026, 4, 20, 6, 30),
    );
  });

  it('uses the clock when --now is not given', () => {
    expect(parseDemoFlags(flags, CLOCK).now).toBe(CLOCK);
  });

  it.each([
    ['seed', 'abc'],
    ['seed', '1.5'],
    ['seed', '-3'],
    ['scale', '0'],
    ['scale', '2.5'],
    ['scale', ''],
  ])('rejects --%s %j, naming the flag and the value', (flag, value) => {
    const error = errorOf(() => parseDemoFlags({ ...flags, [flag]: value }, CLOCK));
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe(flag);
    expect(error.message).toContain(`--${flag}`);
    expect(error.message).toContain(`"${value}"`);
  });

  it.each(['yesterday', '20/05/2026', '2026-13-45'])('rejects --now %j', (value) => {
    const error = errorOf(() => parseDemoFlags({ ...flags, now: value }, CLOCK));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'now' });
  });

  it('prints one summary line with rows, seconds, rows per second and the rollup time', () => {
    const result = {
      org: { name: 'Nakhla Software', slug: 'demo' },
      rows: {},
      totalRows: 312_345,
      ms: 1_400,
      rollupMs: 1_730,
    } as unknown as DemoResult;
    // 312,345 rows / 1.4 s = 223,103.6 rows/s
    expect(demoSummary(result)).toBe(
      'Loaded demo org "Nakhla Software" (slug demo): 312,345 rows in 1.4 s (223,104 rows/s), metric rollups in 1.7 s',
    );
  });
});
