/**
 * Static bearer tokens from a token file, in the format of Kubernetes' `--token-auth-file`:
 * one CSV record per line, `token,user,uid[,"group1,group2"]`. Blank lines and lines starting
 * with `#` are skipped. Tokens are kept only as SHA-256 digests, so the table never holds (or
 * prints) a token in clear.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TOKEN_CHARACTERS, UNRECOGNIZED } from './tokens.js';
import type { TokenAuthenticator } from './tokens.js';
import type { UserInfo } from './user.js';

/** A token file that cannot be used; the message names the file and the line (1-based). */
export class TokenFileError extends Error {
  /** The error's code (one value: the file is invalid). */
  readonly code = 'TokenFileInvalid' as const;
  /** The file (or label) the text came from. */
  readonly source: string;
  /** The 1-based line the problem is on. */
  readonly line: number;

  /** Creates the error for `source` at `line`. */
  constructor(source: string, line: number, problem: string) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'TokenFileError';
    this.source = source;
    this.line = line;
  }
}

/** The users of a token file, looked up by token. */
export interface StaticTokenTable {
  /** How many tokens the file defines. */
  readonly size: number;
  /** The user a token belongs to, or undefined when the file does not define it. */
  lookup(token: string): UserInfo | undefined;
}

/**
 * Splits one CSV line into fields (RFC 4180 quoting: `"a,b"`, `""` for a quote inside quotes).
 * Unquoted fields are trimmed. Returns a problem string instead of fields when the line is not
 * valid CSV.
 */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) return 'unterminated quoted field';
        const c = line[i]!;
        if (c === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') return `unexpected character after a quoted field at column ${i + 1}`;
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end).trim();
      if (value.includes('"')) return `a quote inside an unquoted field at column ${i + 1}`;
      fields.push(value);
      i = end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** The SHA-256 digest of a token, the table's key. */
function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Parses the text of a token file. Throws {@link TokenFileError} on the first bad line: a CSV
 * syntax error, fewer than three columns, more than four, an empty token or user name, a token
 * with whitespace or non-ASCII characters, or a token defined twice.
 */
export function parseTokenAuthFile(text: string, source = 'token file'): StaticTokenTable {
  const users = new Map<string, UserInfo>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = splitCsvLine(raw);
    if (typeof fields === 'string') throw new TokenFileError(source, line, fields);
    if (fields.length < 3) {
      throw new TokenFileError(source, line, `need at least 3 columns (token, user name, uid), found ${fields.length}`);
    }
    if (fields.length > 4) {
      throw new TokenFileError(
        source,
        line,
        `found ${fields.length} columns; quote the group list ("group1,group2") to keep it in the fourth`,
      );
    }
    const [token, name, uid, groupList] = fields as [string, string, string, string | undefined];
    if (token === '') throw new TokenFileError(source, line, 'the token is empty');
    if (!TOKEN_CHARACTERS.test(token)) {
      throw new TokenFileError(source, line, 'the token may hold only visible ASCII characters (no spaces)');
    }
    if (name === '') throw new TokenFileError(source, line, 'the user name is empty');
    const key = digest(token);
    if (users.has(key)) throw new TokenFileError(source, line, 'this token is already defined on an earlier line');
    const groups = (groupList ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    const user: UserInfo = { name, groups: [...new Set(groups)] };
    if (uid !== '') user.uid = uid;
    users.set(key, Object.freeze(user));
  });
  return {
    size: users.size,
    lookup: (token) => {
      const user = users.get(digest(token));
      return user === undefined ? undefined : { ...user, groups: [...user.groups] };
    },
  };
}

/** Reads and parses a token file (`--token-auth-file`); throws {@link TokenFileError} for bad content. */
export async function loadTokenAuthFile(path: string): Promise<StaticTokenTable> {
  return parseTokenAuthFile(await readFile(path, 'utf8'), path);
}

/**
 * A token authenticator over a token file's table: a known token authenticates its user; any
 * other token is `unrecognized` (a later authenticator may know it).
 */
export function staticTokenAuthenticator(table: StaticTokenTable): TokenAuthenticator {
  return async (token) => {
    const user = table.lookup(token);
    return user === undefined ? UNRECOGNIZED : { status: 'authenticated', user };
  };
}
