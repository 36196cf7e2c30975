import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRole, type Role } from '../core/roles.js';

/** Bearer tokens of the local runtime: `$KAIROS_HOME/tokens.json` is `{ "<token>": "<role>" }`. */
export interface TokenFile {
  readonly path: string;
  /** The role of a token, re-reading the file when it changed (so `kairos token create` applies at once). */
  roleOf(token: string): Role | undefined;
}

export function tokensPath(home: string): string {
  return join(home, 'tokens.json');
}

export function newToken(): string {
  return `kairos_${randomBytes(24).toString('base64url')}`;
}

/** Stable, non-secret id for a token, used as the principal in records (never the token itself). */
export function principalIdOf(token: string, role: Role): string {
  return `local:${role}:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

function readTokens(path: string): Record<string, Role> {
  if (!existsSync(path)) return {};
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path} must be a JSON object of token → role`);
  }
  const out: Record<string, Role> = {};
  for (const [token, role] of Object.entries(parsed)) {
    if (!isRole(role))
      throw new Error(`${path}: role '${String(role)}' is not one of viewer, operator, admin`);
    out[token] = role;
  }
  return out;
}

/** Adds a token with `role` to the file and returns it. */
export function createToken(home: string, role: Role): string {
  mkdirSync(home, { recursive: true });
  const path = tokensPath(home);
  const tokens = readTokens(path);
  const token = newToken();
  tokens[token] = role;
  writeFileSync(path, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return token;
}

/**
 * Makes sure an admin token exists: on first start one is created and written to `$KAIROS_HOME/token` too.
 * Returns the admin token from that file, if any, for the start-up banner.
 */
export function ensureAdminToken(home: string): { token: string | undefined; created: boolean } {
  const tokenFile = join(home, 'token');
  const tokens = readTokens(tokensPath(home));
  if (Object.keys(tokens).length > 0) {
    const saved = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined;
    return { token: saved && tokens[saved] ? saved : undefined, created: false };
  }
  const token = createToken(home, 'admin');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}

export function openTokenFile(home: string): TokenFile {
  const path = tokensPath(home);
  let cached: Record<string, Role> = {};
  let cachedMtime = -1;
  return {
    path,
    roleOf(token) {
      const mtime = existsSync(path) ? statSync(path).mtimeMs : 0;
      if (mtime !== cachedMtime) {
        cached = readTokens(path);
        cachedMtime = mtime;
      }
      return Object.hasOwn(cached, token) ? cached[token] : undefined;
    },
  };
}
