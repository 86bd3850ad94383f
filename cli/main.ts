import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/load.ts';
import { errorCodeOf, messageOf } from '../runner/errors.ts';
import { verifyAudit } from './commands/audit.ts';
import { runDemo } from './commands/demo.ts';
import { showEvidence } from './commands/evidence.ts';
import { extractFile } from './commands/extract.ts';
import { ingestFiles } from './commands/ingest.ts';
import { runOnce } from './commands/run.ts';
import { showStatus } from './commands/status.ts';
import { checkSelectors } from './commands/selectors.ts';
import { runWorker } from './commands/worker.ts';
import {
  approveCommand,
  assignCommand,
  correctCommand,
  rejectCommand,
  retryCommand,
} from './commands/decide.ts';
import { escalateNow, showInbox } from './commands/inbox.ts';
import { loadMasterFiles, syncMasterFromErp } from './commands/master.ts';

const program = new Command('rpa')
  .description('Bot runner for the billing back office: capture, extract, validate, route, post.')
  .option('-c, --config <file>', 'config file (YAML); default: $RPA_CONFIG or ./rpa.config.yaml')
  .option('-d, --data-dir <dir>', 'data folder (originals, evidence, embedded database, logs)')
  .option('-v, --verbose', 'debug logging')
  .showHelpAfterError()
  .exitOverride();

// `rpa status | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Whether the command asked for `--json`: its errors then go to stdout as JSON too.
let jsonOutput: boolean | undefined;
program.hook('preAction', (_program, command) => {
  jsonOutput = command.opts().json === true;
});

/** `{ "error": { "code", "message" } }` on stdout, for a command run with `--json`. */
function printJsonError(code: string, message: string): void {
  if (!(jsonOutput ?? process.argv.slice(2).includes('--json'))) return;
  console.log(JSON.stringify({ error: { code, message } }, null, 2));
}

/** Global options merged with the command's own. */
function opts<T>(command: Command): T {
  return command.optsWithGlobals() as T;
}

program
  .command('demo')
  .description('run the pipeline on the bundled invoices against the fixture ERP')
  .option('--files <dir>', 'folder of invoices to use instead of fixtures/demo')
  .option('--shadow', 'fill and photograph every field in the ERP, save nothing')
  .action((_o, cmd) => runDemo(opts(cmd)));

program
  .command('run')
  .description('one pass over all sources, then process until the queues are empty')
  .option('--shadow', 'fill and photograph every field in the ERP, save nothing')
  .action((_o, cmd) => runOnce(opts(cmd)));

program
  .command('worker')
  .description('long-running: consume the stage queues and poll the sources')
  .option('--no-poll', 'only consume the queues; another process polls the sources')
  .option('--poll-seconds <n>', 'seconds between source passes', '60')
  .option('--shadow', 'fill and photograph every field in the ERP, save nothing')
  .action((_o, cmd) => runWorker(opts(cmd)));

program
  .command('ingest')
  .description('take one-off files and process them now')
  .argument('<files...>')
  .action((files: string[], _o, cmd) => ingestFiles(files, opts(cmd)));

program
  .command('status')
  .description('cases by state, and what is held and why')
  .option('--json', 'machine-readable output')
  .action((_o, cmd) => showStatus(opts(cmd)));

program
  .command('evidence')
  .description("a case's data, checks, steps, screenshots and audit events")
  .argument('<case>')
  .option('--json', 'machine-readable output')
  .option('--html <file>', 'write one self-contained HTML page for auditors')
  .action((caseId: string, _o, cmd) => showEvidence(caseId, opts(cmd)));

program
  .command('extract')
  .description('read the fields of one document (no store, no queue)')
  .argument('<file>')
  .option('--json', 'machine-readable output')
  .addOption(new Option('--no-xml', 'ignore an embedded e-invoice and read the visible text'))
  .option('--explain-template', 'show which vendor template applies and why, or why none does')
  .action((file: string, _o, cmd) => extractFile(file, opts(cmd)));

