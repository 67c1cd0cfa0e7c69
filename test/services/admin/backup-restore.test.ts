import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/services/admin/backup.ts';
import { restoreDatabase } from '../../../src/services/admin/restore.ts';
import { fileKind } from '../../../src/services/admin/sqlite-files.ts';
import { openStore, type Store } from '../../../src/store/db.ts';
import { latestMigration, migrateToLatest } from '../../../src/store/migrate.ts';
import * as initial from '../../../src/store/migrations/0001-initial.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { startWriter } from '../../faults/sqlite-writer-process.ts';
import { dumpTables, metricFigures, seedEveryKind } from './fixture.ts';

// Backup and restore copy SQLite files; PostgreSQL gets pg_dump (last describe).
describe('hadaf backup and restore on SQLite', () => {
  let dir: string;
  const stores: Store[] = [];
  const path = (name: string) => join(dir, name);
  const open = async (name: string) => {
    const store = await openStore(path(name));
    stores.push(store);
    return store;
  };
  /** A migrated database holding the seed, at `name`. */
  const seeded = async (name = 'live.db') => {
    const store = await open(name);
    await migrateToLatest(store.db);
    await seedEveryKind(store.db);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hadaf-backup-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a backup into a new file with every table and metric identical', async () => {
    const live = await seeded();
    const backup = await backupDatabase({ location: path('live.db'), file: path('backups/nightly.db') });
    expect(backup).toMatchObject({ file: path('backups/nightly.db'), migration: latestMigration() });
    expect(backup.bytes).toBeGreaterThan(0);
    // one self-contained file: no -wal next to it, no partial file left behind
    expect(fileKind(path('backups/nightly.db-wal'))).toBe('none');
    expect(fileKind(`${path('backups/nightly.db')}.partial-${process.pid}`)).toBe('none');

    const restored = await restoreDatabase({ file: path('backups/nightly.db'), location: path('copy.db') });
    expect(restored).toMatchObject({ target: path('copy.db'), migration: latestMigration(), orgs: 2 });
    const copy = await open('copy.db');
    const dump = await dumpTables(live.db, 'sqlite');
    expect(dump.deal).toHaveLength(3);
    expect(dump.rollup_deal_day?.length).toBeGreaterThan(0);
    expect(await dumpTables(copy.db, 'sqlite')).toEqual(dump);
    const figures = await metricFigures(live);
    expect(figures.revenue).toMatchObject({ value: 5_000_000_000, source: 'rollup' });
    expect(await metricFigures(copy)).toEqual(figures);
  });

  it('backs up while another process keeps writing, and the backup is one consistent snapshot', async () => {
    const live = await seeded();
    const org = await createOrg(live.db, { name: 'Busy', slug: 'busy' }, 0);
    const writer = startWriter(path('live.db'), org.id, 'w', 2500);
    await writer.ready;
    writer.go();
    await new Promise((r) => setTimeout(r, 800));
    await backupDatabase({ location: path('live.db'), file: path('busy.db') });
    const report = await writer.finished;
    expect(report.errors).toEqual([]);

    const snapshot = new SQLite(path('busy.db'), { readonly: true });
    const sequence = snapshot
      .prepare(
        "select entity_id from audit_log where actor_label = 'w' and entity = 'sequence' order by entity_id",
      )
      .pluck()
      .all() as number[];
    snapshot.close();
    // written while the writer ran: some of its transactions, never a partial one
    expect(sequence.length).toBeGreaterThan(0);
    expect(sequence.length).toBeLessThan(report.transactions);
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, k) => k + 1));
  });

  it('refuses to restore over a database that holds data unless forced, then replaces it whole', async () => {
    const live = await seeded();
    await backupDatabase({ location: path('live.db'), file: path('b.db') });
    const other = await open('other.db');
    await migrateToLatest(other.db);
    await createOrg(other.db, { name: 'Keep me', slug: 'keep' }, 0);

    await expect(restoreDatabase({ file: path('b.db'), location: path('other.db') })).rejects.toThrow(
      /already holds data \(tables org\): pass --force/,
    );
    expect((await other.db.selectFrom('org').select('slug').execute()).map((o) => o.slug)).toEqual(['keep']);

    await restoreDatabase({ file: path('b.db'), location: path('other.db'), force: true });
    // the open connection sees the restored content
    expect(await dumpTables(other.db, 'sqlite')).toEqual(await dumpTables(live.db, 'sqlite'));
  });

  it('restores over an empty, migrated database without --force', async () => {
    const live = await seeded();
    await backupDatabase({ location: path('live.db'), file: path('b.db') });
    const empty = await open('empty.db');
    await migrateToLatest(empty.db);
    await restoreDatabase({ file: path('b.db'), location: path('empty.db') });
    expect(await dumpTables(empty.db, 'sqlite')).toEqual(await dumpTables(live.db, 'sqlite'));
  });

  it('migrates a backup made before the latest migrations', async () => {
    const old = await open('old.db');
    // a database as the first release left it: only 0001 applied
    const first = new Migrator({
      db: old.db,
      provider: { getMigrations: async () => ({ '0001-initial': initial }) },
    });
    expect((await first.migrateToLatest()).error).toBeUndefined();
    await old.db
      .insertInto('org')
      .values({ name: 'Old', slug: 'old', currency: 'USD', time_zone: 'UTC', created_at: 1 })
      .execute();
    await backupDatabase({ location: path('old.db'), file: path('old-backup.db') });

    const result = await restoreDatabase({ file: path('old-backup.db'), location: path('new.db') });
    expect(result).toMatchObject({ backupMigration: '0001-initial', migration: latestMigration(), orgs: 1 });
    const restored = await open('new.db');
    const tables = (await restored.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['org', 'rollup_state']));
  });

  it('rejects a file that is not a Hadaf SQLite database and creates nothing', async () => {
    writeFileSync(path('notes.txt'), 'not a database, just some text that is long enough to have a header');
    const foreign = new SQLite(path('foreign.db'));
    foreign.exec('create table customers (id integer primary key)');
    foreign.close();

    await expect(restoreDatabase({ file: path('notes.txt'), location: path('t.db') })).rejects.toThrow(
      /"[^"]*notes\.txt" is not a SQLite database/,
    );
    await expect(restoreDatabase({ file: path('foreign.db'), location: path('t.db') })).rejects.toThrow(
      /is a SQLite database but not a Hadaf one: it has no kysely_migration or org table/,
    );
    await expect(restoreDatabase({ file: path('missing.db'), location: path('t.db') })).rejects.toThrow(
      /No backup file at "[^"]*missing\.db"/,
    );
    expect(fileKind(path('t.db'))).toBe('none');
  });

  it('rejects a backup written by a newer Hadaf', async () => {
    await seeded();
    await backupDatabase({ location: path('live.db'), file: path('b.db') });
    const future = new SQLite(path('b.db'));
    future.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999-future', 'now');
    future.close();
    await expect(restoreDatabase({ file: path('b.db'), location: path('t.db') })).rejects.toThrow(
      /written by a newer Hadaf \(migration 9999-future; this one knows up to .*\): upgrade Hadaf first/,
    );
    expect(fileKind(path('t.db'))).toBe('none');
  });

  it('refuses to overwrite a file that is not a SQLite database, even with --force', async () => {
    await seeded();
    await backupDatabase({ location: path('live.db'), file: path('b.db') });
    const text = 'my notes '.repeat(20);
    writeFileSync(path('notes.db'), text);
    await expect(
      restoreDatabase({ file: path('b.db'), location: path('notes.db'), force: true }),
    ).rejects.toThrow(/notes\.db/);
    expect(await import('node:fs').then((fs) => fs.readFileSync(path('notes.db'), 'utf8'))).toBe(text);
  });

  it('refuses to back up a database onto itself or from a file that does not exist', async () => {
    await seeded();
    await expect(backupDatabase({ location: path('live.db'), file: path('live.db') })).rejects.toThrow(
      /is the database itself/,
    );
    await expect(backupDatabase({ location: path('nope.db'), file: path('b.db') })).rejects.toThrow(
      /No database at "[^"]*nope\.db"/,
    );
    expect(fileKind(path('nope.db'))).toBe('none');
    expect(fileKind(path('b.db'))).toBe('none');
  });

  it('replaces an older backup at the same path only once the new one is complete', async () => {
    const live = await seeded();
    await backupDatabase({ location: path('live.db'), file: path('b.db') });
    await createOrg(live.db, { name: 'Later', slug: 'later' }, 0);
    copyFileSync(path('b.db'), path('first.db'));
    await backupDatabase({ location: path('live.db'), file: path('b.db') });
    const again = new SQLite(path('b.db'), { readonly: true });
    expect(again.prepare('select count(*) from org').pluck().get()).toBe(3);
    again.close();
  });
});

describe('hadaf backup and restore on PostgreSQL', () => {
  const url = 'postgres://hadaf:s3cret@db.internal:5432/hadaf';

  it('points to pg_dump with the exact command, hiding the password', async () => {
    const error = await backupDatabase({ location: url, file: 'hadaf.dump' }).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      "pg_dump --format=custom --no-owner --file='hadaf.dump' 'postgres://hadaf:***@db.internal:5432/hadaf'",
    );
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('points to createdb, pg_restore and hadaf migrate with the exact commands', async () => {
    const error = await restoreDatabase({ file: 'hadaf.dump', location: url }).catch((e: Error) => e);
    const message = (error as Error).message;
    expect(message).toContain(
      "createdb --maintenance-db='postgres://hadaf:***@db.internal:5432/postgres' 'hadaf'",
    );
    expect(message).toContain(
      "pg_restore --no-owner --single-transaction --exit-on-error --dbname='postgres://hadaf:***@db.internal:5432/hadaf' 'hadaf.dump'",
    );
    expect(message).toContain("hadaf migrate --db 'postgres://hadaf:***@db.internal:5432/hadaf'");
    expect(message).not.toContain('s3cret');
  });
});
