/**
 * Reads a JSON array answer element by element as its bytes arrive, so a 20 MB Alertmanager answer is
 * never held as one buffer plus one string plus one parsed array at the same time: each network chunk's
 * complete elements are parsed at once (one JSON.parse per chunk) and handed on, and the bytes are dropped.
 *
 * The splitter only finds where top-level elements end (a ',' or the closing ']' outside any string, at
 * nesting depth 0); JSON.parse itself checks every element, so malformed input still gets JSON.parse's own
 * error text. Elements are split only at ASCII bytes, so a multi-byte UTF-8 character is never cut.
 */

const enum Mode {
  /** Before the opening '[' (whitespace and a byte-order mark allowed). */
  Start,
  /** Inside the array, between elements. */
  Between,
  /** Inside an element. */
  Element,
  /** After the closing ']'. */
  Done,
  /** The answer is not an array: collected whole and parsed at the end. */
  NotArray,
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, COMMA = 0x2c, QUOTE = 0x22, BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, COLON = 0x3a;
const BOM = [0xef, 0xbb, 0xbf];
const isSpace = (b: number): boolean => b === SPACE || b === LF || b === CR || b === TAB;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** The first characters of the text that failed, for the error shown to the user. */
    readonly head: string,
  ) {
    super(message);
  }
}

/** The outcome of a whole answer: either it was an array (streamed) or this is the parsed non-array value. */
export type StreamEnd = { kind: 'array'; count: number } | { kind: 'other'; value: unknown };

export class JsonArraySplitter {
  private mode = Mode.Start;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** In Between: an element and its comma came last, so another element must follow. */
  private afterComma = false;
  private bomSkipped = 0;
  /** Bytes of the element(s) begun in earlier chunks and not yet parsed. */
  private carry: Uint8Array[] = [];
  private count = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly onItems: (items: unknown[]) => void) {}

  push(chunk: Uint8Array): void {
    if (this.mode === Mode.NotArray) {
      this.carry.push(chunk);
      return;
    }
    let segStart = this.carry.length > 0 ? 0 : -1; // where this chunk's unparsed elements begin
    let lastEnd = -1; // end (exclusive) of the last complete element in this chunk
    let mode = this.mode;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let afterComma = this.afterComma;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (mode === Mode.Element) {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
        } else if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && depth > 0) depth--;
        else if (depth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
          lastEnd = i;
          mode = b === COMMA ? Mode.Between : Mode.Done;
          afterComma = b === COMMA;
        } else if (b === CLOSE_BRACE) {
          // An unmatched '}': end the element here so that JSON.parse reports it in its own words.
          lastEnd = i + 1;
          mode = Mode.Between;
        }
      } else if (mode === Mode.Between) {
        if (b === CLOSE_BRACKET && !afterComma) mode = Mode.Done; // "[]"
        else if (b === COMMA || b === CLOSE_BRACKET) throw this.syntaxError(`Unexpected token '${String.fromCharCode(b)}'`, chunk, i);
        else if (!isSpace(b)) {
          mode = Mode.Element;
          if (segStart < 0) segStart = i;
          i--; // this byte belongs to the element
        }
      } else if (mode === Mode.Start) {
        if (this.bomSkipped < 3 && b === BOM[this.bomSkipped]) this.bomSkipped++;
        else if (b === OPEN_BRACKET) mode = Mode.Between;
        else if (!isSpace(b)) {
          // Not an array: keep everything from here and parse it whole at the end.
          this.mode = Mode.NotArray;
          this.carry = [chunk.subarray(i)];
          return;
        }
      } else if (mode === Mode.Done && !isSpace(b)) {
        throw this.syntaxError('Unexpected non-whitespace character after JSON', chunk, i);
      }
    }
    this.mode = mode;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.afterComma = afterComma;
    if (lastEnd >= 0) {
      const parts = this.carry.length > 0 ? [...this.carry, chunk.subarray(0, lastEnd)] : [chunk.subarray(segStart, lastEnd)];
      this.carry = [];
      this.flush(parts);
    }
    if (mode === Mode.Element) {
      // The element still open at the end of this chunk: from its start (or the whole chunk if it began earlier).
      const open = lastEnd >= 0 ? this.openElementStart(chunk, lastEnd) : Math.max(segStart, 0);
      this.carry.push(open === 0 ? chunk : chunk.subarray(open));
    }
  }

  /** Ends the answer; throws a JsonSyntaxError when it is cut short or malformed. */
  end(): StreamEnd {
    if (this.mode === Mode.NotArray) {
      const text = this.decoder.decode(concat(this.carry));
      this.carry = [];
      try {
        return { kind: 'other', value: JSON.parse(text) as unknown };
      } catch (err) {
        throw new JsonSyntaxError((err as Error).message, text.slice(0, 120));
      }
    }
    if (this.mode === Mode.Start) throw new JsonSyntaxError('Unexpected end of JSON input', '');
    if (this.mode !== Mode.Done) {
      const rest = this.decoder.decode(concat(this.carry));
      throw new JsonSyntaxError(`Unexpected end of JSON input (the array is not closed after ${this.count} elements)`, rest.slice(0, 120));
    }
    return { kind: 'array', count: this.count };
  }

  /** Where the element after `lastEnd` starts (the first byte that is neither space nor comma). */
  private openElementStart(chunk: Uint8Array, lastEnd: number): number {
    let i = lastEnd + 1;
    while (i < chunk.length && (isSpace(chunk[i]!) || chunk[i] === COMMA)) i++;
    return i;
  }

  private flush(parts: Uint8Array[]): void {
    const text = this.decoder.decode(concat(parts));
    let items: unknown[];
    try {
      items = JSON.parse(`[${text}]`) as unknown[];
    } catch (err) {
      throw new JsonSyntaxError((err as Error).message, text.slice(0, 120));
    }
    this.count += items.length;
    this.onItems(items);
  }

  private syntaxError(message: string, chunk: Uint8Array, at: number): JsonSyntaxError {
    return new JsonSyntaxError(`${message} (after ${this.count} elements)`, this.decoder.decode(chunk.subarray(Math.max(0, at - 40), at + 80)));
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts);
}

