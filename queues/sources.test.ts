import { describe, expect, it } from 'vitest';
import { arrivalOf } from './sources.ts';

describe('arrivalOf', () => {
  it('gives a portal download channel portal and ref portal/<name>/<reference>', () => {
    const arrival = arrivalOf({
      fileName: 'INV-1.pdf',
      bytes: Buffer.from('%PDF-'),
      mediaType: 'application/pdf',
      source: { kind: 'portal', portal: 'acme', reference: 'DOC-000007' },
    });
    expect(arrival).toEqual({
      channel: 'portal',
      ref: 'portal/acme/DOC-000007',
      detail: { kind: 'portal', portal: 'acme', reference: 'DOC-000007', parentSha256: undefined },
    });
  });

  it('keeps the container hash of a file taken out of a zip', () => {
    const arrival = arrivalOf({
      fileName: 'a.pdf',
      bytes: Buffer.from('%PDF-'),
      mediaType: 'application/pdf',
      parentSha256: 'ab'.repeat(32),
      source: { kind: 'mail', mailbox: 'ap', uidValidity: '7', uid: 3, messageId: '<m@x>' },
    });
    expect(arrival).toMatchObject({ channel: 'mail', ref: 'ap/7/3/a.pdf' });
    expect(arrival.detail.parentSha256).toBe('ab'.repeat(32));
  });
});
