/**
 * A reader for the part of YAML that docker/compose.yml uses, so a test can
 * check the compose file where Docker is absent (no YAML package is installed).
 * Block mappings and sequences, flow `[…]` and `{…}`, quoted and plain scalars,
 * comments, anchors, aliases and `<<` merge keys. Anything else (block
 * scalars, tags, several documents, tabs) is refused with its line number
 * rather than read wrongly.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  number: number;
}

class YamlSubsetError extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** The line without its comment: a `#` at the start or after a space, outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  return text;
}

function plain(text: string): YamlValue {
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, index) => {
    if (/^\t| \t/.test(raw) && raw.trim()) throw new YamlSubsetError('tabs are not supported', index + 1);
    const text = stripComment(raw).trimEnd();
    if (!text.trim()) return;
    if (text === '---' || text === '...') throw new YamlSubsetError('several documents are not supported', index + 1);
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), number: index + 1 });
  });
  const anchors = new Map<string, YamlValue>();
  let at = 0;

  /** A flow value or a scalar, all of `text`. */
  function inline(text: string, number: number): YamlValue {
    let i = 0;
    const fail = (what: string): never => {
      throw new YamlSubsetError(`${what} in « ${text} »`, number);
    };
    const space = () => {
      while (text[i] === ' ') i++;
    };
    const value = (inFlow: boolean): YamlValue => {
      space();
      let anchor: string | null = null;
      if (text[i] === '&') {
        const m = /^&([\w-]+)\s*/.exec(text.slice(i)) ?? fail('bad anchor');
        anchor = m[1]!;
        i += m[0].length;
      }
      let result: YamlValue;
      const c = text[i];
      if (c === '*') {
        const m = /^\*([\w-]+)/.exec(text.slice(i)) ?? fail('bad alias');
        i += m[0].length;
        if (!anchors.has(m[1]!)) fail(`unknown alias *${m[1]}`);
        result = anchors.get(m[1]!)!;
      } else if (c === '[') {
        i++;
        const items: YamlValue[] = [];
        space();
        if (text[i] === ']') i++;
        else
          for (;;) {
            items.push(value(true));
            space();
            if (text[i] === ',') i++;
            else if (text[i] === ']') {
              i++;
              break;
            } else fail('expected , or ]');
          }
        result = items;
      } else if (c === '{') {
        i++;
        const map: Record<string, YamlValue> = {};
        space();
        if (text[i] === '}') i++;
        else
          for (;;) {
            space();
            const key = scalar(true, true);
            space();
            if (text[i] !== ':') fail('expected :');
            i++;
            if (typeof key !== 'string' && typeof key !== 'number') fail('bad key');
            if (String(key) in map) fail(`duplicate key ${String(key)}`);
            map[String(key)] = value(true);
            space();
            if (text[i] === ',') i++;
            else if (text[i] === '}') {
              i++;
              break;
            } else fail('expected , or }');
          }
        result = map;
      } else if (c === '|' || c === '>') result = fail('block scalars are not supported');
      else if (c === '!') result = fail('tags are not supported');
      else result = scalar(inFlow, false);
      if (anchor) anchors.set(anchor, result);
      return result;
    };
    function scalar(inFlow: boolean, isKey: boolean): YamlValue {
      const c = text[i];
      if (c === '"') {
        let out = '';
        for (i++; i < text.length && text[i] !== '"'; i++) {
          if (text[i] === '\\') {
            i++;
            const e = text[i];
            out += e === 'n' ? '\n' : e === 't' ? '\t' : e === '"' || e === '\\' || e === '/' ? e : fail('escape');
          } else out += text[i];
        }
        if (text[i] !== '"') fail('unterminated string');
        i++;
        return out;
      }
      if (c === "'") {
        let out = '';
        for (i++; i < text.length; i++) {
          if (text[i] === "'") {
            if (text[i + 1] === "'") {
              out += "'";
              i++;
            } else break;
          } else out += text[i];
        }
        if (text[i] !== "'") fail('unterminated string');
        i++;
        return out;
      }
      const start = i;
      while (i < text.length) {
        const ch = text[i]!;
        if (inFlow && (ch === ',' || ch === ']' || ch === '}')) break;
        if (isKey && ch === ':') break;
        if (inFlow && ch === ':' && (text[i + 1] === ' ' || text[i + 1] === undefined)) break;
        i++;
      }
      return plain(text.slice(start, i).trim());
    }
    const result = value(false);
    space();
    if (i < text.length) fail('unexpected text after the value');
    return result;
  }

  /** `key: rest` of a block mapping line, or null. */
  function entry(text: string): { key: string; rest: string } | null {
    const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s+|$)/.exec(text);
    if (quoted) return { key: String(inline(quoted[1]!, 0)), rest: text.slice(quoted[0].length) };
    if (/^[[{&*!|>'"]/.test(text)) return null;
    const m = /^([^:#]+?|<<)\s*:(?:\s+|$)/.exec(text);
    return m ? { key: m[1]!, rest: text.slice(m[0].length) } : null;
  }

  function block(indent: number): YamlValue {
    const first = lines[at];
    if (!first || first.indent < indent) return null;
    return first.text === '-' || first.text.startsWith('- ') ? sequence(first.indent) : mapping(first.indent);
  }

  /** What follows `key:` or `-` with nothing after it on the line: a nested block (a sequence may sit at `indent`). */
  function nested(indent: number): YamlValue {
    const next = lines[at];
    if (!next) return null;
    if (next.indent > indent) return block(next.indent);
    if (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) return sequence(indent);
    return null;
  }

  function sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    while (at < lines.length && lines[at]!.indent === indent) {
      const line = lines[at]!;
      if (!(line.text === '-' || line.text.startsWith('- '))) break;
      const rest = line.text.slice(1).trimStart();
      if (!rest) {
        at++;
        items.push(nested(indent + 1));
      } else if (entry(rest)) {
        // `- key: value` opens a mapping whose keys sit two columns in.
        lines[at] = { indent: indent + line.text.length - rest.length, text: rest, number: line.number };
        items.push(mapping(lines[at]!.indent));
      } else {
        at++;
        items.push(inline(rest, line.number));
      }
    }
    return items;
  }

  function mapping(indent: number): Record<string, YamlValue> {
    const own: Record<string, YamlValue> = {};
    const merged: Record<string, YamlValue>[] = [];
    while (at < lines.length && lines[at]!.indent === indent) {
      const line = lines[at]!;
      const e = entry(line.text);
      if (!e) throw new YamlSubsetError(`expected « key: value », got « ${line.text} »`, line.number);
      at++;
      let value: YamlValue;
      const anchor = /^&([\w-]+)$/.exec(e.rest);
      if (!e.rest || anchor) {
        value = nested(indent);
        if (anchor) anchors.set(anchor[1]!, value);
      } else value = inline(e.rest, line.number);
      if (e.key === '<<') {
        for (const source of Array.isArray(value) ? value : [value]) {
          if (!source || typeof source !== 'object' || Array.isArray(source))
            throw new YamlSubsetError('<< merges mappings only', line.number);
          merged.push(source);
        }
      } else {
        if (e.key in own) throw new YamlSubsetError(`duplicate key ${e.key}`, line.number);
        own[e.key] = value;
      }
    }
    if (at < lines.length && lines[at]!.indent > indent)
      throw new YamlSubsetError(`unexpected indentation`, lines[at]!.number);
    // Keys written in the mapping win over merged ones; earlier merges win over later ones.
    return Object.assign({}, ...[...merged].reverse(), own);
  }

  const result = block(0);
  if (at < lines.length) throw new YamlSubsetError('unexpected text', lines[at]!.number);
  return result;
}
