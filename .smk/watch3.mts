import { startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
import { createLogger } from '../runner/logger.ts';
import { MemoryCursorStore } from '../bots/intake/mail/memory-cursor-store.ts';
import { watchMailbox } from '../bots/intake/mail/watch-mailbox.ts';
const s = await startDovecot({users:[{user:'poll',password:'pw'}]});
const stop = new AbortController();
const log = createLogger({ level: 'debug', console: true });
console.log('start');
const w = watchMailbox({ name: 'w', host: s.host, port: s.port, secure: false, user: 'poll', password: 'pw', folder: 'INBOX', processedFolder: 'Processed', rejectedFolder: 'Rejected' } as any,
  async () => 'accepted', new MemoryCursorStore(), log, { signal: stop.signal, useIdle: false, pollIntervalMs: 200, reconnectDelayMs: 20, onPass: (r) => console.log('pass', r) });
await new Promise(r => setTimeout(r, 1500));
console.log('abort');
stop.abort(); await w; await s.stop();
