import { ensureDir } from './ensure-dir.ts';
import path from 'node:path';
import winston from 'winston';
import type { LogFields } from './log-fields.ts';

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line, e.g. the run and case ids of one job. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: 'error' | 'warn' | 'info' | 'debug';
  /** JSON lines are appended here; no file when unset. */
  file?: string;
  /** Readable lines on stderr. */
  console: boolean;
}

const CONSOLE_KEYS: Array<keyof LogFields> = [
  'runId',
  'caseId',
  'invoiceNumber',
  'erpDocumentNumber',
  'step',
  'code',
  'error',
];

function consoleLine(info: winston.Logform.TransformableInfo): string {
  const facts = CONSOLE_KEYS.filter((k) => info[k] !== undefined)
    .map((k) => `${k}=${String(info[k])}`)
    .join(' ');
  return `${String(info.level).padEnd(5)} ${String(info.message)}${facts ? `  ${facts}` : ''}`;
}

export function createLogger(options: LoggerOptions): Logger {
  const transports: winston.transport[] = [];
  if (options.file) {
    ensureDir(path.dirname(options.file));
    transports.push(
      new winston.transports.File({
        filename: options.file,
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      }),
    );
  }
  if (options.console) {
    transports.push(
      new winston.transports.Console({
        stderrLevels: ['error', 'warn', 'info', 'debug'],
        format: winston.format.printf(consoleLine),
      }),
    );
  }
  if (transports.length === 0) transports.push(new winston.transports.Console({ silent: true }));
  return wrap(winston.createLogger({ level: options.level, transports }));
}

function wrap(inner: winston.Logger): Logger {
  return {
    error: (message, fields) => inner.error(message, fields),
    warn: (message, fields) => inner.warn(message, fields),
    info: (message, fields) => inner.info(message, fields),
    debug: (message, fields) => inner.debug(message, fields),
    child: (fields) => wrap(inner.child(fields)),
  };
}

/** For tests and library use: drops everything. */
export const silentLogger: Logger = createLogger({ level: 'error', console: false });
