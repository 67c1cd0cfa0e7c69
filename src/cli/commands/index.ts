import type { CommandModule } from '../shared.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';

/** Every `hadaf` subcommand. Add one line per command module. */
export const commands: CommandModule[] = [migrateCommand, serveCommand];
