import { startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
import { appendMail } from '../fixtures/dovecot/append-mail.ts';
import { writeMail } from '../fixtures/mail/write-mail.ts';
import { createLogger } from '../runner/logger.ts';
import { MemoryCursorStore } from '../bots/intake/mail/memory-cursor-store.ts';
import { watchMailbox } from '../bots/intake/mail/watch-mailbox.ts';
const s = await startDovecot({users:[{user:'poll',password:'pw'}]});
const seen: string[] = [];
const stop = new AbortController();
const log = createLogger({ level: 'debug', console: true });
const w = watchMailbox({ name: 'w', host: s.host, port: s.port, secure: false, user: 'poll', password: 'pw', folder: 'INBOX', processedFolder: 'Processed', rejectedFolder: 'Rejected' } as any,
  async (_f, m) => { seen.push(m.messageId); return 'accepted'; }, new MemoryCursorStore(), log, { signal: stop.signal, useIdle: false, pollIntervalMs: 200, reconnectDelayMs: 20 });
w.catch(e => console.log('WATCH FAILED', e));
console.log('before write'); const m = await writeMail('pdf', 12); console.log('written');
await appendMail(s, 'poll', 'pw', 'INBOX', m.raw);
await new Promise(r => setTimeout(r, 1500));
console.log('seen', seen);
stop.abort(); await w; await s.stop();
