import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { setDemoPasswords } from '../../services/accounts/demo-passwords.ts';
import { generateDemo } from '../../services/demo/generate.ts';
import { openStore } from '../../store/db.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { countOrgs } from '../../store/org-queries.ts';
import { dbOption } from '../shared.ts';
import { parsePort, portOption, serve, webDir } from './serve.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

/**
 * `npm start`: the newcomer's one command. Builds the web app when it is
 * missing or older than its sources, migrates, loads the demo org into an
 * empty database, then serves.
 */
export function startCommand(program: Command) {
  program
    .command('start')
    .description('build what is missing, migrate, load the demo org if the database is empty, and serve')
    .addOption(dbOption())
    .addOption(portOption())
    .action(async (options: { db: string; port: string }) => {
      const port = parsePort(options.port);
      if (webIsStale()) {
        process.stdout.write('Building the web app...\n');
        const { build } = await import('vite');
        await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
      }
      const store = await openStore(options.db);
      await migrateToLatest(store.db);
      let logins: Awaited<ReturnType<typeof setDemoPasswords>> = [];
      if ((await countOrgs(store.db)) === 0) {
        process.stdout.write(`Empty database at ${store.location}: loading the demo org...\n`);
        const demo = await generateDemo(store, { seed: 1, scale: 1, now: Date.now() });
        process.stdout.write(
          `Loaded "${demo.org.name}": ${demo.totalRows.toLocaleString('en')} rows in ${(demo.ms / 1000).toFixed(1)} s\n`,
        );
        logins = await setDemoPasswords(store.db, demo.org.id);
      }
      await serve(store, port);
      process.stdout.write(`\nHadaf is running at http://localhost:${port}\n`);
      if (logins.length > 0) {
        process.stdout.write('\nSign in to the demo org as:\n');
        for (const login of logins) {
          process.stdout.write(
            `  ${login.role.padEnd(8)} ${login.email.padEnd(32)} password: ${login.password}\n`,
          );
        }
      }
    });
}

function webIsStale(): boolean {
  const built = join(webDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = [join(repoRoot, 'web'), join(repoRoot, 'vite.config.ts')];
  return sources.some((path) => newestMtime(path) > builtAt);
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}
