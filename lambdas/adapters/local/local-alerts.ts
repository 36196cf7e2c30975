import type { Alerts } from '../../ports.js';

export interface LocalAlertsOptions {
  /** URL that receives each alert as a JSON POST (`KAIROS_ALERT_WEBHOOK`). @default - log only */
  readonly webhook?: string;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** The local runtime's alerts: a log line, and a POST to the webhook when one is configured. */
export function createLocalAlerts({ webhook, log }: LocalAlertsOptions): Alerts {
  return {
    async slaMissed(miss) {
      log({ level: 'WARN', message: 'SLA missed', ...miss });
      if (!webhook) return;
      try {
        const res = await fetch(webhook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'SlaMissed', ...miss }),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) log({ level: 'ERROR', message: 'alert webhook answered', status: res.status, webhook });
      } catch (error) {
        // The miss is recorded on the run and in GET /v1/sla either way; a webhook that is down must not turn
        // into retries that could alert twice.
        log({ level: 'ERROR', message: 'alert webhook failed', webhook, error: String(error) });
      }
    },
  };
}
