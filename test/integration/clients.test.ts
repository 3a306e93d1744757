/**
 * The HTTP, Prometheus and Alertmanager clients against REAL servers (test/support/real-servers.ts):
 * answers are compared with independent raw fetches, errors carry the servers' own text, and every
 * SourceError kind is produced by a real failure (refused connection, silent server, self-signed TLS,
 * HTTP 401 from Prometheus' own basic auth). Small local helpers stand in only for network pieces that are
 * not Prometheus/Alertmanager: a server that never answers, a header-capturing reverse proxy, a forward proxy.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AlertmanagerClient } from '../../main/clients/alertmanager';
import { createHttpClient, type HttpClient } from '../../main/clients/http';
import { PrometheusClient, parseMatrix, parseVector } from '../../main/clients/prometheus';
import { SourceError } from '../../main/clients/source-error';
import type { ConnectionConfig } from '../../main/config/schema';
import { getFreePort } from '../support/free-port';
import { startAlertmanager, startPrometheus, stopAll, waitUntil, type RunningServer } from '../support/real-servers';

// bcrypt (cost 4, so Prometheus checks it quickly) of PASSWORD, made with Python's crypt.crypt(..., METHOD_BLOWFISH).
const USER = 'ops';
const PASSWORD = 'ops-console-test';
const PASSWORD_BCRYPT = '$2b$04$eb3njqblbyP.tA05Qi6dW.OzDxhwufGjTX/I45AZmkBlN6LZoWZzS';

let prom: RunningServer;
let secureProm: RunningServer;
let am: RunningServer;
let tmp: string;
let certFile: string;
const clients: HttpClient[] = [];
const closers: (() => Promise<void>)[] = [];

function client(cfg: Partial<ConnectionConfig> & { url: string }): HttpClient {
  const c = createHttpClient({ name: 'test', ...cfg });
  clients.push(c);
  return c;
}

async function rejectsWithSourceError(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SourceError, `expected a SourceError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

async function rawJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}

/** Accepts TCP connections and never answers. */
async function startSilentServer(): Promise<string> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  return `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
}

/** Plain HTTP reverse proxy in front of `target` that records the request headers it sees. */
async function startHeaderRecorder(target: string): Promise<{ url: string; seen: http.IncomingHttpHeaders[] }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const t = new URL(target);
  const srv = http.createServer((req, res) => {
    seen.push(req.headers);
    const upstream = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => res.writeHead(502).end(e.message));
    req.pipe(upstream);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`, seen };
}

