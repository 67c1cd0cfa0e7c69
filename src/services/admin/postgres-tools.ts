import { invalid } from '../../core/errors.ts';
import { redact } from '../../store/db.ts';

/**
 * PostgreSQL has its own consistent online backup (pg_dump) and restore
 * (pg_restore); Hadaf points at them rather than re-implementing them.
 * The commands are the ones in docs/scaling.md.
 */

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** The error `hadaf backup` gives for a PostgreSQL database: the exact pg_dump command instead. */
export function pgDumpInstead(url: string, file: string) {
  return invalid(
    [
      'hadaf backup copies SQLite files; back up PostgreSQL with pg_dump (consistent while the server runs):',
      `  pg_dump --format=custom --no-owner --file=${quote(file)} ${quote(redact(url))}`,
      'Use your real password where the URL shows ***. See docs/scaling.md.',
    ].join('\n'),
    'db',
  );
}

/** The error `hadaf restore` gives for a PostgreSQL database: the exact pg_restore commands instead. */
export function pgRestoreInstead(url: string, file: string) {
  const target = redact(url);
  return invalid(
    [
      'hadaf restore writes SQLite files; restore PostgreSQL with pg_restore into a new, empty database:',
      `  createdb --maintenance-db=${quote(maintenanceUrl(target))} ${quote(databaseName(target))}`,
      `  pg_restore --no-owner --single-transaction --exit-on-error --dbname=${quote(target)} ${quote(file)}`,
      `  hadaf migrate --db ${quote(target)}`,
      'Use your real password where the URL shows ***. See docs/scaling.md.',
    ].join('\n'),
    'db',
  );
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'hadaf';
}

/** The same server, connected to its `postgres` maintenance database. */
function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}
