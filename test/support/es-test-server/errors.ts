/** Error bodies shaped like Elasticsearch's / OpenSearch's REST layer. */
import { EsHttpError, ShardFailure } from './types';

type Cause = Record<string, unknown> & { type: string; reason: string };

export function errorBody(status: number, cause: Cause, rootCauses: Cause[] = [stripCausedBy(cause)]): { error: Record<string, unknown>; status: number } {
  return { error: { root_cause: rootCauses, ...cause }, status };
}

function stripCausedBy(c: Cause): Cause {
  const { caused_by: _ignored, ...rest } = c;
  return rest as Cause;
}

export function httpError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): EsHttpError {
  return new EsHttpError(status, errorBody(status, { type, reason, ...extra }));
}

export function indexNotFound(name: string): EsHttpError {
  const cause: Cause = {
    type: 'index_not_found_exception',
    reason: `no such index [${name}]`,
    'resource.type': 'index_or_alias',
    'resource.id': name,
    index_uuid: '_na_',
    index: name,
  };
  return new EsHttpError(404, errorBody(404, cause));
}

export function illegalArgument(reason: string): EsHttpError {
  return httpError(400, 'illegal_argument_exception', reason);
}

export function validationFailed(...messages: string[]): EsHttpError {
  const reason = `Validation Failed: ${messages.map((m, i) => `${i + 1}: ${m};`).join('')}`;
  return httpError(400, 'action_request_validation_exception', reason);
}

export function parsingException(reason: string): EsHttpError {
  return httpError(400, 'parsing_exception', reason, { line: 1, col: 1 });
}

export function noHandler(path: string, method: string): EsHttpError {
  return new EsHttpError(400, { error: `no handler found for uri [${path}] and method [${method}]`, status: 400 });
}

/** Wraps a per-shard failure the way the coordinating node reports "all shards failed". */
export function allShardsFailed(f: ShardFailure, index: string): EsHttpError {
  const shardReason: Cause = { type: f.type, reason: f.reason, index_uuid: 'tEsTsErVeRuUiD0000000a', index };
  if (f.causedBy) shardReason.caused_by = f.causedBy;
  const root: Cause = { type: f.type, reason: f.reason, index_uuid: 'tEsTsErVeRuUiD0000000a', index };
  const body = errorBody(
    f.status,
    {
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: 0, index, node: 'tEsTnOdE0000000000000a', reason: shardReason }],
      caused_by: f.causedBy ? { type: f.type, reason: f.reason, caused_by: f.causedBy } : { type: f.type, reason: f.reason },
    },
    [root],
  );
  return new EsHttpError(f.status, body);
}

export function searchContextMissing(id: string): EsHttpError {
  const cause: Cause = { type: 'search_context_missing_exception', reason: `No search context found for id [${id}]` };
  return new EsHttpError(
    404,
    errorBody(404, {
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      phase: 'query',
      grouped: true,
      failed_shards: [{ shard: -1, index: null, reason: cause }],
      caused_by: cause,
    }, [cause]),
  );
}

export function resultWindowTooLarge(total: number, max: number): ShardFailure {
  return new ShardFailure(
    'illegal_argument_exception',
    `Result window is too large, from + size must be less than or equal to: [${max}] but was [${total}]. ` +
      'See the scroll api for a more efficient way to request large data sets. ' +
      'This limit can be set by changing the [index.max_result_window] index level setting.',
  );
}

export function fielddataDisabled(field: string): ShardFailure {
  return new ShardFailure(
    'illegal_argument_exception',
    'Text fields are not optimised for operations that require per-document field data like aggregations and sorting, ' +
      'so these operations are disabled by default. Please use a keyword field instead. ' +
      `Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. ` +
      'Note that this can use significant memory.',
  );
}
