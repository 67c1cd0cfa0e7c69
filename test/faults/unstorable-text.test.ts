import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { isUnstorableTextError } from '../../src/server/errors.ts';
import { findUnstorableText } from '../../src/server/unstorable-text.ts';
import { freshStore } from '../helpers/stores.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('text the database cannot store', () => {
  it.each([
    ['plain text', 'Acme', undefined],
    ['Arabic, emoji and an RTL mark', '\u202eمرحبا 👩🏽‍💼', undefined],
    ['a surrogate pair (one emoji)', '\ud83d\ude00', undefined],
    ['a NUL', 'a\u0000b', { field: '', what: 'a NUL character (\\u0000)' }],
    ['a lone high surrogate', 'x\ud800', { field: '', what: 'an unpaired surrogate (not valid Unicode)' }],
    ['a lone low surrogate', '\udc00y', { field: '', what: 'an unpaired surrogate (not valid Unicode)' }],
  ])('is found in %s as expected', (_name, text, found) => {
    expect(findUnstorableText(text)).toEqual(found);
  });

  it('is found deep in a body, in keys too, with its path', () => {
    expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'no\u0000' }] })?.field).toBe('a.1.c');
    expect(findUnstorableText({ 'k\u0000': 1 })?.field).toBe('k\u0000');
    expect(findUnstorableText(Buffer.from('a\u0000b'))).toBeUndefined(); // an upload is its reader's to check
  });

  it.each([
    ['22021', true],
    ['22P05', true],
    ['23505', false],
    ['57P01', false],
  ])('PostgreSQL error %s counts as unstorable text: %s', (code, yes) => {
    expect(isUnstorableTextError(withCode(code))).toBe(yes);
  });

  it('reaches the client as a 400 when it gets past the input checks', async () => {
    const store = await freshStore('sqlite');
    const app = await buildServer({ store, mailer: null });
    // outside /api: the sign-in hook guards /api routes only
    app.get('/test/nul', async () => {
      throw withCode('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
    });
    const res = await app.inject({ method: 'GET', url: '/test/nul' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_input', message: expect.stringMatching(/cannot store/) },
    });
    await app.close();
    await store.drop();
  });
});
