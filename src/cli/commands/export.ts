import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportFacts } from '../../services/export/facts.ts';
import { API_ENTITIES } from '../../services/facts/entity.ts';
import { systemContextFor } from '../../services/tracking/org-context.ts';
import { dbOption, withStore } from '../shared.ts';

interface ExportOptions {
  db: string;
  org?: string;
  out?: string;
  [parameter: string]: string | undefined;
}

/** Options that are list query parameters, passed through unchanged (the service says which an entity takes). */
const PARAMETERS: ReadonlyArray<[flag: string, description: string]> = [
  ['--scope <scope>', 'org, team:<id or name> or rep:<id, e-mail or name> (default org)'],
  ['--period <period>', 'e.g. 2027, 2027-Q2, 2027-05, FY2027 (org time zone)'],
  ['--from <day>', 'first day, YYYY-MM-DD (instead of --period)'],
  ['--to <day>', 'last day, YYYY-MM-DD, inclusive'],
  ['--date-field <column>', 'the date the period applies to, e.g. created_at'],
  ['--sort <column[:asc|desc]>', 'e.g. closed_at:desc'],
  ['--q <text>', 'text in the name'],
  ['--status <status>', 'deals: open, won or lost'],
  ['--type <type>', 'activities: call, email, meeting, demo or discovery_call'],
  ['--channel <channel>', 'source or channel'],
  ['--segment <segment>', 'segment'],
  ['--industry <industry>', 'industry'],
  ['--product <product>', 'deals: product'],
  ['--stage <stage>', 'deals: pipeline stage'],
  ['--qualified <true|false>', 'activities: qualified conversations'],
  ['--kind <kind>', 'coaching: coaching or training'],
  ['--category <category>', 'spend: sales or marketing'],
  ['--role <role>', 'users: admin, manager or rep'],
];

/** `hadaf export <entity>`: every matching row as CSV, to a file or stdout; the same filters as the API. */
export function exportCommand(program: Command) {
  const command = program
    .command('export')
    .description(`write ${API_ENTITIES.join(', ')} as CSV (money as decimals, times in the org's zone)`)
    .argument('<entity>', API_ENTITIES.join(', '))
    .addOption(dbOption())
    .option('--org <slug>', 'the org (needed when the database holds several)')
    .option('--out <file>', 'write here instead of stdout');
  for (const [flag, description] of PARAMETERS) command.option(flag, description);
  command.action(async (entity: string, options: ExportOptions) => {
    const { db, org, out, ...parameters } = options;
    const query = Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
    await withStore(db, async (store) => {
      const ctx = await systemContextFor(store, org, Date.now(), 'cli export');
      const file = await exportFacts({ ctx, input: { entity, query } });
      const body = Readable.from(file.chunks);
      if (out === undefined) {
        await pipeline(body, process.stdout, { end: false });
        return;
      }
      await pipeline(body, createWriteStream(out));
      process.stderr.write(`Wrote ${file.rows.toLocaleString('en')} ${entity} to ${out}\n`);
    });
  });
}