/** The outcome of a whole answer read by a JsonNestedArraySplitter. */
export type NestedStreamEnd =
  /** The array at the path was streamed (`count` elements); `value` is the rest of the answer, with `[]` in its place. */
  | { found: true; count: number; value: unknown }
  /** No array at the path: `value` is the whole answer, as JSON.parse gives it; nothing was streamed. */
  | { found: false; value: unknown };

const STREAM_NONE = 0, STREAM_DESCEND = 1, STREAM_HERE = 2;
/** `},{`: where two objects of an array meet in compact JSON. */
const ELEMENT_BOUNDARY = Buffer.from('},{');

/**
 * Reads a JSON answer whose big array sits inside objects — Elasticsearch's `{ …, "hits": { …, "hits": [ … ] } }`
 * — element by element as its bytes arrive: the array at `path` (object keys from the root) is split as
 * JsonArraySplitter does (each chunk's complete elements parsed with one JSON.parse and handed on); everything
 * around it (the "envelope") is kept as bytes and parsed once at the end, with `[]` where the array was.
 *
 * What it agrees with: for any text, either JSON.parse(text) fails and so does this (a JsonSyntaxError), or the
 * streamed elements put at `path` into `end().value` give exactly JSON.parse(text) (`found: true`), or nothing was
 * streamed and `value` is JSON.parse(text) (`found: false`: no array at the path). One exception to the
 * agreement: a key of the path repeated after the streamed array (JSON.parse keeps the last) is a
 * JsonSyntaxError naming the duplicate key, since the elements handed on are no longer the answer's.
 * Keys are compared as JSON.parse reads them (escapes included); only the first array at the path streams.
 */
export class JsonNestedArraySplitter {
  /** Container kinds from the root: true = object. */
  private readonly stack: boolean[] = [];
  /** How many containers from the root lie on the path (the root object, its `path[0]` object, …). */
  private onPath = 0;
  private started = false;
  private bomSkipped = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  /** After a ':' until the value's first byte. */
  private valueNext = false;
  private pending = STREAM_NONE;
  /** Bytes of an object key on the path, while it is read (null: not captured). */
  private key: number[] | null = null;
  private keyTooLong = false;
  private readonly maxKeyBytes: number;
  private streaming = false;
  private streamed = false;
  private duplicate: string | null = null;
  // The array being streamed (as JsonArraySplitter's Between / Element modes).
  private inElement = false;
  private elDepth = 0;
  private afterComma = false;
  private open = true;
  private carry: Uint8Array[] = [];
  private count = 0;
  private envelope: Uint8Array[] = [];
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(
    private readonly path: readonly string[],
    private readonly onItems: (items: unknown[]) => void,
  ) {
    if (path.length === 0) throw new RangeError('the path names at least one key');
    // "\uXXXX" is the longest way to write one UTF-16 unit in a key.
    this.maxKeyBytes = 6 * Math.max(...path.map((k) => k.length)) + 8;
  }

