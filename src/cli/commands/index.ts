import type { CommandModule } from '../shared.ts';
import { backupCommand } from './backup.ts';
import { copyCommand } from './copy.ts';
import { demoCommand } from './demo.ts';
import { exportCommand } from './export.ts';
import { goalCommand } from './goal.ts';
import { importCommand } from './import.ts';
import { metricCommand } from './metric.ts';
import { migrateCommand } from './migrate.ts';
import { progressCommand } from './progress.ts';
import { restoreCommand } from './restore.ts';
import { serveCommand } from './serve.ts';
import { startCommand } from './start.ts';
import { tickCommand } from './tick.ts';
import { userCommand } from './user.ts';

/** Every `hadaf` subcommand. Add one line per command module. */
export const commands: CommandModule[] = [
  startCommand,
  migrateCommand,
  serveCommand,
  userCommand,
  backupCommand,
  restoreCommand,
  copyCommand,
  demoCommand,
  progressCommand,
  tickCommand,
  exportCommand,
  importCommand,
  goalCommand,
  metricCommand,
];
