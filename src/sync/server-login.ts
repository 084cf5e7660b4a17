/**
 * Checking a `login` card on the server (xfer.c check_tail_hash, check_login): the nonce must be
 * the hash of everything after the card, and the signature must be made with the user's
 * password in either stored form. `nobody` and `anonymous` log in without a password and gain
 * nothing; the four built-in logins cannot log in with a password.
 */
import type { Db } from '../db/db.ts';
import type { LoginCard } from './card-types.ts';
import { loginTail, payloadNonce, constantTimeEqual, verifyLoginCard } from './login.ts';

const PASSWORDLESS = new Set(['nobody', 'anonymous']);
const BUILT_IN = new Set(['anonymous', 'nobody', 'developer', 'reader']);

export type LoginResult = { ok: false } | { ok: true; uid?: number; login: string; caps: string };

export function checkLogin(db: Db, message: Uint8Array, card: LoginCard, projectCode: string): LoginResult {
  const tail = loginTail(message, card);
  if (card.nonce.length !== 40 && card.nonce.length !== 64) return { ok: false };
  if (!constantTimeEqual(payloadNonce(tail, card.nonce.length), card.nonce)) return { ok: false };
  if (PASSWORDLESS.has(card.user)) return { ok: true, login: card.user, caps: '' };
  if (BUILT_IN.has(card.user)) return { ok: false };
  const row = db.get<{ uid: number; pw: unknown; cap: unknown }>(
    'SELECT uid, pw, cap FROM user WHERE login=? AND length(pw)>0',
    card.user,
  );
  if (!row || typeof row.pw !== 'string') return { ok: false };
  if (!verifyLoginCard(card, tail, row.pw, card.user, projectCode)) return { ok: false };
  return { ok: true, uid: row.uid, login: card.user, caps: typeof row.cap === 'string' ? row.cap : '' };
}
