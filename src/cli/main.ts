#!/usr/bin/env node
import { DfchainError } from '../errors.js';
import { processCli } from './commands/cli.js';
import { buildProgram, runProgram } from './commands/program.js';
import { failureLine, isMissingCredentials } from './failure.js';

const cli = processCli();

// gcp-metadata warns "All promises were rejected" whenever the machine is not a Google Cloud VM,
// which a laptop never is: that warning is noise for a command; any other still prints.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'MetadataLookupWarning') console.error(`dfchain: ${warning.message}`);
});

// The client libraries look for credentials on a promise nobody awaits: without any, the
// rejection is unhandled and Node would print its stack trace. Said as one line instead.
process.on('unhandledRejection', (error: unknown) => {
  const context = cli.credentialsContext;
  if (context === undefined || !isMissingCredentials(error)) throw error;
  console.error(failureLine(error, context));
  process.exit(1);
});

runProgram(buildProgram(cli), cli, process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof DfchainError ? message : `dfchain: ${message}`);
    process.exit(1);
  },
);
