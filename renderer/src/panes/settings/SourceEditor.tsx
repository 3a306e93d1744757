import { useState } from 'react';
import type { TestConnectionResult } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { authMode, KIND_LABEL, type AuthMode, type DraftSource, type Secret, type SourceKind } from './draft';

interface Props {
  kind: SourceKind;
  source: DraftSource;
  storedSecrets: Record<string, boolean>;
  onChange(next: DraftSource): void;
  onRemove(): void;
}

function secretPlaceholder(value: Secret | undefined, stored: Record<string, boolean>): string {
  if (value === undefined || typeof value === 'string') return '';
  return stored[value.secretRef] ? 'stored — type to replace' : 'not stored yet — enter it';
}

function secretText(value: Secret | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** One Prometheus / Alertmanager / Elasticsearch source: fields, auth, and "Test connection" with the exact error. */
export function SourceEditor({ kind, source, storedSecrets, onChange, onRemove }: Props) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestConnectionResult | null>(null);
  const mode = authMode(source);
  const label = `${KIND_LABEL[kind]} ${source.name || '(unnamed)'}`;

  const setMode = (m: AuthMode) => {
    const { basicAuth: _b, bearerToken: _t, ...rest } = source;
    if (m === 'basic') onChange({ ...rest, basicAuth: { username: '', password: '' } });
    else if (m === 'bearer') onChange({ ...rest, bearerToken: '' });
    else onChange(rest);
  };

  const test = async () => {
    setTesting(true);
    setResult(null);
    try {
      const { name, url, basicAuth, bearerToken, index } = source;
      const connection: Record<string, unknown> = { name: name || 'test', url };
      if (basicAuth) connection.basicAuth = basicAuth;
      if (bearerToken !== undefined) connection.bearerToken = bearerToken;
      if (kind === 'elasticsearch' && index) connection.index = index;
      setResult(await getBridge().invoke('settings.testConnection', { kind, connection: connection as never }));
    } catch (err) {
      setResult({ ok: false, message: (err as Error).message, latencyMs: null, version: null });
    } finally {
      setTesting(false);
    }
  };

  return (
    <fieldset className="st-source" aria-label={label}>
      <legend>{KIND_LABEL[kind]}</legend>
      <div className="st-grid">
        <label>
          Name
          <input aria-label={`${KIND_LABEL[kind]} name`} value={source.name} maxLength={100} onChange={(e) => onChange({ ...source, name: e.target.value })} />
        </label>
        <label className="st-wide">
          URL
          <input
            aria-label={`${KIND_LABEL[kind]} URL`}
            value={source.url}
            placeholder={kind === 'prometheus' ? 'http://prometheus:9090' : kind === 'alertmanager' ? 'http://alertmanager:9093' : 'http://elasticsearch:9200'}
            maxLength={2048}
            spellCheck={false}
            onChange={(e) => onChange({ ...source, url: e.target.value })}
          />
        </label>
        {kind === 'elasticsearch' && (
          <label>
            Index pattern
            <input aria-label="Index pattern" value={source.index ?? 'logs-*'} onChange={(e) => onChange({ ...source, index: e.target.value })} />
          </label>
        )}
        <label>
          Authentication
          <select aria-label={`${KIND_LABEL[kind]} authentication`} value={mode} onChange={(e) => setMode(e.target.value as AuthMode)}>
            <option value="none">None</option>
            <option value="basic">Basic (user + password)</option>
            <option value="bearer">Bearer token</option>
          </select>
        </label>
        {source.basicAuth && (
          <>
            <label>
              User
              <input aria-label="Basic auth user" value={source.basicAuth.username} autoComplete="off" onChange={(e) => onChange({ ...source, basicAuth: { ...source.basicAuth!, username: e.target.value } })} />
            </label>
            <label>
              Password
              <input
                type="password"
                aria-label="Basic auth password"
                autoComplete="new-password"
                value={secretText(source.basicAuth.password)}
                placeholder={secretPlaceholder(source.basicAuth.password, storedSecrets)}
                onChange={(e) => onChange({ ...source, basicAuth: { ...source.basicAuth!, password: e.target.value } })}
              />
            </label>
          </>
        )}
        {source.bearerToken !== undefined && (
          <label className="st-wide">
            Bearer token
            <input
              type="password"
              aria-label="Bearer token"
              autoComplete="new-password"
              value={secretText(source.bearerToken)}
              placeholder={secretPlaceholder(source.bearerToken, storedSecrets)}
              onChange={(e) => onChange({ ...source, bearerToken: e.target.value })}
            />
          </label>
        )}
      </div>
      <div className="st-row">
        <button type="button" onClick={() => void test()} disabled={testing || !source.url}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="st-danger" onClick={onRemove}>
          Remove
        </button>
        {result && (
          <output role="status" aria-label={`Test result for ${label}`} className={result.ok ? 'st-test st-ok' : 'st-test st-err'}>
            {result.ok ? '✓ ' : '✗ '}
            {result.message}
          </output>
        )}
      </div>
    </fieldset>
  );
}
