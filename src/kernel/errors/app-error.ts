import { ERRORS, type ErrorClass, type ErrorCode, EXIT_CODES, HTTP_STATUS } from './catalogue.js';

export type Lang = 'zh' | 'en';
export type ErrorParams = Record<string, string | number | undefined>;

/** Fills `{name}` placeholders; in Chinese a `nameZh` parameter, when given, wins over `name`. */
function fill(template: string, params: ErrorParams, lang: Lang = 'en'): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (lang === 'zh' ? params[`${name}Zh`] : undefined) ?? params[name];
    return value === undefined ? '' : String(value);
  });
}

/**
 * A domain error with a stable code. `params` fill the catalogue message and must never carry personal
 * data: they end up in logs and API answers. `details` adds machine-readable context (field keys, rows).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, params: ErrorParams = {}, details?: Record<string, unknown>) {
    super(fill(ERRORS[code].en, params));
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.details = details;
  }

  get errorClass(): ErrorClass {
    return ERRORS[this.code].class;
  }

  get exitCode(): number {
    return EXIT_CODES[this.errorClass];
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.errorClass];
  }

  messageIn(lang: Lang): string {
    return fill(ERRORS[this.code][lang], this.params, lang);
  }

  /** JSON body of the error; `JSON.stringify` calls this with a key, hence the loose parameter. */
  toJSON(langOrKey?: string): { code: ErrorCode; message: string; messageEn: string; details?: unknown } {
    const lang: Lang = langOrKey === 'en' ? 'en' : 'zh';
    const out: { code: ErrorCode; message: string; messageEn: string; details?: unknown } = {
      code: this.code,
      message: this.messageIn(lang),
      messageEn: this.messageIn('en'),
    };
    if (this.details !== undefined) out.details = this.details;
    return out;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Any thrown value as an AppError; unknown failures become INTERNAL without leaking their message. */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('INTERNAL');
}
