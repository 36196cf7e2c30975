/**
 * The page's configuration, from `<meta name="kairos-config">` which the server fills in per request: how to
 * sign in (ADR 0016). A page opened without a server in front (the placeholder left as is) falls back to
 * token sign-in, the local runtime's.
 */
export type AuthMode = 'token' | 'cognito' | 'iam' | 'proxy';

export interface DashboardConfig {
  readonly auth: AuthMode;
  readonly cognito?: { readonly region: string; readonly clientId: string };
}

const MODES: readonly AuthMode[] = ['token', 'cognito', 'iam', 'proxy'];

export function parseConfig(content: string | null | undefined): DashboardConfig {
  let value: unknown;
  try {
    value = JSON.parse(content ?? '');
  } catch {
    return { auth: 'token' };
  }
  const v = value as { auth?: unknown; cognito?: { region?: unknown; clientId?: unknown } } | null;
  if (!v || typeof v !== 'object' || !MODES.includes(v.auth as AuthMode)) return { auth: 'token' };
  if (v.auth === 'cognito') {
    const { region, clientId } = v.cognito ?? {};
    if (typeof region !== 'string' || typeof clientId !== 'string') {
      throw new Error(
        'The dashboard is set to Cognito sign-in but has no user pool client; check the deployment.',
      );
    }
    return { auth: 'cognito', cognito: { region, clientId } };
  }
  return { auth: v.auth as AuthMode };
}
