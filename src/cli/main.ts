import { Command } from 'commander';
import { commands } from './commands/index.ts';
import { reportError } from './shared.ts';

const program = new Command('hadaf')
  .description('Hadaf: set SMART sales goals and track them')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // commander already printed the message or the help text
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 2;
  } else {
    process.exitCode = reportError(error);
  }
}
