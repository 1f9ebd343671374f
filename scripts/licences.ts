/**
 * The licences of the runtime dependencies, as a Markdown table (the one in
 * docs/dependencies.md), read from each installed package's package.json.
 * Exits with 1 when a package's licence is missing or not on the list of
 * licences reviewed as compatible with Guichet's AGPL-3.0-or-later.
 *
 *   npm run licences                 the table and a summary, on stdout
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** SPDX identifiers reviewed as usable in an AGPL-3.0-or-later program. */
const COMPATIBLE = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'Unlicense',
  'CC0-1.0',
  'Python-2.0',
  'LGPL-3.0-or-later',
  'MPL-2.0',
]);

/** Packages whose package.json does not say it in SPDX, read by hand (their LICENSE or README). */
const REVIEWED: Readonly<Record<string, string>> = {
  'dejavu-fonts-ttf': 'Bitstream-Vera AND LicenseRef-DejaVu-public-domain',
  only: 'MIT',
  pause: 'MIT',
  'png-js': 'MIT',
};

interface Row {
  name: string;
  version: string;
  licence: string;
  direct: boolean;
}

function licenceOf(manifest: Record<string, unknown>): string {
  const { license, licenses } = manifest as { license?: unknown; licenses?: unknown };
  if (typeof license === 'string') return license;
  if (license && typeof license === 'object' && typeof (license as { type?: unknown }).type === 'string')
    return (license as { type: string }).type;
  if (Array.isArray(licenses))
    return licenses.map((l) => (typeof l === 'string' ? l : String((l as { type?: unknown }).type))).join(' OR ');
  return 'UNKNOWN';
}

/** An SPDX expression is fine when each alternative of an OR, or every part of an AND, is compatible. */
function compatible(expression: string): boolean {
  const clean = expression.replace(/[()]/g, '').trim();
  if (/ OR /.test(clean)) return clean.split(/ OR /).some((part) => compatible(part));
  return clean.split(/ AND /).every((part) => COMPATIBLE.has(part.trim()));
}

function main(): number {
  const root = process.cwd();
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const direct = new Set(Object.keys(own.dependencies ?? {}));
  const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && line !== root);

  const rows = new Map<string, Row>();
  for (const path of paths) {
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Record<string, unknown>;
    const name = String(manifest.name);
    const version = String(manifest.version);
    const licence = REVIEWED[name] ?? licenceOf(manifest);
    rows.set(`${name}@${version}`, { name, version, licence, direct: direct.has(name) });
  }
  const sorted = [...rows.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));

  const out = (line = '') => process.stdout.write(`${line}\n`);
  out('| Package | Version | Licence | Direct |');
  out('|---|---|---|---|');
  for (const r of sorted) out(`| ${r.name} | ${r.version} | ${r.licence} | ${r.direct ? 'yes' : ''} |`);
  out();
  const byLicence = new Map<string, number>();
  for (const r of sorted) byLicence.set(r.licence, (byLicence.get(r.licence) ?? 0) + 1);
  out(`${sorted.length} runtime packages (${sorted.filter((r) => r.direct).length} direct):`);
  for (const [licence, count] of [...byLicence].sort((a, b) => b[1] - a[1])) out(`- ${licence}: ${count}`);
  const doubtful = sorted.filter((r) => !compatible(r.licence) && !(r.name in REVIEWED));
  out();
  if (doubtful.length === 0) {
    out('Every licence is on the reviewed list.');
    return 0;
  }
  out('To review (not on the list of licences reviewed as compatible with AGPL-3.0-or-later):');
  for (const r of doubtful) out(`- ${r.name}@${r.version}: ${r.licence}`);
  return 1;
}

process.exitCode = main();