/** Forward proxy: CONNECT tunnels and absolute-form requests; counts both. */
async function startForwardProxy(): Promise<{ url: string; connects: string[]; forwards: string[] }> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const tunnels = new Set<net.Socket>();
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/');
    forwards.push(u.toString());
    const upstream = http.request({ host: u.hostname, port: u.port, method: req.method, path: u.pathname + u.search, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (e) => res.writeHead(502).end(e.message));
    req.pipe(upstream);
  });
  srv.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    tunnels.add(socket).add(up);
    const drop = (): void => {
      socket.destroy();
      up.destroy();
    };
    up.on('error', drop);
    socket.on('error', drop);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    for (const s of tunnels) s.destroy();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`, connects, forwards };
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ops-console-clients-test-'));
  certFile = path.join(tmp, 'cert.pem');
  const keyFile = path.join(tmp, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'pipe' },
  );
  [prom, am, secureProm] = await Promise.all([
    startPrometheus(),
    startAlertmanager(),
    startPrometheus({
      scrapeConfigs: [],
      webConfig: { tls: { certFile, keyFile }, basicAuthUsers: { [USER]: PASSWORD_BCRYPT } },
      probeBasicAuth: { username: USER, password: PASSWORD },
    }),
  ]);
});

after(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(closers.map((c) => c()));
  await stopAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('PrometheusClient against a real Prometheus', () => {
  test('instant and range queries equal an independent raw fetch', async () => {
    const p = new PrometheusClient(client({ url: prom.url }));
    await waitUntil('Prometheus to scrape itself', async () => (await p.query('up{job="prometheus"} == 1')).length === 1, 15_000);
    // A fixed evaluation time after the first scrape, so both reads see the same samples.
    const t = Number((Date.now() / 1000).toFixed(3));
    for (const q of ['up{job="prometheus"}', 'count by (job) (prometheus_build_info)', 'vector(42)']) {
      const mine = await p.query(q, { time: t });
      const raw = await rawJson(`${prom.url}/api/v1/query?${new URLSearchParams({ query: q, time: String(t) })}`);
      const data = (raw.body as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data;
      assert.equal(raw.status, 200);
      assert.ok(mine.length > 0, `${q} returned nothing`);
      assert.deepEqual(
        mine,
        data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) })),
        q,
      );
    }
    const end = Math.floor(Date.now() / 1000);
    const range = await p.queryRange('up{job="prometheus"}', end - 5, end, 1);
    const rawRange = await rawJson(`${prom.url}/api/v1/query_range?${new URLSearchParams({ query: 'up{job="prometheus"}', start: String(end - 5), end: String(end), step: '1' })}`);
    const rr = (rawRange.body as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } }).data.result;
    assert.deepEqual(
      range,
      rr.map((r) => ({ metric: r.metric, points: r.values.map(([ts, v]) => [ts, Number(v)]) })),
    );
  });

  test('bad PromQL is HTTP 400 with Prometheus’ own error text', async () => {
    const p = new PrometheusClient(client({ url: prom.url }));
    const err = await rejectsWithSourceError(p.query('sum(rate(up[1m])'));
    const raw = await rawJson(`${prom.url}/api/v1/query?${new URLSearchParams({ query: 'sum(rate(up[1m])' })}`);
    const serverText = (raw.body as { error: string }).error;
    assert.equal(raw.status, 400);
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 400);
    assert.ok(serverText.length > 0);
    assert.ok(err.message.includes(serverText), `"${err.message}" should contain "${serverText}"`);
    assert.match(err.message, /parse error/);
  });
});

describe('Prometheus answers: the fast path and the schema agree', () => {
  const vector = { status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'a:9100', job: 'node' }, value: [1700000000.5, '12.5'] }, { metric: {}, value: [1700000000.5, 'NaN'] }] } };
  const matrix = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { instance: 'a:9100' }, values: [[1700000000, '1'], [1700000030, '+Inf']] }] } };

  test('well-formed answers give the same values as before (labels, NaN, +Inf)', () => {
    assert.deepEqual(parseVector(vector), [
      { metric: { instance: 'a:9100', job: 'node' }, value: 12.5 },
      { metric: {}, value: NaN },
    ]);
    assert.deepEqual(parseMatrix(matrix), [{ metric: { instance: 'a:9100' }, points: [[1700000000, 1], [1700000030, Infinity]] }]);
  });

  test('malformed answers still fail with a parse error naming the field', () => {
    const badLabel = structuredClone(vector) as { data: { result: { metric: Record<string, unknown> }[] } };
    badLabel.data.result[0]!.metric.job = 7;
    const badValue = structuredClone(matrix) as { data: { result: { values: unknown[] }[] } };
    badValue.data.result[0]!.values[1] = [1700000030, 2];
    const wrongType = { status: 'success', data: { resultType: 'matrix', result: [] } };
    for (const [what, fn, field] of [
      ['label not a string', () => parseVector(badLabel), /metric/],
      ['value not a string', () => parseMatrix(badValue), /values/],
      ['matrix where a vector was expected', () => parseVector(wrongType), /resultType/],
    ] as const) {
      assert.throws(fn, (e: unknown) => e instanceof SourceError && e.kind === 'parse' && field.test(e.message), what);
    }
  });
});

describe('AlertmanagerClient against a real Alertmanager', () => {
  test('post alerts, read them back, silence, list and expire the silence', async () => {
    const a = new AlertmanagerClient(client({ url: am.url }));
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    await a.postAlerts([
      {
        labels: { alertname: 'ClientsTestAlert', instance: 'server-001:9100', severity: 'warning', team: 'infrastructure' },
        annotations: { summary: 'client test', runbook_url: 'https://runbooks.example.com/x' },
        startsAt,
        endsAt,
        generatorURL: 'http://prometheus.example/graph',
      },
      { labels: { alertname: 'ClientsTestAlert', instance: 'server-002:9100', severity: 'critical', team: 'infrastructure' }, startsAt, endsAt },
    ]);
    const alerts = await a.alerts({ filter: ['alertname="ClientsTestAlert"'] });
    assert.equal(alerts.length, 2);
    const one = alerts.find((x) => x.labels.instance === 'server-001:9100');
    assert.ok(one);
    assert.equal(one.labels.severity, 'warning');
    assert.equal(one.annotations.summary, 'client test');
    assert.equal(one.status.state, 'active');
    assert.equal(one.generatorURL, 'http://prometheus.example/graph');
    const raw = await rawJson(`${am.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="ClientsTestAlert"')}`);
    assert.deepEqual(new Set((raw.body as { fingerprint: string }[]).map((x) => x.fingerprint)), new Set(alerts.map((x) => x.fingerprint)));

    const id = await a.postSilence({
      matchers: [
        { name: 'alertname', value: 'ClientsTestAlert', isRegex: false, isEqual: true },
        { name: 'instance', value: 'server-00[1]:9100', isRegex: true, isEqual: true },
      ],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 600_000).toISOString(),
      createdBy: 'clients.test',
      comment: 'integration test silence',
    });
    assert.match(id, /^[0-9a-f-]{36}$/);
    const listed = (await a.silences()).find((s) => s.id === id);
    assert.ok(listed, 'new silence is listed');
    assert.equal(listed.status.state, 'active');
    assert.equal(listed.createdBy, 'clients.test');
    assert.equal(listed.matchers.length, 2);

    const silenced = await waitUntil('the alert to be silenced', async () =>
      (await a.alerts({ filter: ['alertname="ClientsTestAlert"'] })).find((x) => x.labels.instance === 'server-001:9100' && x.status.state === 'suppressed'),
    );
    assert.deepEqual(silenced.status.silencedBy, [id]);
    const other = (await a.alerts({ filter: ['alertname="ClientsTestAlert"'] })).find((x) => x.labels.instance === 'server-002:9100');
    assert.equal(other?.status.state, 'active');
    assert.equal((await a.alerts({ filter: ['alertname="ClientsTestAlert"'], silenced: false })).length, 1);

    await a.expireSilence(id);
    const expired = (await a.silences()).find((s) => s.id === id);
    assert.equal(expired?.status.state, 'expired');
    await waitUntil('the alert to be active again', async () =>
      (await a.alerts({ filter: ['alertname="ClientsTestAlert"'] })).every((x) => x.status.state === 'active'),
    );
  });

  test('bad silences are rejected with Alertmanager’s own text', async () => {
    const a = new AlertmanagerClient(client({ url: am.url }));
    const later = new Date(Date.now() + 600_000).toISOString();
    const now = new Date().toISOString();
    const backwards = { matchers: [{ name: 'alertname', value: 'X', isRegex: false, isEqual: true }], startsAt: later, endsAt: now, createdBy: 't', comment: 'endsAt before startsAt' };
    const err = await rejectsWithSourceError(a.postSilence(backwards));
    const raw = await rawJson(`${am.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(backwards) });
    assert.equal(raw.status, 400);
    assert.equal(err.kind, 'http');
    assert.equal(err.status, 400);
    assert.equal(typeof raw.body, 'string');
    assert.ok(err.message.includes(raw.body as string), `"${err.message}" should contain "${String(raw.body)}"`);
    assert.match(err.message, /start time must be before end time/);

    // Empty matchers fail Alertmanager's OpenAPI validation: 422 (not 400) with its own message.
    const empty = { matchers: [], startsAt: now, endsAt: later, createdBy: 't', comment: 'no matchers' };
    const err2 = await rejectsWithSourceError(a.postSilence(empty));
    const raw2 = await rawJson(`${am.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(empty) });
    const msg2 = (raw2.body as { message: string }).message;
    assert.equal(err2.kind, 'http');
    assert.equal(err2.status, raw2.status);
    assert.ok(err2.status === 400 || err2.status === 422, `status ${err2.status}`);
    assert.ok(err2.message.includes(msg2), `"${err2.message}" should contain "${msg2}"`);
    assert.match(err2.message, /matchers/);
  });

  test('status of a single replica', async () => {
    const s = await new AlertmanagerClient(client({ url: am.url })).status();
    assert.equal(s.cluster.status, 'disabled');
    assert.ok(s.versionInfo?.version);
  });
});

