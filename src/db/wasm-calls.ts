/**
 * Binding, stepping and reading a prepared statement of sqlite-wasm through SQLite's own C
 * functions (the module's wasm exports), with the values the oo1 API would give.
 *
 * oo1 wraps every call: each bound string is copied into a fresh allocation of the wasm heap,
 * each column read goes through argument checks and type conversions, each blob is copied twice.
 * On a clone's crosslinking, millions of small statements, that glue cost more than SQLite
 * itself. Here a string or blob is written into one reused scratch area and bound as
 * SQLITE_TRANSIENT (SQLite copies it, as it would anyway), and columns are read straight off the
 * heap. Errors are raised by oo1's own check, so they are the errors oo1 raises.
 */
import type { SqlValue } from './db.ts';
import type { Sqlite3 } from './sqlite-wasm.ts';

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_INTEGER = 1;
const SQLITE_FLOAT = 2;
const SQLITE_TEXT = 3;
const SQLITE_BLOB = 4;
const SQLITE_TRANSIENT = -1;
/** The largest value bound through the shared scratch area. */
const SCRATCH_MAX = 1024 * 1024;

/** The C functions used, as the wasm module exports them (pointers are numbers, int64 BigInts). */
interface Exports {
  sqlite3_bind_null(stmt: number, i: number): number;
  sqlite3_bind_int(stmt: number, i: number, v: number): number;
  sqlite3_bind_int64(stmt: number, i: number, v: bigint): number;
  sqlite3_bind_double(stmt: number, i: number, v: number): number;
  sqlite3_bind_text(stmt: number, i: number, p: number, n: number, destructor: number): number;
  sqlite3_bind_blob(stmt: number, i: number, p: number, n: number, destructor: number): number;
  sqlite3_bind_parameter_count(stmt: number): number;
  sqlite3_clear_bindings(stmt: number): number;
  sqlite3_step(stmt: number): number;
  sqlite3_reset(stmt: number): number;
  sqlite3_column_count(stmt: number): number;
  sqlite3_column_type(stmt: number, i: number): number;
  sqlite3_column_double(stmt: number, i: number): number;
  sqlite3_column_int64(stmt: number, i: number): bigint;
  sqlite3_column_text(stmt: number, i: number): number;
  sqlite3_column_blob(stmt: number, i: number): number;
  sqlite3_column_bytes(stmt: number, i: number): number;
  sqlite3_column_name(stmt: number, i: number): number;
}

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();

export class WasmCalls {
  private readonly x: Exports;
  private scratch = 0;
  private scratchBytes = 0;

  constructor(
    private readonly sqlite3: Sqlite3,
    /** Throws oo1's error for a result code (the connection's message). */
    private readonly check: (rc: number) => void,
  ) {
    this.x = sqlite3.wasm.exports as unknown as Exports;
  }

  /**
   * Write a value's bytes into the wasm heap, bind them with `bindAt(pointer, length)` (which
   * copies them), and free what was only for this value. Values up to SCRATCH_MAX share one
   * scratch area; a larger one (a big blob) gets its own, so the heap does not keep its size.
   */
  private withBytes(maxBytes: number, write: (heap: Uint8Array) => number, bindAt: (p: number, n: number) => number): number {
    const wasm = this.sqlite3.wasm;
    if (maxBytes > SCRATCH_MAX) {
      const p = wasm.alloc(maxBytes) as unknown as number;
      try {
        return bindAt(p, write(wasm.heap8u().subarray(p, p + maxBytes)));
      } finally {
        wasm.dealloc(p as never);
      }
    }
    if (maxBytes > this.scratchBytes) {
      if (this.scratch) wasm.dealloc(this.scratch as never);
      this.scratch = 0;
      const size = Math.min(SCRATCH_MAX, Math.max(maxBytes, 4096, this.scratchBytes * 2));
      this.scratch = wasm.alloc(size) as unknown as number;
      this.scratchBytes = size;
    }
    const p = this.scratch;
    return bindAt(p, write(wasm.heap8u().subarray(p, p + maxBytes)));
  }

