import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { buildFactWorld, type FactWorld, seedDeal } from '../services/facts/world.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/hadaf.js');

async function hadaf(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// The CLI opens the database file itself: SQLite only.
describe('hadaf export', () => {
  let store: TestStore;
  let w: FactWorld;
  beforeAll(async () => {
    store = await freshStore('sqlite');
    w = await buildFactWorld(store);
    await seedDeal(w, w.users.eastRep, {
      name: 'Won, east',
      amount: 150_000,
      status: 'won',
      closed_at: Date.UTC(2027, 1, 3, 9),
    });
    await seedDeal(w, w.users.westRep, {
      name: 'Won west',
      amount: 99,
      status: 'won',
      closed_at: Date.UTC(2027, 1, 4, 9),
    });
    await seedDeal(w, w.users.eastRep, { name: 'Still open' });
  });
  afterAll(() => store?.drop());

  it('writes the rows of a scope and period to a file, as the API would', async () => {
    const out = join(store.location, '../east-q1.csv');
    const result = await hadaf([
      'export',
      'deals',
      '--db',
      store.location,
      '--org',
      w.org.slug,
      '--scope',
      'team:East',
      '--period',
      '2027-Q1',
      '--out',
      out,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: `Wrote 1 deals to ${out}\n` });
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]?.startsWith('\uFEFFid,external_id,name,')).toBe(true);
    // 150,000 halalas = 1500.00 SAR; 09:00 UTC is 12:00 in Riyadh
    expect(lines[1]).toContain(',"Won, east",');
    expect(lines[1]).toContain(',1500.00,SAR,');
    expect(lines[1]).toContain(',2027-02-03T12:00:00+03:00,');
    expect(lines).toHaveLength(3);
  });

  it('prints to stdout without --out, and refuses a parameter the entity lacks with exit code 2', async () => {
    const all = await hadaf([
      'export',
      'deals',
      '--db',
      store.location,
      '--org',
      w.org.slug,
      '--status',
      'won',
    ]);
    expect(all.code).toBe(0);
    // a header and the two won deals
    expect(all.stdout.split('\r\n').filter((l) => l !== '')).toHaveLength(3);
    const bad = await hadaf([
      'export',
      'activities',
      '--db',
      store.location,
      '--org',
      w.org.slug,
      '--status',
      'won',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hadaf: Invalid query parameter "status": unknown parameter .*\(status\)\n$/);
    const several = await hadaf(['export', 'deals', '--db', store.location]);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('--org');
  });
});
