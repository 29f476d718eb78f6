import { describe, expect, it } from 'vitest';

import { ADA, CUSTOMER } from '../testing/fixtures.ts';
import { authorLabel, initials, messageSummary, viewerAsPerson } from './people.ts';

const customer = { id: CUSTOMER.id };
const ada = { id: ADA.id };

describe('names on screen', () => {
  it('names support "(Support)" on both sides, and the customer "You" on theirs', () => {
    expect(authorLabel(ADA, customer)).toBe('Ada Lovelace (Support)');
    expect(authorLabel(ADA, ada)).toBe('Ada Lovelace (Support)');
    expect(authorLabel(CUSTOMER, customer)).toBe('You');
    expect(authorLabel(CUSTOMER, ada)).toBe('Grace Hopper');
    // Someone not seen since names were recorded has the side's generic name only.
    expect(authorLabel({ ...ADA, display_name: 'Support' }, customer)).toBe('Support');
  });

  it('sums a message up in one line; a note says it is one', () => {
    const gist = { author: CUSTOMER, visibility: 'public', message_content: 'Where is it?', has_media: false } as const;
    expect(messageSummary(gist, ada)).toBe('Grace Hopper: Where is it?');
    expect(messageSummary({ ...gist, message_content: '', has_media: true }, ada)).toBe('Grace Hopper: sent an attachment');
    expect(messageSummary({ ...gist, author: ADA, visibility: 'internal', message_content: 'VIP' }, ada)).toBe('Note by Ada Lovelace: VIP');
  });

  it('names the viewer as the server would: name, else email, else the side', () => {
    const viewer = { id: 'u', email: 'zoe@example.com', name: null, role: 'admin', expiresAt: 0 } as const;
    expect(viewerAsPerson({ ...viewer, name: 'Zoë Adams' }).display_name).toBe('Zoë Adams');
    expect(viewerAsPerson(viewer).display_name).toBe('zoe@example.com');
    expect(viewerAsPerson({ ...viewer, email: null })).toEqual({ id: 'u', role: 'admin', display_name: 'Support' });
  });

  it('makes an avatar of initials', () => {
    expect(initials('Bo Diddley')).toBe('BD');
    expect(initials('Ada Augusta Lovelace')).toBe('AL');
    expect(initials('Zoë')).toBe('Z');
    expect(initials('support@example.com')).toBe('S');
    expect(initials('  ')).toBe('?');
  });
});