program
  .command('audit')
  .description('audit trail tools')
  .command('verify')
  .description('check the hash chain; exits 1 at the first changed, removed or moved event')
  .option('--json', 'machine-readable output')
  .action((_o, cmd) => verifyAudit(opts(cmd)));

const asOption = () => new Option('--as <user>', 'acting user; default $RPA_USER');

program
  .command('inbox')
  .description('cases waiting for a person: exceptions and approvals, with owner and deadline')
  .option('--user <user>', 'only what this user or their groups own')
  .option('--json', 'machine-readable output')
  .action((_o, cmd) => showInbox(opts(cmd)));

program
  .command('approve')
  .description('approve the next level of a case (or override its hold)')
  .argument('<case>')
  .addOption(asOption())
  .action((caseId: string, _o, cmd) => approveCommand(caseId, opts(cmd)));

program
  .command('reject')
  .description('reject a case; it is never posted')
  .argument('<case>')
  .requiredOption('--reason <text>', 'why, for the audit trail')
  .addOption(asOption())
  .action((caseId: string, _o, cmd) => rejectCommand(caseId, opts(cmd)));

program
  .command('correct')
  .description('correct header fields and re-run the checks')
  .argument('<case>')
  .argument('<assignments...>', 'FIELD=VALUE, e.g. gross_total=119.00')
  .addOption(asOption())
  .action((caseId: string, values: string[], _o, cmd) => correctCommand(caseId, values, opts(cmd)));

program
  .command('assign')
  .description("hand a case's exception to another user or group")
  .argument('<case>')
  .argument('<to>')
  .addOption(asOption())
  .action((caseId: string, to: string, _o, cmd) => assignCommand(caseId, to, opts(cmd)));

program
  .command('retry')
  .description('put a failed case back on the stage it failed in, once its cause is mended')
  .argument('<case>')
  .addOption(asOption())
  .action((caseId: string, _o, cmd) => retryCommand(caseId, opts(cmd)));

program
  .command('escalate')
  .description('escalate every exception past its deadline (one sweep)')
  .action((_o, cmd) => escalateNow(opts(cmd)));

program
  .command('master')
  .description('master data tools')
  .command('load')
  .description('load vendors, purchase orders, goods receipts, accounts (CSV or YAML)')
  .argument('<files...>')
  .action((files: string[], _o, cmd) => loadMasterFiles(files, opts(cmd)));

program.commands
  .find((c) => c.name() === 'master')!
  .command('sync')
  .description("read vendors, purchase orders and goods receipts from the ERP's screens")
  .option('--target <name>', 'entry of targets; default: postTo, else the first')
  .action((_o, cmd) => syncMasterFromErp(opts(cmd)));

program
  .command('selectors')
  .description('selector map tools')
  .command('check')
  .description(
    'walk the live UI; list missing and ambiguous elements per release (exit 1 if any required one is missing)',
  )
  .argument('<system>')
  .option('--url <url>', "the target's address; default: the configured target of this system")
  .option('--release <release>', 'a release, auto (the live one) or all', 'auto')
  .option('--selectors-dir <dir>', 'another folder of selector maps')
  .option('--json', 'machine-readable output')
  .action((system: string, _o, cmd) => checkSelectors(system, opts(cmd)));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version end with 0; a usage error is an error (2), not a failed check (1).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    if (error.exitCode !== 0) printJsonError('INVALID_ARGUMENT', error.message);
    process.exit();
  }
  // Operators get the message and the stable code, not a stack trace.
  const code = error instanceof ConfigError ? 'CONFIG_INVALID' : errorCodeOf(error);
  console.error(`rpa: ${messageOf(error)} [${code}]`);
  printJsonError(code, messageOf(error));
  if (process.env.RPA_DEBUG) console.error(error);
  process.exitCode = 2;
}
