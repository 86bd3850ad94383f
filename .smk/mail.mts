import { writeAllMails } from '/work/main/fixtures/mail/write-mail.ts';
import { simpleParser } from 'mailparser';
const a = await writeAllMails(7); const b = await writeAllMails(7);
for (let i = 0; i < a.length; i++) {
  const m = a[i]!;
  console.log(m.kind, m.raw.equals(b[i]!.raw), m.raw.length);
  const p = await simpleParser(m.raw);
  console.log('  subj', p.subject, '| text', JSON.stringify(p.text?.slice(0,60)));
  for (const at of p.attachments) console.log('   att', at.contentType, JSON.stringify(at.filename), at.contentDisposition, at.related, at.size);
}
console.log(a.find(m=>m.kind==='legacy-charset')!.raw.toString('latin1').slice(0,1500));
