import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values may hold personal data, wherever they appear in a log object. Services log ids
 * and codes only; this is the net under that rule.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'body',
  'req.body',
  'fields',
  'values',
  'cells',
  'row',
  'token',
  'password',
  'passphrase',
  '*.body',
  '*.fields',
  '*.values',
  '*.cells',
  '*.name',
  '*.mobile',
  '*.idNumber',
  '*.email',
  '*.address',
  '*.token',
  '*.password',
];

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/** The process logger: JSON lines with personal-data redaction; URLs lose their query strings. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.CUSTODIAN_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        }),
        err: pino.stdSerializers.err,
      },
    },
    opts.destination ?? pino.destination(2),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
