import { readLocalFile } from '../../bots/intake/folder.ts';
import path from 'node:path';
import {
  closeExtractors,
  type ExtractOptions,
  explainTemplate,
  extractDocument,
} from '../../bots/extract/index.ts';
import { configFrom, type GlobalOptions, loggerFor } from '../open-runtime.ts';
import { maskIban } from '../iban-display.ts';

/**
 * `rpa extract FILE`: the fields read from one document, under the corpus's field names,
 * each with its confidence; with `--explain-template`, which vendor template applies to it and
 * why, or why none does. Touches no store and no queue.
 */
export async function extractFile(
  file: string,
  options: GlobalOptions & { json?: boolean; xml: boolean; explainTemplate?: boolean },
) {
  const config = configFrom(options);
  const logger = loggerFor({ ...config, log: { ...config.log, console: false } });
  // The intake's size cap holds here too: a 60 MB file is refused, not read into memory.
  const local = await readLocalFile(file, { maxFileBytes: config.intake.maxFileBytes });
  const input = { bytes: new Uint8Array(local.bytes), fileName: path.basename(file) };
  const extractOptions: ExtractOptions = {
    ocrWorkers: config.extract.ocrWorkers,
    ocrPageTimeoutMs: config.extract.ocrPageTimeoutMs,
    ocrRenderScale: config.extract.ocrRenderScale,
    readEmbeddedXml: options.xml,
    logger,
  };
  try {
    if (options.explainTemplate) {
      printExplanation(file, await explainTemplate(input, extractOptions), options.json);
      return;
    }
    const extraction = await extractDocument(input, extractOptions);
    const fields = Object.fromEntries(
      Object.entries(extraction.fields).map(([k, v]) => [
        k,
        v && { value: v.value, confidence: v.confidence, source: v.source },
      ]),
    );
    const out = {
      file,
      method: extraction.method,
      documentKind: extraction.documentKind,
      fields,
      warnings: extraction.warnings,
    };
    if (options.json) {
      console.log(JSON.stringify(out, null, 2));
      return;
    }
    console.log(`${file}: ${extraction.documentKind} read by ${extraction.method}`);
    for (const [k, v] of Object.entries(fields)) {
      if (k === 'line_items' || !v) continue;
      const value = k === 'iban' ? maskIban(String(v.value)) : String(v.value);
      console.log(`  ${k.padEnd(16)} ${value.padEnd(40)} ${v.confidence.toFixed(2)}`);
    }
    const lines = extraction.fields.line_items?.value.length ?? 0;
    console.log(`  line_items       ${lines} line(s)`);
    for (const w of extraction.warnings) console.log(`  warning: ${w}`);
  } finally {
    await closeExtractors();
  }
}

function printExplanation(
  file: string,
  explanation: Awaited<ReturnType<typeof explainTemplate>>,
  json?: boolean,
) {
  if (json) {
    console.log(JSON.stringify({ file, ...explanation }, null, 2));
    return;
  }
  const head = explanation.template
    ? `template ${explanation.template} (${explanation.file}) applies`
    : 'no vendor template applies';
  console.log(`${file}: ${head}`);
  for (const reason of explanation.reasons) console.log(`  because: ${reason}`);
  if (explanation.fields.length > 0) console.log(`  sets: ${explanation.fields.join(', ')}`);
  for (const miss of explanation.rejected)
    console.log(`  not ${miss.template}: ${miss.reasons.join('; ')}`);
}
