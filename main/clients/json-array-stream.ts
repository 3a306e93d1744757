/**
 * Reads a JSON array answer element by element as its bytes arrive, so a 20 MB Alertmanager answer is
 * never held as one buffer plus one string plus one parsed array at the same time: each network chunk's
 * complete elements are parsed at once (one JSON.parse per chunk) and handed on, and the bytes are dropped.
 *
 * The splitter only finds where top-level elements end (a ',' or the closing ']' outside any string, at
 * nesting depth 0); JSON.parse itself checks every element, so malformed input still gets JSON.parse's own
 * error text. Elements are split only at ASCII bytes, so a multi-byte UTF-8 character is never cut.
 * EnvelopedArrayReader does the same for an array inside an envelope (a Prometheus range answer).
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

/**
 * The outcome of a whole answer: either it was an array (streamed; `rest`, with `keepRest`, is the text after its
 * closing ']') or this is the parsed non-array value.
 */
export type StreamEnd = { kind: 'array'; count: number; rest?: string } | { kind: 'other'; value: unknown };

/** Something that reads an answer's bytes as they arrive (HttpClient.jsonStream); throws JsonSyntaxError for malformed JSON. */
export interface JsonStreamReader<T> {
  push(chunk: Uint8Array): void;
  end(): T;
}

export interface SplitterOptions {
  /** Keep the bytes after the closing ']' (returned by end() as `rest`) instead of rejecting them: for an array inside an envelope. */
  keepRest?: boolean;
}

export class JsonArraySplitter implements JsonStreamReader<StreamEnd> {
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
  /** With keepRest: the bytes after the closing ']'. */
  private rest: Uint8Array[] = [];
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(
    private readonly onItems: (items: unknown[]) => void,
    private readonly options: SplitterOptions = {},
  ) {}

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
      } else if (mode === Mode.Done) {
        if (this.options.keepRest) {
          this.rest.push(chunk.subarray(i));
          break;
        }
        if (!isSpace(b)) throw this.syntaxError('Unexpected non-whitespace character after JSON', chunk, i);
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
      return { kind: 'other', value: parseJson(text) };
    }
    if (this.mode === Mode.Start) throw new JsonSyntaxError('Unexpected end of JSON input', '');
    if (this.mode !== Mode.Done) {
      const rest = this.decoder.decode(concat(this.carry));
      throw new JsonSyntaxError(`Unexpected end of JSON input (the array is not closed after ${this.count} elements)`, rest.slice(0, 120));
    }
    if (!this.options.keepRest) return { kind: 'array', count: this.count };
    return { kind: 'array', count: this.count, rest: this.decoder.decode(concat(this.rest)) };
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

/** JSON.parse, its error a JsonSyntaxError with the text's first characters. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new JsonSyntaxError((err as Error).message, text.slice(0, 120));
  }
}

/** The outcome of an enveloped answer: the envelope (with an empty array in the array's place) or the answer parsed whole. */
export type EnvelopeEnd = { kind: 'array'; count: number; envelope: unknown } | { kind: 'other'; value: unknown };

/**
 * Reads an array that follows a fixed envelope prefix (e.g. `{"status":"success","data":{"result":[`), its
 * elements handed on per chunk as JsonArraySplitter does, so only the open element and the envelope are held.
 * The prefix is given as JSON tokens (ASCII, the last one '['), matched byte for byte with whitespace allowed
 * between them. At the end the envelope is parsed with an empty array in the array's place, for the caller to
 * check. An answer that does not begin with the prefix is held and parsed whole at the end, as any other answer.
 */
export class EnvelopedArrayReader implements JsonStreamReader<EnvelopeEnd> {
  private readonly tokens: Uint8Array[];
  /** The prefix token being matched and how many of its bytes matched. */
  private token = 0;
  private at = 0;
  /** While the prefix is being matched: the bytes so far; once it did not match: the whole answer. */
  private held: Uint8Array[] = [];
  private prefixFailed = false;
  private prefixText = '';
  private splitter: JsonArraySplitter | undefined;

  constructor(
    prefixTokens: readonly string[],
    private readonly onItems: (items: unknown[]) => void,
  ) {
    this.tokens = prefixTokens.map((t) => Buffer.from(t, 'latin1'));
  }

  push(chunk: Uint8Array): void {
    if (this.splitter) return this.splitter.push(chunk);
    const open = this.prefixFailed ? -1 : this.matchPrefix(chunk);
    if (open < 0) {
      this.held.push(chunk);
      return;
    }
    this.prefixText = Buffer.concat([...this.held, chunk.subarray(0, open + 1)]).toString('latin1');
    this.held = [];
    this.splitter = new JsonArraySplitter(this.onItems, { keepRest: true });
    this.splitter.push(chunk.subarray(open));
  }

  end(): EnvelopeEnd {
    if (!this.splitter) {
      // Not the expected shape (or cut short inside the prefix): parsed whole, as JSON.parse would.
      const text = new TextDecoder().decode(concat(this.held));
      this.held = [];
      return { kind: 'other', value: parseJson(text) };
    }
    // The splitter was handed the array from its '[', so the answer is an array.
    const end = this.splitter.end() as Extract<StreamEnd, { kind: 'array' }>;
    return { kind: 'array', count: end.count, envelope: parseJson(`${this.prefixText}]${end.rest ?? ''}`) };
  }

  /** The index of the '[' that completes the prefix in this chunk, or -1 (not yet, or never: prefixFailed). */
  private matchPrefix(chunk: Uint8Array): number {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.at === 0 && isSpace(b)) continue;
      if (b !== this.tokens[this.token]![this.at]) {
        this.prefixFailed = true;
        return -1;
      }
      if (++this.at === this.tokens[this.token]!.length) {
        this.at = 0;
        if (++this.token === this.tokens.length) return i;
      }
    }
    return -1;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts);
}