describe('transport failures map to SourceError kinds', () => {
  test('connection refused is kind "network" with the ECONNREFUSED text', async () => {
    const port = await getFreePort();
    const err = await rejectsWithSourceError(new PrometheusClient(client({ url: `http://127.0.0.1:${port}` })).query('up'));
    assert.equal(err.kind, 'network');
    assert.match(err.message, /ECONNREFUSED/);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  test('a server that never answers is kind "timeout"', async () => {
    const url = await startSilentServer();
    const started = Date.now();
    const err = await rejectsWithSourceError(new PrometheusClient(client({ url, timeoutMs: 400 })).query('up'));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /400 ms/);
    assert.ok(Date.now() - started < 5_000, 'the timeout fires on time');
  });

  test('self-signed TLS is kind "tls"; trusting the CA file succeeds', async () => {
    const noCa = await rejectsWithSourceError(new PrometheusClient(client({ url: secureProm.url, basicAuth: { username: USER, password: PASSWORD } })).query('vector(1)'));
    assert.equal(noCa.kind, 'tls');
    assert.match(noCa.message, /self[- ]signed|certificate/i);

    const ok = await new PrometheusClient(client({ url: secureProm.url, tls: { caFile: certFile }, basicAuth: { username: USER, password: PASSWORD } })).query('vector(1)');
    assert.deepEqual(ok, [{ metric: {}, value: 1 }]);

    const skip = await new PrometheusClient(client({ url: secureProm.url, tls: { insecureSkipVerify: true }, basicAuth: { username: USER, password: PASSWORD } })).query('vector(2)');
    assert.deepEqual(skip, [{ metric: {}, value: 2 }]);
  });

  test('HTTP 401 from Prometheus’ own basic auth is kind "auth"', async () => {
    const none = await rejectsWithSourceError(new PrometheusClient(client({ url: secureProm.url, tls: { caFile: certFile } })).query('vector(1)'));
    assert.equal(none.kind, 'auth');
    assert.equal(none.status, 401);
    assert.match(none.message, /HTTP 401/);
    const wrong = await rejectsWithSourceError(
      new PrometheusClient(client({ url: secureProm.url, tls: { caFile: certFile }, basicAuth: { username: USER, password: 'wrong' } })).query('vector(1)'),
    );
    assert.equal(wrong.kind, 'auth');
    assert.equal(wrong.status, 401);
  });

  test('bearer token and custom headers are sent', async () => {
    const rec = await startHeaderRecorder(prom.url);
    const res = await new PrometheusClient(client({ url: rec.url, bearerToken: 'tok-123', headers: { 'X-Scope-OrgID': 'tenant-7' } })).query('vector(3)');
    assert.deepEqual(res, [{ metric: {}, value: 3 }]);
    const h = rec.seen.at(-1);
    assert.equal(h?.authorization, 'Bearer tok-123');
    assert.equal(h?.['x-scope-orgid'], 'tenant-7');
    assert.equal(h?.['content-type'], 'application/x-www-form-urlencoded');

    await new PrometheusClient(client({ url: rec.url, basicAuth: { username: 'u', password: 'p w' } })).query('vector(4)');
    assert.equal(rec.seen.at(-1)?.authorization, `Basic ${Buffer.from('u:p w').toString('base64')}`);
  });

  test('an explicit HTTP proxy carries the requests (http and https targets)', async () => {
    const proxy = await startForwardProxy();
    const res = await new PrometheusClient(client({ url: prom.url, proxy: proxy.url })).query('vector(5)');
    assert.deepEqual(res, [{ metric: {}, value: 5 }]);
    const viaProxy = proxy.connects.length + proxy.forwards.length;
    assert.ok(viaProxy >= 1, 'the request went through the proxy');
    assert.ok([...proxy.connects, ...proxy.forwards].some((t) => t.includes(`127.0.0.1:${prom.port}`)));

    const before = proxy.connects.length;
    const secure = await new PrometheusClient(
      client({ url: secureProm.url, proxy: proxy.url, tls: { caFile: certFile }, basicAuth: { username: USER, password: PASSWORD } }),
    ).query('vector(6)');
    assert.deepEqual(secure, [{ metric: {}, value: 6 }]);
    assert.equal(proxy.connects.length, before + 1, 'https goes through a CONNECT tunnel');
    assert.equal(proxy.connects.at(-1), `127.0.0.1:${secureProm.port}`);

    const deadProxy = `http://127.0.0.1:${await getFreePort()}`;
    const err = await rejectsWithSourceError(new PrometheusClient(client({ url: prom.url, proxy: deadProxy })).query('vector(7)'));
    assert.equal(err.kind, 'network');
  });
});
