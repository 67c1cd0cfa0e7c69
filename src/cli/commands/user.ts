import { type Command, Option } from 'commander';
import { invalid } from '../../core/errors.ts';
import type { Role } from '../../core/org.ts';
import { addUser } from '../../services/accounts/add-user.ts';
import { dbOption, withStore } from '../shared.ts';

interface AddOptions {
  db: string;
  email: string;
  name: string;
  role: Role;
  org: string;
  orgName?: string;
  currency?: string;
  timeZone?: string;
  team?: string;
  password?: string;
}

/**
 * `hadaf user add`: the first admin of an org (creating the org with
 * --org-name) or any further user, with a password that works at once.
 */
export function userCommand(program: Command) {
  const user = program.command('user').description('manage user accounts');
  user
    .command('add')
    .description('add a user who can sign in; creates the org too when --org-name is given')
    .addOption(dbOption())
    .requiredOption('--email <address>', 'e-mail address, used to sign in')
    .requiredOption('--name <name>', 'display name')
    .addOption(
      new Option('--role <role>', 'role in the org')
        .choices(['admin', 'manager', 'rep'])
        .makeOptionMandatory(),
    )
    .requiredOption('--org <slug>', 'slug of the org (e.g. acme)')
    .option('--org-name <name>', 'create the org with this name when the slug does not exist yet')
    .option('--currency <code>', 'reporting currency of a new org (ISO 4217)', 'USD')
    .option('--time-zone <zone>', 'time zone of a new org (IANA)', 'UTC')
    .option('--team <id-or-name>', 'team the user belongs to')
    .option('--password <password>', 'initial password (default: generated and printed once)')
    .action(async (options: AddOptions) => {
      if (options.password !== undefined && options.password.length === 0) {
        throw invalid('--password is empty: leave it out to have one generated.', 'password');
      }
      await withStore(options.db, async (store) => {
        const added = await addUser({
          ctx: { db: store.db, dialect: store.dialect, now: Date.now() },
          input: {
            orgSlug: options.org,
            email: options.email,
            name: options.name,
            role: options.role,
            ...(options.orgName !== undefined
              ? { orgName: options.orgName, currency: options.currency, timeZone: options.timeZone }
              : {}),
            ...(options.team !== undefined ? { team: options.team } : {}),
            ...(options.password !== undefined ? { password: options.password } : {}),
          },
        });
        const lines = [
          added.orgCreated ? `Created org "${added.org.name}" (${added.org.slug}).` : undefined,
          `Added ${added.user.role} ${added.user.name} <${added.user.email}> to ${added.org.name}.`,
          added.generatedPassword ? `Password (shown once): ${added.generatedPassword}` : undefined,
        ];
        process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
      });
    });
}
