#!/usr/bin/env node
/**
 * The `shoal` command. Sub-commands live in their own modules; this file
 * only dispatches.
 */
import { infoCommand, schedulerCommand, workerCommand } from './cluster.js';
import { datasetsCommand } from './datasets.js';
import { nannyCommand } from './nanny.js';

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  datasets: (argv) => datasetsCommand(argv),
  scheduler: (argv) => schedulerCommand(argv),
  worker: (argv) => (argv.includes('--nanny') ? nannyCommand(argv) : workerCommand(argv)),
  nanny: (argv) => nannyCommand(argv),
  info: (argv) => infoCommand(argv),
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const run = cmd === undefined ? undefined : COMMANDS[cmd];
  if (!run) {
    console.log(`usage: shoal <command> …\ncommands: ${Object.keys(COMMANDS).join(', ')}`);
    return cmd === undefined || cmd === '--help' ? 0 : 2;
  }
  return run(rest);
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => { console.error(`shoal: ${e.message}`); process.exitCode = 1; });
