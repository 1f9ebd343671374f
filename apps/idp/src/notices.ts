/* eslint-disable no-console -- oidc-provider speaks on the console: these lines catch what it says there. */
/** A notice oidc-provider printed on the console (its « attention » helper), without the terminal colours. */
export interface ProviderNotice {
  level: 'warn' | 'info';
  message: string;
}

/** Where the provider's notices go: the IdP's own logger (debug in development, warn in production). */
export interface NoticeLog {
  debug(message: string): void;
  warn(message: string): void;
}

const COLOURS = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex
const PREFIX = /^oidc-provider (WARNING|NOTICE): /;

/**
 * Runs `build` (the provider's constructor, synchronous) with oidc-provider's
 * console notices caught and handed to `log` instead: in development the
 * bundled provider's in-memory store (« you MUST change it … ») is by design
 * (docs/identity.md) and goes to debug, where it does not bury `npm start`'s
 * banner; in production it stays a warning. Anything else printed passes
 * through unchanged; the console is restored even if `build` throws.
 */
export function withProviderNotices<T>(
  build: () => T,
  options: { production: boolean; log: NoticeLog },
): { value: T; notices: ProviderNotice[] } {
  const notices: ProviderNotice[] = [];
  const { warn, info } = console;
  const catcher =
    (level: ProviderNotice['level'], original: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0].replace(COLOURS, '') : '';
      const notice = PREFIX.exec(text);
      if (args.length !== 1 || !notice) return original.apply(console, args);
      notices.push({ level, message: text.slice(notice[0].length) });
    };
  console.warn = catcher('warn', warn);
  console.info = catcher('info', info);
  let value: T;
  try {
    value = build();
  } finally {
    console.warn = warn;
    console.info = info;
  }
  for (const { level, message } of notices) {
    const line = `oidc-provider : ${message}`;
    if (options.production && level === 'warn') options.log.warn(line);
    else options.log.debug(line);
  }
  return { value, notices };
}
