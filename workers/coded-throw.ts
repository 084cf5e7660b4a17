/**
 * Errors thrown by the worker's API keep their code on the way to the page. Comlink sends a
 * thrown Error as its message, name and stack only; this handler adds the code (errors.ts, as
 * error-report.ts reads it), and comlink's own receiving side copies every field onto the Error
 * it rethrows in the page, where src/ui/error-text.ts reads `code`.
 */
import * as Comlink from 'comlink';
import { errorCodeOf } from '../src/peer/error-report.ts';

export function sendErrorCodes(): void {
  const base = Comlink.transferHandlers.get('throw')!;
  Comlink.transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize(thrown: unknown) {
      const { value } = thrown as { value: unknown };
      if (!(value instanceof Error)) return base.serialize(thrown);
      return [{ isError: true, value: { message: value.message, name: value.name, stack: value.stack, code: errorCodeOf(value) } }, []];
    },
    deserialize: base.deserialize,
  });
}
