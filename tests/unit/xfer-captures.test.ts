// Every capture of real fossil 2.21 traffic decodes to the card list of its cards.txt, and the
// card text re-encodes to the same bytes.
import { describe, expect, it } from 'vitest';
import { equalBytes, latin1, toHex } from '../../src/fossil/bytes.ts';
import { CardWriter, readAllCards, type XferCard } from '../../src/sync/cards.ts';
import { decodeBody, encodeBody, type XferContentType } from '../../src/sync/envelope.ts';
import { buildHttpRequest, parseHttpMessage } from '../helpers/http-message.ts';
import { loadCaptures, type Capture, type ExpectedCard } from './xfer-vectors.ts';

/** A parsed card shown the way cards.txt shows it, with its line produced by the writer. */
function render(card: XferCard): ExpectedCard {
  if (card.kind === 'blank') return { line: '<blank>', payloadSize: 0, payloadStart: '' };
  const bytes = new CardWriter().card(card).finish();
  const line = latin1(bytes, 0, bytes.indexOf(0x0a));
  const payload = 'payload' in card ? card.payload : undefined;
  return payload === undefined ? { line } : { line, payloadSize: payload.length, payloadStart: toHex(payload.subarray(0, 6)) };
}

function decodeCapture(c: Capture) {
  const msg = parseHttpMessage(c.raw);
  const contentType = msg.headers.get('content-type')!;
  return { msg, contentType, decoded: decodeBody(msg.body, contentType) };
}

describe('fossil 2.21 captures', () => {
  const captures = loadCaptures();

  it('cover every kind of exchange in the vector set', () => {
    const kinds = new Set(captures.flatMap((c) => c.cards.map((e) => e.line.split(' ')[0])));
    for (const k of ['login', 'pragma', 'clone', 'cfile', 'clone_seqno', 'push', 'pull', 'igot', 'gimme', 'file',
      'reqconfig', 'config', 'error', 'uvigot', 'uvgimme', 'uvfile', '#', '<blank>']) {
      expect(kinds, k).toContain(k);
    }
  });

  for (const c of captures) {
    describe(c.name, () => {
      it('has the start line, content type and card-text size cards.txt records', () => {
        const { msg, contentType, decoded } = decodeCapture(c);
        const start = msg.kind === 'request' ? `${msg.method} ${msg.target} ${msg.version}` : `${msg.version} ${msg.status} ${msg.reason}`;
        expect(start).toBe(c.startLine);
        expect(msg.kind).toBe(c.isRequest ? 'request' : 'response');
        expect(contentType).toBe(c.contentType);
        expect(decoded.text.length).toBe(c.textSize);
        const plainType = contentType !== 'application/x-fossil';
        expect(decoded.compressed).toBe(!plainType && !c.plainFallback);
        expect(decoded.fallback !== undefined).toBe(c.plainFallback);
      });

      it('decodes to the card sequence of cards.txt', () => {
        const cards = readAllCards(decodeCapture(c).decoded.text);
        expect(cards.map(render)).toEqual(c.cards);
      });

      it('re-encodes to the same card text and body', () => {
        const { msg, contentType, decoded } = decodeCapture(c);
        // Upstream's server puts a newline after a cfile payload; replies are rebuilt the same way.
        const writer = new CardWriter({ newlineAfterCfile: !c.isRequest });
        for (const card of readAllCards(decoded.text)) writer.card(card);
        const text = writer.finish();
        expect(equalBytes(text, decoded.text)).toBe(true);
        const body = encodeBody(text, contentType as XferContentType, { level: c.isRequest ? 9 : undefined });
        if (!decoded.compressed) {
          expect(equalBytes(c.plainFallback ? text : body, msg.body)).toBe(true);
        } else {
          expect(body.subarray(0, 4)).toEqual(msg.body.subarray(0, 4));
          expect(equalBytes(decodeBody(body, contentType).text, decoded.text)).toBe(true);
        }
      });

      if (c.isRequest) {
        it('is exactly the request our HTTP framing builds', () => {
          const { msg, contentType } = decodeCapture(c);
          const host = msg.headers.get('host')!;
          const rebuilt = buildHttpRequest({ path: '/', host, contentType, body: msg.body });
          expect(latin1(rebuilt, 0, rebuilt.length - msg.body.length)).toBe(latin1(c.raw, 0, c.raw.length - msg.body.length));
          expect(equalBytes(rebuilt, c.raw)).toBe(true);
        });
      }
    });
  }
});
