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
const OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d;
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
