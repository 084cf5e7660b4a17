// Login cards: every one in the captures verifies for bob/bobpw (stored either way), wrong
// credentials and tampered payloads fail, and our builder reproduces upstream's cards exactly.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat, latin1, utf8 } from '../../src/fossil/bytes.ts';
import { CardWriter, readAllCards, type LoginCard } from '../../src/sync/cards.ts';
import { decodeBody } from '../../src/sync/envelope.ts';
import { parseHttpMessage } from '../helpers/http-message.ts';
import {
  buildLoginCard,
  constantTimeEqual,
  loginSecret,
  loginTail,
  payloadNonce,
  randomNonceSalt,
  sharedSecret,
  signPayload,
  verifyLoginCard,
} from '../../src/sync/login.ts';
import { loadCaptures } from './xfer-vectors.ts';

function cardText(raw: Uint8Array): Uint8Array {
  const m = parseHttpMessage(raw);
  return decodeBody(m.body, m.headers.get('content-type')!).text;
}

const captures = loadCaptures();

/** The project code the server announced in its clone reply (`push SERVERCODE PROJECTCODE`). */
function projectCode(): string {
  const reply = captures.find((c) => c.name === 'clone/resp-1.bin')!;
  const push = readAllCards(cardText(reply.raw)).find((c) => c.kind === 'push');
  if (push?.kind !== 'push') throw new Error('clone reply has no push card');
  return push.projectCode;
}

const signedRequests = captures
  .filter((c) => c.isRequest)
  .map((c) => {
    const text = cardText(c.raw);
    const cards = readAllCards(text);
    return { name: c.name, text, cards, login: cards.find((k): k is LoginCard => k.kind === 'login') };
  })
  .filter((r) => r.login !== undefined) as { name: string; text: Uint8Array; cards: ReturnType<typeof readAllCards>; login: LoginCard }[];

describe('login cards in the captures', () => {
  const pc = projectCode();

  it('are present in every request after the first clone round', () => {
    expect(pc).toBe('12f95ff3773627f702186e413fc285f8b603da9a');
    expect(signedRequests.length).toBe(captures.filter((c) => c.isRequest).length - 2);
    for (const r of signedRequests) expect(r.cards[0]).toBe(r.login);
  });

  it('use the secret the server stores for bob (spec 3.6b)', () => {
    expect(sharedSecret('bobpw', 'bob', pc)).toMatch(/^b456[0-9a-f]{32}50e8$/);
  });

  for (const r of signedRequests) {
    describe(r.name, () => {
      const tail = loginTail(r.text, r.login);
      it('verifies with the cleartext and with the shared-secret stored password', () => {
        expect(r.login.user).toBe('bob');
        expect(verifyLoginCard(r.login, tail, 'bobpw', 'bob', pc)).toBe(true);
        expect(verifyLoginCard(r.login, tail, sharedSecret('bobpw', 'bob', pc), 'bob', pc)).toBe(true);
      });
      it('fails with a wrong password, user, project or payload', () => {
        expect(verifyLoginCard(r.login, tail, 'bobpx', 'bob', pc)).toBe(false);
        expect(verifyLoginCard(r.login, tail, sharedSecret('bobpx', 'bob', pc), 'bob', pc)).toBe(false);
        expect(verifyLoginCard(r.login, tail, 'bobpw', 'alice', pc)).toBe(false);
        expect(verifyLoginCard(r.login, tail, 'bobpw', 'bob', 'f'.repeat(40))).toBe(false);
        expect(verifyLoginCard(r.login, tail, '', 'bob', pc)).toBe(false);
        const tampered = tail.slice();
        tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1;
        expect(verifyLoginCard(r.login, tampered, 'bobpw', 'bob', pc)).toBe(false);
      });
      it('is rebuilt byte for byte from the payload and the credentials', () => {
        const line = buildLoginCard(tail, { user: 'bob', password: 'bobpw', projectCode: pc });
        expect(latin1(line)).toBe(latin1(r.text, 0, r.login.tailOffset));
        expect(signPayload(tail, { user: 'bob', password: 'bobpw', projectCode: pc })).toEqual(r.text);
        // A password given as the 40-hex secret signs the same way.
        const secret = sharedSecret('bobpw', 'bob', pc);
        expect(buildLoginCard(tail, { user: 'bob', password: secret, projectCode: pc })).toEqual(line);
      });
      it('ends its payload with the random salt comment', () => {
        const last = r.cards[r.cards.length - 1]!;
        expect(last.kind === 'comment' && /^[0-9A-F]{40}$/.test(last.text)).toBe(true);
      });
    });
  }
});

describe('login card construction', () => {
  const creds = { user: 'user with space\\', password: 'pw', projectCode: 'ab'.repeat(20) };
  const payload = new CardWriter().pragma('client-version', '22100', '20230226', '192424').comment(randomNonceSalt()).finish();

  it('fossilizes the user name and verifies after a round trip through the parser', () => {
    const msg = signPayload(payload, creds);
    expect(latin1(msg, 0, msg.indexOf(0x0a))).toMatch(/^login user\\swith\\sspace\\\\ [0-9a-f]{40} [0-9a-f]{40}$/);
    const [login] = readAllCards(msg);
    expect(login?.kind).toBe('login');
    const card = login as LoginCard;
    expect(card.user).toBe(creds.user);
    expect(verifyLoginCard(card, loginTail(msg, card), 'pw', creds.user, creds.projectCode)).toBe(true);
  });

  it('accepts a SHA3-256 nonce, as upstream picks the algorithm by nonce length', () => {
    const nonce = payloadNonce(payload, 64);
    expect(nonce).toMatch(/^[0-9a-f]{64}$/);
    const secret = loginSecret('pw', 'u', creds.projectCode);
    const signature = createHash('sha1').update(nonce + secret).digest('hex');
    const msg = concat([new CardWriter().login('u', nonce, signature).finish(), payload]);
    const card = readAllCards(msg)[0] as LoginCard;
    expect(verifyLoginCard(card, loginTail(msg, card), 'pw', 'u', creds.projectCode)).toBe(true);
    expect(verifyLoginCard({ ...card, nonce: nonce.slice(0, 50) }, loginTail(msg, card), 'pw', 'u', creds.projectCode)).toBe(false);
  });

  it('treats a 40-hex password as the secret itself', () => {
    const hex = 'C'.repeat(40);
    expect(loginSecret(hex, 'u', creds.projectCode)).toBe(hex);
    expect(loginSecret('c'.repeat(39), 'u', creds.projectCode)).toBe(sharedSecret('c'.repeat(39), 'u', creds.projectCode));
  });

  it('salts are 40 uppercase hex digits and differ', () => {
    const a = randomNonceSalt();
    expect(a).toMatch(/^[0-9A-F]{40}$/);
    expect(randomNonceSalt()).not.toBe(a);
  });

  it('compares in constant time only strings of equal length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('hashes user, password and project code as UTF-8', () => {
    const expected = createHash('sha1').update(utf8('pc/jürgen/pä')).digest('hex');
    expect(sharedSecret('pä', 'jürgen', 'pc')).toBe(expected);
  });
});
