/**
 * Secret scrubbing for everything that leaves the console as a file (JSON export, HTML report).
 *
 * The rule
 * --------
 * A string is scrubbed of anything that looks like a credential; the secret part is replaced, the
 * context ("Authorization: Bearer", "token=") is kept so a reader sees that something was there:
 *
 * 1. HTTP auth: `Authorization: <scheme> <credentials>` / `Proxy-Authorization: …` (header style,
 *    `:` or `=`), and a bare `Bearer <token>` / `Basic <token>` anywhere.
 * 2. `name=value`, `name: value`, `"name": "value"` (query strings, headers, log fields, JSON in log
 *    lines) when the name is a secret name: password / passwd / pwd / pass, secret, token (also
 *    access_token, id_token, X-Auth-Token, …), api_key / apikey, access_key, private_key, auth,
 *    authorization, credential(s), session / sessionid, cookie, set-cookie, sig / signature,
 *    client_secret, X-Amz-Signature / X-Amz-Credential / X-Amz-Security-Token.
 * 3. The password in URL user-info: `https://user:secret@host` → `https://user:******@host`.
 * 4. Well-known token shapes wherever they appear: JWTs (`eyJ….eyJ….…`), GitHub tokens (`ghp_…`,
 *    `github_pat_…`), Slack tokens (`xox?-…`), AWS access key ids (`AKIA…`/`ASIA…`), and PEM
 *    private-key blocks.
 * 5. In string maps (alert labels and annotations, log fields, entry data), a value whose KEY is a
 *    secret name (rule 2's names) is replaced whole.
 *
 * The replacement is `[REDACTED]` when the secret is at least as long, else as many `*` as the
 * secret had characters: scrubbing never makes a string longer (so a scrubbed record still fits
 * its schema's limits) and scrubbing twice changes nothing (idempotent). It errs on the side of
 * hiding: "the password: reset" loses "reset". Field names, enums, ids and times are not touched.
 */

const MARK = '[REDACTED]';

function redact(secret: string): string {
  return secret.length >= MARK.length ? MARK : '*'.repeat(secret.length);
}

/** Names whose values are secrets (rule 2 and 5). Matched case-insensitively as a whole name or a suffix after `_`, `-`, `.`. */
const SECRET_NAME =
  '(?:[A-Za-z0-9]+[_.-])*(?:pass|passwd|password|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|authorization|credentials?|session|sessionid|cookie|set-cookie|sig|signature|client[_-]?secret|x-amz-signature|x-amz-credential|x-amz-security-token)';
const SCHEMES = 'bearer|basic|digest|token|negotiate|apikey|aws4-hmac-sha256';
const SECRET_NAME_RE = new RegExp(`^${SECRET_NAME}$`, 'i');

export function isSecretName(name: string): boolean {
  return SECRET_NAME_RE.test(name);
}

type Rule = [RegExp, (match: string, ...groups: string[]) => string];

const RULES: Rule[] = [
  // 4. PEM private keys first: their bodies contain "=" and "+" that other rules would nibble at.
  [
    /(-----BEGIN [A-Z ]*PRIVATE KEY-----)([\s\S]*?)(-----END [A-Z ]*PRIVATE KEY-----)/g,
    (_m, begin = '', body = '', end = '') => `${begin}${redact(body)}${end}`,
  ],
  // 3. user:password@ in URLs.
  [
    /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:@/?#]+):([^\s@/?#]+)@/gi,
    (_m, scheme = '', user = '', pass = '') => `${scheme}${user}:${redact(pass)}@`,
  ],
  // 1 + 2. name=value, name: value, "name": "value", "Authorization: Bearer value" (the scheme word is kept).
  [
    new RegExp(
      `(^|[^A-Za-z0-9_.-])(${SECRET_NAME})(["']?[ \\t]*[:=][ \\t]*)("?(?:${SCHEMES})[ \\t]+)?(\\[REDACTED\\]|"[^"\\n]*"?|'[^'\\n]*'?|[^\\s"'&,;}\\]]+)`,
      'gi',
    ),
    (_m, pre = '', name = '', sep = '', scheme = '', value = '') => {
      if (value === MARK) return `${pre}${name}${sep}${scheme}${value}`;
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      const closed = quote !== '' && value.length > 1 && value.endsWith(quote);
      const inner = quote ? value.slice(1, closed ? -1 : undefined) : value;
      return `${pre}${name}${sep}${scheme}${quote}${redact(inner)}${closed ? quote : ''}`;
    },
  ],
  // 1. A bare "Bearer <token>" anywhere.
  [/\b(bearer|basic)(\s+)([A-Za-z0-9._~+/-]{8,}=*)/gi, (_m, scheme = '', space = '', cred = '') => `${scheme}${space}${redact(cred)}`],
  // 4. Token shapes.
  [/\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, (m) => redact(m)],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, (m) => redact(m)],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, (m) => redact(m)],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, (m) => redact(m)],
];

/** Scrubs one string (rules 1-4). Never longer than the input; scrubText(scrubText(s)) === scrubText(s). */
export function scrubText(text: string): string {
  let out = text;
  // Rules can expose one another's matches; repeat until nothing changes (bounded, each pass only shrinks or keeps).
  for (let pass = 0; pass < 4; pass++) {
    let next = out;
    for (const [re, fn] of RULES) next = next.replace(re, fn as (substring: string, ...args: unknown[]) => string);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Keys whose string values are structural (ids, enums, times), never scrubbed. */
const STRUCTURAL_KEYS = new Set([
  'id',
  'kind',
  'severity',
  'status',
  'format',
  'templateId',
  'entryId',
  'incidentId',
  'fingerprint',
  'startsAt',
  'exportedAt',
  'state',
  'level',
  'time',
  'audiences',
]);

/** Maps (labels, annotations, fields, data) whose keys are data, not structure: rule 5 applies. */
const MAP_KEYS = new Set(['labels', 'annotations', 'fields', 'data']);

/**
 * Deep-copies a JSON-like value with every free-text string scrubbed (rules 1-5). Structural
 * fields (ids, enums, times) are kept as they are.
 */
export function scrubDeep<T>(value: T): T {
  return walk(value, false) as T;
}

function walk(value: unknown, inMap: boolean): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, false));
  if (value === null || typeof value !== 'object') return value;
  // Object.fromEntries keeps any key (even "__proto__") as plain data.
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]): [string, unknown] => {
      if (inMap) return [key, typeof v === 'string' && isSecretName(key) ? redact(v) : walk(v, false)];
      if (STRUCTURAL_KEYS.has(key) && typeof v === 'string') return [key, v];
      return [key, walk(v, MAP_KEYS.has(key))];
    }),
  );
}
