// The only reader of process.env: a validated, frozen, typed configuration.
// Every variable is documented in README.md ("Configuration").
import path from 'node:path';
import { z } from 'zod';
import { secretProblems, secretVariables } from './config-secrets.ts';
import { parseReminders, type ReminderRule, reminderProblem } from './reminder-rules.ts';
import type { SmsTemplates } from './sms/kinds.ts';
import { parseSmsEndpoint, parseSmsTemplates, type SmsEndpoint } from './sms/settings.ts';

export type { ReminderRule } from './reminder-rules.ts';

const TRUE_WORDS = ['true', '1', 'yes'];
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => TRUE_WORDS.includes(v));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BASE_URL: z.url().optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('registry'),
  DATA_DIR: z.string().default('./data'),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ...secretVariables,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().default('婚姻登记预约 <no-reply@registry.localhost>'),
  JOBS: z.enum(['inline', 'worker', 'off']).default('inline'),
  TRUST_PROXY: z.string().default('loopback'),
  COOKIE_SECURE: bool.optional(),
  /** Unset: true, except in production. */
  SEED_DEMO: bool.optional(),
  /** A statement, not a switch: the data lives in the embedded engine on purpose (see productionProblems). */
  EMBEDDED_DB: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  REMINDERS: z
    .string()
    .regex(
      /^[a-z0-9_]+:(\d{1,2}@([01]\d|2[0-3]):[0-5]\d|\d{1,5}m)(,[a-z0-9_]+:(\d{1,2}@([01]\d|2[0-3]):[0-5]\d|\d{1,5}m))*$/,
      'a comma-separated list of NAME:DAYS@HH:mm (a clock time some days before) or NAME:MINUTESm (minutes before), e.g. day_before:1@18:00,same_day:0@07:30',
    )
    .default('day_before:1@18:00,same_day:0@07:30')
    .superRefine((spec, ctx) => {
      const problem = reminderProblem(spec);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  SCHEDULE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  RETENTION_DAYS: z.coerce
    .number()
    .int('a whole number of days')
    .min(1, 'at least 1 day')
    .max(3650, 'at most 3650 days')
    .default(180),
  /** Templates read again when their file changed (editing views); compiled once otherwise. */
  VIEWS_RELOAD: bool.optional(),
  /** Unset: GET /metrics answers 404. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMS_PROVIDER: z.enum(['aliyun', 'tencent']).optional(),
  SMS_NOTICES: bool.default(true),
  SMS_ACCESS_KEY_ID: z.string().optional(),
  SMS_ACCESS_KEY_SECRET: z.string().optional(),
  SMS_SIGN_NAME: z
    .string()
    .max(20, 'at most 20 characters')
    .regex(/^[^【】[\]]+$/, 'the name alone, without brackets (the provider adds 【】)')
    .optional(),
  SMS_TEMPLATES: z
    .string()
    .optional()
    .superRefine((spec, ctx) => {
      for (const problem of spec === undefined ? [] : parseSmsTemplates(spec).problems)
        ctx.addIssue({ code: 'custom', message: problem });
    }),
  SMS_REGION: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'a region id such as cn-hangzhou or ap-guangzhou')
    .optional(),
  SMS_ENDPOINT: z
    .string()
    .refine((v) => parseSmsEndpoint(v) !== null, 'host[:port] or http(s)://host[:port]')
    .optional(),
  SMS_SDK_APP_ID: z
    .string()
    .regex(/^\d+$/, 'the SmsSdkAppId of the Tencent Cloud SMS application (digits)')
    .optional(),
});

/** With a provider, what it cannot work without; named in the error like any other bad value. */
function missingSmsSettings(env: Record<string, string | undefined>): string[] {
  const provider = env.SMS_PROVIDER;
  if (provider !== 'aliyun' && provider !== 'tencent') return [];
  const needed = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATES'];
  if (provider === 'tencent') needed.push('SMS_SDK_APP_ID');
  return needed.filter((name) => !env[name]).map((name) => `${name}: required when SMS_PROVIDER=${provider}`);
}

/**
 * Where the data lives must be said once, consistently: EMBEDDED_DB=true with MONGODB_URI, or
 * EMBEDDED_DB=false without it, is a configuration that does not do what its author thinks.
 */
function databaseChoiceProblems(env: Record<string, string | undefined>): string[] {
  if (env.EMBEDDED_DB === undefined || !bool.safeParse(env.EMBEDDED_DB).success) return [];
  const embedded = TRUE_WORDS.includes(env.EMBEDDED_DB);
  if (embedded && env.MONGODB_URI)
    return ['EMBEDDED_DB: true keeps the data in the embedded engine, but MONGODB_URI is set too: unset one'];
  if (!embedded && !env.MONGODB_URI) return ['MONGODB_URI: required when EMBEDDED_DB=false'];
  return [];
}

/**
 * In production the app refuses to start half-configured, rather than run with a generated
 * secret, links to localhost, messages nobody receives, or personal data silently kept in the
 * embedded engine. Each missing variable is named, together with any wrong ones.
 */
function productionProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const required = 'required when NODE_ENV=production';
  const problems: string[] = [];
  if (!env.APP_SECRET)
    problems.push(`APP_SECRET: ${required} (32 or more random characters; rotated with APP_SECRET_PREVIOUS)`);
  if (!env.BASE_URL)
    problems.push(`BASE_URL: ${required} (the public https:// address the links in messages point to)`);
  if (!env.SMTP_URL && !env.SMS_PROVIDER)
    problems.push(
      `SMTP_URL or SMS_PROVIDER: ${required} (a way to send messages; without one they only reach the development outbox)`,
    );
  if (!env.MONGODB_URI && env.EMBEDDED_DB === undefined)
    problems.push(
      `MONGODB_URI: ${required}, or EMBEDDED_DB=true to keep the data in the embedded engine on purpose (one office on one machine)`,
    );
  return problems;
}

const DEFAULT_SMS_REGION = { aliyun: 'cn-hangzhou', tencent: 'ap-guangzhou' } as const;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  mongodbUri: string | undefined;
  mongodbDb: string;
  dataDir: string;
  appSecret: string | undefined;
  /** Earlier APP_SECRET values, newest first: still accepted when verifying, never used to sign. */
  appSecretPrevious: readonly string[];
  /** The key of ID fingerprints; unset, the application secret (never rotated either way). */
  idFingerprintSecret: string | undefined;
  rateLimitPerMinute: number;
  admin: { email: string | undefined; password: string | undefined };
  smtpUrl: string | undefined;
  mailFrom: string;
  jobs: 'inline' | 'worker' | 'off';
  trustProxy: string;
  cookieSecure: boolean;
  seedDemo: boolean;
  logLevel: string;
  shutdownTimeoutMs: number;
  scheduleCacheMs: number;
  /** Days after an appointment (or a lottery day without a place) before its personal data is erased. */
  retentionDays: number;
  /** VIEWS_RELOAD: pages and messages recompiled when their template file changes; off, each is compiled once. */
  viewsReload: boolean;
  /** The Bearer token of GET /metrics (the operator's scraper); unset, there is no /metrics. */
  metricsToken: string | undefined;
  /** METRICS_PORT: /metrics on this port of HOST only, not on PORT; without METRICS_TOKEN, open there. */
  metricsPort: number | undefined;
  /** Reminders before an appointment, in the office's zone; the name keys each in the notification log. */
  reminders: ReminderRule[];
  sms: Readonly<SmsConfig>;
}