  push(input: Uint8Array): void {
    let chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.streaming && (this.carry.length > 0 || !this.inElement)) {
      // Fast split: most of an answer is complete elements; where the last `},{` of the chunk is really the
      // boundary between two elements, one JSON.parse of everything before it proves it (a `},{` inside a string
      // or a nested array leaves that text unparseable), and no byte of it needs scanning here. Only the rest of
      // the chunk goes through the byte scanner below.
      const k = chunk.lastIndexOf(ELEMENT_BOUNDARY);
      if (k >= 0) {
        // Decoded piecewise (no copy of the chunk into one buffer); `stream` keeps a character cut between pieces whole.
        let text = '';
        for (const part of this.carry) text += this.decoder.decode(part, { stream: true });
        text += this.decoder.decode(chunk.subarray(0, k + 1));
        let items: unknown[] | null = null;
        try {
          items = JSON.parse(`[${text}]`) as unknown[];
        } catch {
          // not a boundary (or the answer is malformed): the byte scanner decides
        }
        if (items !== null) {
          this.carry = [];
          this.count += items.length;
          this.onItems(items);
          // Just after the ',' between two elements.
          this.inElement = false;
          this.afterComma = true;
          this.inString = false;
          this.escaped = false;
          this.elDepth = 0;
          this.seen += k + 2;
          chunk = chunk.subarray(k + 2);
        }
      }
    }
    const n = chunk.length;
    let envStart = this.streaming ? -1 : 0;
    let segStart = this.streaming && this.carry.length > 0 ? 0 : -1;
    let lastEnd = -1;
    let i = 0;
    while (i < n) {
      if (this.streaming) {
        // ---- inside the array at the path ----
        const b = chunk[i]!;
        if (this.inElement) {
          if (this.inString) {
            i = this.skipString(chunk, i, null);
            continue;
          }
          if (b === QUOTE) this.inString = true;
          else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.elDepth++;
          else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && this.elDepth > 0) this.elDepth--;
          else if (this.elDepth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
            lastEnd = i;
            this.inElement = false;
            this.afterComma = b === COMMA;
            if (b === CLOSE_BRACKET) {
              this.endArray(chunk, segStart, lastEnd);
              segStart = -1;
              lastEnd = -1;
              envStart = i; // the ']' belongs to the envelope
            }
          } else if (b === CLOSE_BRACE) throw this.syntaxError("Unexpected token '}'", chunk, i);
        } else if (b === CLOSE_BRACKET && !this.afterComma) {
          this.endArray(chunk, segStart, lastEnd);
          segStart = -1;
          lastEnd = -1;
          envStart = i;
        } else if (b === COMMA || b === CLOSE_BRACKET) throw this.syntaxError(`Unexpected token '${String.fromCharCode(b)}'`, chunk, i);
        else if (!isSpace(b)) {
          this.inElement = true;
          this.elDepth = 0;
          if (segStart < 0) segStart = i;
          continue; // this byte belongs to the element
        }
        i++;
        continue;
      }
      // ---- the envelope ----
      if (this.inString) {
        i = this.skipString(chunk, i, this.key);
        if (!this.inString && this.key !== null) this.keyEnded();
        continue;
      }
      const b = chunk[i]!;
      if (!this.started) {
        // A byte-order mark at the very start is dropped (undici's body.text() drops it too).
        if (this.bomSkipped < 3 && b === BOM[this.bomSkipped] && this.seen + i === this.bomSkipped) {
          this.bomSkipped++;
          envStart = i + 1;
          i++;
          continue;
        }
        if (this.bomSkipped > 0 && this.bomSkipped < 3) throw this.syntaxError('Unexpected token in JSON at position 0 (a cut byte-order mark)', chunk, i);
        if (!isSpace(b)) this.started = true;
      }
      if (isSpace(b)) {
        i++;
        continue;
      }
      const pending = this.valueNext ? this.pending : STREAM_NONE;
      this.valueNext = false;
      this.pending = STREAM_NONE;
      const top = this.stack.length > 0 ? this.stack[this.stack.length - 1] : undefined;
      if (b === QUOTE) {
        this.inString = true;
        if (top === true && this.expectKey) {
          this.expectKey = false;
          if (this.stack.length === this.onPath && this.onPath <= this.path.length) {
            this.key = [];
            this.keyTooLong = false;
          }
        }
      } else if (b === OPEN_BRACE) {
        this.stack.push(true);
        this.expectKey = true;
        if (this.stack.length === 1 || pending === STREAM_DESCEND) this.onPath = this.stack.length;
      } else if (b === OPEN_BRACKET) {
        if (pending === STREAM_HERE) {
          this.streaming = true;
          this.streamed = true;
          this.inElement = false;
          this.afterComma = false;
          this.envelope.push(chunk.subarray(envStart, i + 1));
          envStart = -1;
        } else this.stack.push(false);
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.stack.pop();
        if (this.onPath > this.stack.length) this.onPath = this.stack.length;
        this.expectKey = false;
      } else if (b === COMMA) {
        this.expectKey = top === true;
      } else if (b === COLON) {
        this.valueNext = true;
        this.pending = pending === STREAM_NONE ? this.pendingKey : pending;
        this.pendingKey = STREAM_NONE;
      }
      i++;
    }
    if (this.streaming) {
      if (lastEnd >= 0) {
        const parts = this.carry.length > 0 ? [...this.carry, chunk.subarray(0, lastEnd)] : [chunk.subarray(segStart, lastEnd)];
        this.carry = [];
        this.flush(parts);
      }
      if (this.inElement) {
        let open = lastEnd >= 0 ? lastEnd + 1 : Math.max(segStart, 0);
        if (lastEnd >= 0) while (open < n && (isSpace(chunk[open]!) || chunk[open] === COMMA)) open++;
        this.carry.push(open === 0 ? chunk : chunk.subarray(open));
      }
    } else if (envStart >= 0 && envStart < n) this.envelope.push(chunk.subarray(envStart));
    this.seen += n;
  }

  /** Bytes read before this chunk. */
  private seen = 0;

  /** The key just read, compared with the path's key at this depth. */
  private pendingKey = STREAM_NONE;

  private keyEnded(): void {
    const bytes = this.key as number[];
    this.key = null;
    this.pendingKey = STREAM_NONE;
    if (this.keyTooLong) return;
    let name: string;
    const raw = Buffer.from(bytes);
    if (raw.includes(BACKSLASH)) {
      try {
        name = JSON.parse(`"${this.decoder.decode(raw)}"`) as string;
      } catch {
        return; // not a valid key: JSON.parse of the envelope reports it
      }
    } else name = this.decoder.decode(raw);
    const depth = this.stack.length;
    if (name !== this.path[depth - 1]) return;
    if (this.streamed) {
      this.duplicate = name;
      return;
    }
    this.pendingKey = depth === this.path.length ? STREAM_HERE : STREAM_DESCEND;
  }

  /** From `i` inside a string: to just after its closing quote (inString cleared) or to the chunk's end. Key bytes are collected into `key`. */
  private skipString(chunk: Buffer, i: number, key: number[] | null): number {
    const n = chunk.length;
    if (this.escaped) {
      this.escaped = false;
      if (key !== null) this.keyByte(key, chunk[i]!);
      i++;
    }
    for (;;) {
      const q = i < n ? chunk.indexOf(QUOTE, i) : -1;
      const end = q < 0 ? n : q;
      // Backslashes just before `end` (not before `i`: the state at `i` is "not escaped").
      let k = end - 1;
      while (k >= i && chunk[k] === BACKSLASH) k--;
      const odd = ((end - 1 - k) & 1) === 1;
      if (key !== null) for (let j = i; j < end; j++) this.keyByte(key, chunk[j]!);
      if (q < 0) {
        this.escaped = odd;
        return n;
      }
      if (odd) {
        if (key !== null) this.keyByte(key, QUOTE);
        i = q + 1;
        continue;
      }
      this.inString = false;
      return q + 1;
    }
  }

  private keyByte(key: number[], b: number): void {
    if (key.length >= this.maxKeyBytes) this.keyTooLong = true;
    else key.push(b);
  }

  private endArray(chunk: Buffer, segStart: number, lastEnd: number): void {
    if (lastEnd >= 0) {
      const parts = this.carry.length > 0 ? [...this.carry, chunk.subarray(0, lastEnd)] : [chunk.subarray(segStart, lastEnd)];
      this.carry = [];
      this.flush(parts);
    }
    this.streaming = false;
    this.open = false;
  }

  /** Ends the answer; throws a JsonSyntaxError when it is cut short or malformed. */
  end(): NestedStreamEnd {
    if (this.streaming) {
      const rest = this.decoder.decode(concat(this.carry));
      throw new JsonSyntaxError(`Unexpected end of JSON input (the array is not closed after ${this.count} elements)`, rest.slice(0, 120));
    }
    const text = this.decoder.decode(concat(this.envelope.length > 0 ? this.envelope : [new Uint8Array(0)]));
    this.envelope = [];
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (err) {
      throw new JsonSyntaxError((err as Error).message, text.slice(0, 120));
    }
    if (this.duplicate !== null) throw new JsonSyntaxError(`duplicate key "${this.duplicate}" after the streamed array at ${this.path.join('.')}`, text.slice(0, 120));
    return this.streamed && !this.open ? { found: true, count: this.count, value } : { found: false, value };
  }

  private flush(parts: Uint8Array[]): void {
    const text = this.decoder.decode(concat(parts));
    let items: unknown[];
    try {
      items = JSON.parse(`[${text}]`) as unknown[];
    } catch (err) {
      throw new JsonSyntaxError((err as Error).message, text.slice(0, 120));
    }
    this.count += items.length;
    this.onItems(items);
  }

  private syntaxError(message: string, chunk: Uint8Array, at: number): JsonSyntaxError {
    return new JsonSyntaxError(`${message} (after ${this.count} elements)`, this.decoder.decode(chunk.subarray(Math.max(0, at - 40), at + 80)));
  }
}
