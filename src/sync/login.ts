/**
 * The login card (http.c http_build_login_card, xfer.c check_login/check_tail_hash,
 * sha1.c sha1_shared_secret):
 *   login USER NONCE SIGNATURE     always the first line of the card text
 *   NONCE     = hex SHA1 of every byte after that line (SHA3-256 when 64 digits long)
 *   secret    = the password itself when it is 40 hex digits, else SHA1(projectcode/login/password)
 *   SIGNATURE = hex SHA1(NONCE + secret), both as hex text
 */
import { concat, toHex, utf8 } from '../fossil/bytes.ts';
import { hashBytes } from '../fossil/hash.ts';
import { platform } from '../platform/platform.ts';
import { CardWriter } from './card-writer.ts';
import type { LoginCard } from './card-types.ts';

export interface LoginCredentials {
  user: string;
  /** Cleartext password, or the 40-hex shared secret itself. */
  password: string;
  /** Project code of the repository being synced (what the server announced). */
  projectCode: string;
}

const sha1Hex = (s: string): string => platform().sha1(utf8(s));

/** SHA1(projectCode/login/password) in hex: what `fossil user new/password` stores in user.pw. */
export function sharedSecret(password: string, login: string, projectCode: string): string {
  return sha1Hex(`${projectCode}/${login}/${password}`);
}

/** The secret a client signs with: a 40-hex password is taken as already being the secret. */
export function loginSecret(password: string, login: string, projectCode: string): string {
  return /^[0-9a-fA-F]{40}$/.test(password) ? password : sharedSecret(password, login, projectCode);
}

/** The nonce of a payload: SHA1 (or SHA3-256, by the length asked for) of its bytes. */
export function payloadNonce(payload: Uint8Array, length: 40 | 64 = 40): string {
  return hashBytes(payload, length === 40 ? 'sha1' : 'sha3');
}

/** The `login …\n` line that signs this payload. */
export function buildLoginCard(payload: Uint8Array, creds: LoginCredentials): Uint8Array {
  const nonce = payloadNonce(payload);
  const signature = sha1Hex(nonce + loginSecret(creds.password, creds.user, creds.projectCode));
  return new CardWriter().login(creds.user, nonce, signature).finish();
}

/** The whole card text: the login line, then the payload it signs. */
export function signPayload(payload: Uint8Array, creds: LoginCredentials): Uint8Array {
  return concat([buildLoginCard(payload, creds), payload]);
}

/**
 * Text for the comment a client ends every payload with (`# <40 uppercase hex>`), so no two
 * payloads, and hence no two nonces, are ever the same.
 */
export function randomNonceSalt(): string {
  return toHex(platform().randomBytes(20)).toUpperCase();
}

/** The bytes a login card's nonce covers: everything after its line. */
export function loginTail(message: Uint8Array, card: LoginCard): Uint8Array {
  return message.subarray(card.tailOffset);
}

/** Compare two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Does this login card carry a valid signature of payloadBytes for the user whose `user.pw` is
 * storedPw? Both stored forms work, as upstream checks them: the signature is first tried
 * against storedPw as the secret (the 40-hex shared secret `fossil user` stores), then, when
 * storedPw is not 40 characters (a cleartext password, like the one `fossil init` prints),
 * against the shared secret derived from it with this login and project code.
 */
export function verifyLoginCard(
  card: LoginCard,
  payloadBytes: Uint8Array,
  storedPw: string,
  login: string,
  projectCode: string,
): boolean {
  if (card.nonce.length !== 40 && card.nonce.length !== 64) return false;
  if (!constantTimeEqual(payloadNonce(payloadBytes, card.nonce.length), card.nonce)) return false;
  if (storedPw === '') return false;
  if (constantTimeEqual(sha1Hex(card.nonce + storedPw), card.signature)) return true;
  if (utf8(storedPw).length === 40) return false;
  return constantTimeEqual(sha1Hex(card.nonce + sharedSecret(storedPw, login, projectCode)), card.signature);
}
