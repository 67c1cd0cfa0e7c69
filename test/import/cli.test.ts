import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { createUser } from '../../src/store/user-queries.ts';

const root = resolve(import.meta.dirname, '../..');
const fixture = (name: string) => join(root, 'test/fixtures/import', name);

function hadaf(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin/hadaf.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('hadaf import (SQLite, not a terminal)', { timeout: 120_000 }, () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hadaf-cli-import-'));
    db = join(dir, 'hadaf.db');
    const store = await openStore(db);
    await migrateToLatest(store.db);
    const org = await createOrg(store.db, { name: 'Acme', slug: 'acme', timeZone: 'Asia/Riyadh' }, 0);
    for (const [name, email] of [
      ['Sara Ali', 'sara@acme.test'],
      ['Omar Haddad', 'omar@acme.test'],
    ]) {
      await createUser(store.db, org.id, { name: name as string, email: email as string, role: 'rep' }, 0);
    }
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dry run prints every bad row with line, column and reason, writes nothing, and exits 1', () => {
    const run = hadaf('import', 'deals', fixture('bad-deals.csv'), '--db', db, '--dry-run');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        'line 3, column "amount": "-500" is negative: amounts must be 0 or more',
        'line 4, column "closed_at": a won deal needs a close date',
        'line 5, column "created_at": "31/02/2024" is not a date (expected YYYY-MM-DD)',
        'Dry run of deals (5 rows): would be 2 inserted, 0 updated, 0 unchanged, 3 rejected. Nothing was written.',
        '',
      ].join('\n'),
    );
    const again = hadaf(
      'import',
      'deals',
      fixture('hubspot-deals.csv'),
      '--db',
      db,
      '--dry-run',
      '--create-missing',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('would be 5 inserted, 0 updated, 0 unchanged, 0 rejected');
  });

  it('imports with a summary line, and a second run changes nothing', () => {
    const first = hadaf('import', 'deals', fixture('hubspot-deals.csv'), '--db', db, '--create-missing');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Read as a HubSpot export\.\nIgnored columns: Pipeline\.\ndeals: 5 rows, 5 inserted, 0 updated, 0 unchanged, 0 rejected \([\d.]+ s, [\d,]+ rows\/s\)\.\nCreated 4 accounts\.\n$/,
    );
    const second = hadaf('import', 'deals', fixture('hubspot-deals.csv'), '--db', db);
    expect(second.stdout).toMatch(/deals: 5 rows, 0 inserted, 0 updated, 5 unchanged, 0 rejected/);
  });

  it('exits 1 when rows are bad, and with --skip-invalid writes the rejects beside the input', () => {
    const input = join(dir, 'bad-deals.csv');
    copyFileSync(fixture('bad-deals.csv'), input);
    const refused = hadaf('import', 'deals', input, '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'line 5, column "created_at": "31/02/2024" is not a date (expected YYYY-MM-DD)',
    );
    expect(refused.stdout).toBe(
      'deals: nothing imported: 3 of 5 rows are bad (fix them, or import the rest with --skip-invalid).\n',
    );
    expect(existsSync(join(dir, 'bad-deals.rejects.csv'))).toBe(false);
    const skipped = hadaf('import', 'deals', input, '--db', db, '--skip-invalid');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('deals: 5 rows, 2 inserted, 0 updated, 0 unchanged, 3 rejected');
    expect(readFileSync(join(dir, 'bad-deals.rejects.csv'), 'utf8').split('\r\n')[0]).toBe(
      'external_id,name,amount,status,created_at,closed_at,reason',
    );
  });

  it('says clearly what is wrong with the file, the mapping or the org', () => {
    expect(hadaf('import', 'deals', join(dir, 'nope.csv'), '--db', db).stderr).toContain(
      `There is no file "${join(dir, 'nope.csv')}"`,
    );
    expect(
      hadaf('import', 'deals', fixture('deals-eu.csv'), '--db', db, '--mapping', fixture('reps.csv')).stderr,
    ).toMatch(/The mapping file ".*reps\.csv" is not valid JSON/);
    expect(
      hadaf('import', 'deals', fixture('bad-deals.csv'), '--db', db, '--org', 'nobody').stderr,
    ).toContain('There is no org "nobody"');
  });
});