export interface SmsConfig {
  /** Unset: texts go to the development outbox. */
  provider: 'aliyun' | 'tencent' | undefined;
  accessKeyId: string | undefined;
  accessKeySecret: string | undefined;
  /** The registered signature, without 【】 (the development outbox shows a default one). */
  signName: string;
  /** Tencent Cloud's SmsSdkAppId. */
  sdkAppId: string | undefined;
  region: string;
  /** Where the SDK sends its requests instead of the provider's public endpoint. */
  endpoint: Readonly<SmsEndpoint> | undefined;
  templates: SmsTemplates;
  /** Texts beside the e-mails to couples (SMS_NOTICES); verification codes go by text whatever it says. */
  notices: boolean;
}

export class ConfigError extends Error {}

/** The environment without its empty variables: an empty value means unset. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<
    string,
    string
  >;
}

/** The parsed values, or a ConfigError naming every bad variable and every problem in `more`. */
function validOrThrow<T>(parsed: z.ZodSafeParseResult<T>, more: string[]): T {
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...more,
  ];
  if (!parsed.success || problems.length) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return parsed.data;
}

/** Parses an environment (process.env by default) into a frozen Config, or throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const cleaned = withoutEmpty(env);
  const e = validOrThrow(schema.safeParse(cleaned), [
    ...missingSmsSettings(cleaned),
    ...databaseChoiceProblems(cleaned),
    ...productionProblems(cleaned),
    ...secretProblems(cleaned),
    ...(cleaned.METRICS_PORT && cleaned.METRICS_PORT === (cleaned.PORT ?? '3000')
      ? ['METRICS_PORT: must differ from PORT']
      : []),
  ]);
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    dataDir: path.resolve(e.DATA_DIR),
    appSecret: e.APP_SECRET,
    appSecretPrevious: Object.freeze(e.APP_SECRET_PREVIOUS ?? []),
    idFingerprintSecret: e.ID_FINGERPRINT_SECRET,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    admin: Object.freeze({ email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    jobs: e.JOBS,
    trustProxy: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE ?? baseUrl.startsWith('https://'),
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV !== 'production',
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    scheduleCacheMs: e.SCHEDULE_CACHE_MS,
    retentionDays: e.RETENTION_DAYS,
    viewsReload: e.VIEWS_RELOAD ?? false,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    reminders: parseReminders(e.REMINDERS),
    sms: smsConfig(e),
  });
}

/** Where the data lives: all the backup and restore commands need (no secret, mail or public URL). */
export type StorageConfig = Pick<Config, 'mongodbUri' | 'mongodbDb' | 'dataDir'>;