  /** Clear the statement's bindings and bind params to ?1, ?2, ... as oo1's bind would. */
  bind(stmt: number, params: readonly SqlValue[]): void {
    const x = this.x;
    x.sqlite3_clear_bindings(stmt);
    if (params.length === 0) return;
    const slots = x.sqlite3_bind_parameter_count(stmt);
    if (params.length > slots) throw new RangeError(`${params.length} values bound to a statement with ${slots} parameters`);
    for (let i = 0; i < params.length; i++) {
      const v = params[i] as unknown;
      const at = i + 1;
      let rc: number;
      if (v === null || v === undefined) rc = x.sqlite3_bind_null(stmt, at);
      else if (typeof v === 'number') {
        if ((v | 0) === v) rc = x.sqlite3_bind_int(stmt, at, v);
        else if (Number.isInteger(v)) rc = x.sqlite3_bind_int64(stmt, at, BigInt(v));
        else rc = x.sqlite3_bind_double(stmt, at, v);
      } else if (typeof v === 'string') {
        // UTF-8 takes at most three bytes per UTF-16 code unit.
        rc = this.withBytes(
          v.length * 3 + 1,
          (heap) => toUtf8.encodeInto(v, heap).written,
          (p, n) => x.sqlite3_bind_text(stmt, at, p, n, SQLITE_TRANSIENT),
        );
      } else if (typeof v === 'bigint') {
        if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new RangeError(`BigInt value is too big to store without precision loss: ${v}`);
        rc = x.sqlite3_bind_int64(stmt, at, v);
      } else if (typeof v === 'boolean') rc = x.sqlite3_bind_int(stmt, at, v ? 1 : 0);
      else if (v instanceof Uint8Array) {
        rc = this.withBytes(
          v.length || 1,
          (heap) => (heap.set(v), v.length),
          (p, n) => x.sqlite3_bind_blob(stmt, at, p, n, SQLITE_TRANSIENT),
        );
      } else throw new TypeError(`cannot bind a ${Object.prototype.toString.call(v)} to an SQL parameter`);
      if (rc) this.check(rc);
    }
  }

  /** One step: true when a row is ready. */
  step(stmt: number): boolean {
    const rc = this.x.sqlite3_step(stmt);
    if (rc === SQLITE_ROW) return true;
    if (rc === SQLITE_DONE) return false;
    this.check(rc);
    return false;
  }

  reset(stmt: number): void {
    const rc = this.x.sqlite3_reset(stmt);
    if (rc) this.check(rc);
  }

  columnCount(stmt: number): number {
    return this.x.sqlite3_column_count(stmt);
  }

  columnNames(stmt: number): string[] {
    const names: string[] = [];
    for (let i = 0, n = this.x.sqlite3_column_count(stmt); i < n; i++) {
      names.push(this.sqlite3.wasm.cstrToJs(this.x.sqlite3_column_name(stmt, i) as never) as string);
    }
    return names;
  }

  /** Column i of the current row: integers as numbers when they fit exactly, else BigInt. */
  column(stmt: number, i: number): SqlValue {
    const x = this.x;
    switch (x.sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER: {
        // Exact for every integer a double holds exactly; only larger ones need the BigInt.
        // (A double outside the safe range comes from an integer outside it.)
        const d = x.sqlite3_column_double(stmt, i);
        return d <= Number.MAX_SAFE_INTEGER && d >= Number.MIN_SAFE_INTEGER ? d : x.sqlite3_column_int64(stmt, i);
      }
      case SQLITE_FLOAT:
        return x.sqlite3_column_double(stmt, i);
      case SQLITE_TEXT: {
        const p = x.sqlite3_column_text(stmt, i);
        const n = x.sqlite3_column_bytes(stmt, i);
        return n === 0 ? '' : utf8.decode(this.sqlite3.wasm.heap8u().subarray(p, p + n));
      }
      case SQLITE_BLOB: {
        const p = x.sqlite3_column_blob(stmt, i);
        const n = x.sqlite3_column_bytes(stmt, i);
        return n === 0 ? new Uint8Array(0) : this.sqlite3.wasm.heap8u().slice(p, p + n);
      }
      default:
        return null;
    }
  }
}
