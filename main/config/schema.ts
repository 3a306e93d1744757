import { z } from 'zod';

const name = z.string().trim().min(1, 'must not be empty').max(100);
const httpUrl = z
  .string()
  .url('must be a URL such as http://127.0.0.1:9090')
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://');
const ms = z.number().int().positive();

/** A secret is given inline (browser mode, tests) or by reference to the host's secret store. */
export const secretSchema = z.union([
  z.string().min(1),
  z.object({ secretRef: z.string().min(1) }).strict(),
]);
export type SecretValue = z.infer<typeof secretSchema>;

export const connectionSchema = z
  .object({
    name,
    url: httpUrl,
    timeoutMs: ms.max(120_000).optional(),
    intervalMs: ms.min(250).max(3_600_000).optional(),
    basicAuth: z.object({ username: z.string(), password: secretSchema }).strict().optional(),
    bearerToken: secretSchema.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    tls: z
      .object({
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        insecureSkipVerify: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Explicit proxy URL; "env" takes http_proxy/https_proxy/no_proxy; absent means direct. */
    proxy: z.union([httpUrl, z.literal('env')]).optional(),
  })
  .strict();
export type ConnectionConfig = z.infer<typeof connectionSchema>;

export const elasticsearchSchema = connectionSchema
  .extend({
    index: z.string().min(1).default('logs-*'),
    flavor: z.enum(['auto', 'elasticsearch', 'opensearch']).default('auto'),
    timestampField: z.string().default('@timestamp'),
  })
  .strict();

export const healthCheckSchema = z
  .object({
    name,
    url: httpUrl,
    expectStatus: z.number().int().min(100).max(599).default(200),
    intervalMs: ms.min(1000).optional(),
    timeoutMs: ms.optional(),
  })
  .strict();

const thresholdPair = z
  .object({ warning: z.number(), critical: z.number() })
  .strict()
  .refine((t) => t.critical >= t.warning, 'critical must be at least warning');

export const thresholdsSchema = z
  .object({
    cpu: thresholdPair.default({ warning: 80, critical: 95 }),
    memory: thresholdPair.default({ warning: 85, critical: 95 }),
    disk: thresholdPair.default({ warning: 80, critical: 90 }),
  })
  .strict();

/**
 * Who each escalation level pages: the runbook's matrix (Level 1 on-call engineer … Level 4 CTO +
 * executive team) with this installation's names, handles and phone numbers. Levels left out keep
 * the runbook's title and no contacts; a title or contacts left out of a level are taken from the
 * next source down (environment → global → <dataDir>/escalation-matrix.json → runbook).
 */
export const escalationLevelSchema = z
  .object({
    level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], { message: 'must be 1, 2, 3 or 4' }),
    title: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    contacts: z.array(z.string().trim().min(1, 'must not be empty').max(200)).max(50).optional(),
  })
  .strict();

export const escalationSchema = z
  .object({ levels: z.array(escalationLevelSchema).min(1, 'needs at least one level').max(4) })
  .strict()
  .superRefine((e, ctx) => {
    const seen = new Set<number>();
    e.levels.forEach((l, i) => {
      if (seen.has(l.level)) ctx.addIssue({ code: 'custom', path: ['levels', i, 'level'], message: `level ${l.level} is given twice` });
      seen.add(l.level);
    });
  });
export type EscalationConfig = z.infer<typeof escalationSchema>;

export const environmentSchema = z
  .object({
    name,
    prometheus: z.array(connectionSchema).default([]),
    alertmanager: z.array(connectionSchema).default([]),
    elasticsearch: z.array(elasticsearchSchema).default([]),
    healthChecks: z.array(healthCheckSchema).default([]),
    thresholds: thresholdsSchema.default({
      cpu: { warning: 80, critical: 95 },
      memory: { warning: 85, critical: 95 },
      disk: { warning: 80, critical: 90 },
    }),
    /** PromQL per tile metric; defaults are the runbooks' node_exporter expressions. */
    queries: z.record(z.string(), z.string()).optional(),
    /** This environment's escalation contacts (over the global `escalation`, level by level). */
    escalation: escalationSchema.optional(),
  })
  .strict()
  .superRefine((env, ctx) => {
    for (const kind of ['prometheus', 'alertmanager', 'elasticsearch', 'healthChecks'] as const) {
      const seen = new Set<string>();
      env[kind].forEach((s, i) => {
        if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [kind, i, 'name'], message: `duplicate name "${s.name}"` });
        seen.add(s.name);
      });
    }
  });
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

export const pollingSchema = z
  .object({
    prometheusMs: ms.min(250).default(15_000),
    alertmanagerMs: ms.min(250).default(10_000),
    elasticsearchMs: ms.min(250).default(30_000),
    sparklineMs: ms.min(1000).default(60_000),
    timeoutMs: ms.max(120_000).default(10_000),
  })
  .strict();

export const notificationsSchema = z
  .object({
    severities: z.array(z.string()).default(['critical']),
    cooldownMs: ms.default(5 * 60_000),
    sound: z.boolean().default(false),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    environments: z.array(environmentSchema).min(1, 'needs at least one environment'),
    defaultEnvironment: z.string().optional(),
    user: z.string().trim().min(1).max(100).default('ops-console'),
    ackDurationMs: ms.default(15 * 60_000),
    polling: pollingSchema.default({
      prometheusMs: 15_000,
      alertmanagerMs: 10_000,
      elasticsearchMs: 30_000,
      sparklineMs: 60_000,
      timeoutMs: 10_000,
    }),
    notifications: notificationsSchema.default({ severities: ['critical'], cooldownMs: 300_000, sound: false }),
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    /** Escalation contacts for every environment (over <dataDir>/escalation-matrix.json, level by level). */
    escalation: escalationSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.environments.forEach((e, i) => {
      if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: ['environments', i, 'name'], message: `duplicate environment "${e.name}"` });
      seen.add(e.name);
    });
    if (cfg.defaultEnvironment && !seen.has(cfg.defaultEnvironment)) {
      ctx.addIssue({ code: 'custom', path: ['defaultEnvironment'], message: `no environment named "${cfg.defaultEnvironment}"` });
    }
  });
export type ConsoleConfig = z.infer<typeof configSchema>;
export type ConsoleConfigInput = z.input<typeof configSchema>;