const storageSchema = schema.pick({ MONGODB_URI: true, MONGODB_DB: true, DATA_DIR: true, EMBEDDED_DB: true });

/** Like loadConfig, for the variables that say where the data lives only. */
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): Readonly<StorageConfig> {
  const cleaned = withoutEmpty(env);
  const e = validOrThrow(storageSchema.safeParse(cleaned), databaseChoiceProblems(cleaned));
  return Object.freeze({
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    dataDir: path.resolve(e.DATA_DIR),
  });
}

function smsConfig(e: z.infer<typeof schema>): Readonly<SmsConfig> {
  const endpoint = e.SMS_ENDPOINT ? parseSmsEndpoint(e.SMS_ENDPOINT) : null;
  return Object.freeze({
    provider: e.SMS_PROVIDER,
    accessKeyId: e.SMS_ACCESS_KEY_ID,
    accessKeySecret: e.SMS_ACCESS_KEY_SECRET,
    signName: e.SMS_SIGN_NAME ?? '婚姻登记预约',
    sdkAppId: e.SMS_SDK_APP_ID,
    region: e.SMS_REGION ?? (e.SMS_PROVIDER ? DEFAULT_SMS_REGION[e.SMS_PROVIDER] : ''),
    endpoint: endpoint ? Object.freeze(endpoint) : undefined,
    templates: e.SMS_TEMPLATES ? parseSmsTemplates(e.SMS_TEMPLATES).templates : Object.freeze({}),
    notices: e.SMS_NOTICES,
  });
}
