import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/db.ts';
import { migrateToLatest } from '../../../src/store/migrate.ts';
import { seedEveryKind } from './fixture.ts';

const root = resolve(import.meta.dirname, '../../..');

/** Runs `hadaf ...args` and returns its exit code and output. */
function hadaf(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/hadaf.js'), ...args],
      { cwd: root },
      (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

// Each run starts Node and tsx: give the machine room when it is busy.
describe('hadaf backup, restore and copy from the command line', { timeout: 90_000 }, () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hadaf-cli-'));
    const store = await openStore(path('live.db'));
    await migrateToLatest(store.db);
    await seedEveryKind(store.db);
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('backs up, refuses to restore over data without --force, and restores with it', async () => {
    const backup = await hadaf('backup', path('b.db'), '--db', path('live.db'));
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    expect(backup.stdout).toMatch(
      /^Backed up .*live\.db to .*b\.db \(\d+\.\d MB, migration \d{4}-[a-z-]+\)\.\n$/,
    );

    const first = await hadaf('restore', path('b.db'), '--db', path('r.db'));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Restored .*b\.db into .*r\.db: 2 org\(s\), at migration \d{4}-[a-z-]+\.\n$/,
    );

    const again = await hadaf('restore', path('b.db'), '--db', path('r.db'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds data \(tables .*\): pass --force to replace it/);
    expect((await hadaf('restore', path('b.db'), '--db', path('r.db'), '--force')).code).toBe(0);
  });

  it('answers a PostgreSQL URL with the pg_dump command and exit code 2', async () => {
    const result = await hadaf('backup', 'hadaf.dump', '--db', 'postgres://app:pw@127.0.0.1:1/hadaf');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("pg_dump --format=custom --no-owner --file='hadaf.dump'");
  });

  it('copies with one line per table that has rows, then a total', async () => {
    const result = await hadaf('copy', '--from', path('live.db'), '--to', path('copy.db'));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('  deal: 3 / 3 rows\n');
    expect(result.stderr).not.toContain(' 0 / 0 rows');
    expect(result.stderr).toMatch(
      / rows\n {2}rebuilding indexes and foreign keys\.\.\.\n {2}took [\d.]+ s, [\d,]+ rows\/s/,
    );
    expect(result.stdout).toMatch(
      /^Copied \d+ rows in \d+ tables from .*live\.db to .*copy\.db \(migration .*\)\.\n$/,
    );
    const missingTo = await hadaf('copy', '--from', path('live.db'));
    expect(missingTo.code).toBe(1);
    expect(missingTo.stderr).toContain("required option '--to <location>' not specified");
  });
});
