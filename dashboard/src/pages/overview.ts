/** Overview: runs per minute, totals, p99 pick-up latency and the latest failures of a window. */
import type { Overview } from '../api-types.js';
import { runsChart } from '../chart.js';
import type { PageContext } from '../context.js';
import { type Child, fill, h } from '../dom.js';
import { formatCount, formatDuration, formatError } from '../format.js';
import { hrefs } from '../routes.js';
import { emptyState, errorBox, loading, section, statusBadge, timeView } from '../ui.js';
import { jobNames } from './job-names.js';

/**
 * Every 30 s, not 5 s like the lists: figures are per minute, and each refresh reads every job's runs of the window
 * (one query per job), which a page left open would otherwise repeat 12 times a minute.
 */
const REFRESH_MS = 30_000;
const WINDOWS: readonly [string, number][] = [
  ['Last hour', 3600_000],
  ['Last 6 hours', 6 * 3600_000],
  ['Last 24 hours', 24 * 3600_000],
];
let windowMs = 3600_000;

export function overviewPage(ctx: PageContext): HTMLElement {
  const names = jobNames(ctx.api);
  const content = h('div', { class: 'stack' }, loading('the overview'));
  const picker = h(
    'select',
    { name: 'window' },
    WINDOWS.map(([label, ms]) => h('option', { value: ms, selected: ms === windowMs }, label)),
  );

  async function refresh() {
    try {
      // A little inside the 24 h limit, so the window's own round trip never takes it past.
      const span = Math.min(windowMs, 24 * 3600_000 - 60_000);
      const since = new Date(Math.floor((Date.now() - span) / 60_000) * 60_000).toISOString();
      const overview = await ctx.api.get<Overview>('v1/overview', { since });
      const named = await names.resolve(overview.failures.map((f) => f.jobId));
      if (!ctx.scope.disposed) fill(content, view(overview, named));
    } catch (error) {
      if (!ctx.scope.disposed) fill(content, errorBox(error, 'Could not load the overview.', ctx.me?.role));
    }
  }

  /** The card's inner width (the page is mounted by the time data arrives); a sane width before layout. */
  const chartWidth = () => Math.max(480, Math.floor(content.clientWidth) - 34 || 960);

  function view(o: Overview, named: Map<string, string>): Child {
    const now = Date.now();
    const t = o.totals;
    const p99 = o.pickupLatencyMs.p99;
    const p50 = o.pickupLatencyMs.p50;
    return [
      o.truncated
        ? h(
            'p',
            { class: 'note' },
            'This window holds more runs than the overview reads: the figures cover the newest ones.',
          )
        : null,
      h(
        'div',
        { class: 'tiles' },
        tile('Runs', formatCount(t.runs), `${formatCount(t.active)} active now`),
        tile(
          'Succeeded',
          formatCount(t.succeeded),
          t.runs ? `${Math.round((100 * t.succeeded) / t.runs)}% of runs` : '—',
          'ok',
        ),
        tile(
          'Failed',
          formatCount(t.failed + t.timedOut),
          `${formatCount(t.timedOut)} timed out, ${formatCount(t.cancelled)} cancelled`,
          t.failed + t.timedOut > 0 ? 'bad' : undefined,
        ),
        tile(
          'p99 pick-up latency',
          p99 === null ? '—' : formatDuration(p99),
          p50 === null
            ? 'no runs started'
            : `p50 ${formatDuration(p50)}, ${formatCount(o.pickupLatencyMs.samples)} samples`,
        ),
      ),
      section(
        'Runs per minute',
        o.runsPerMinute.length === 0
          ? h('p', { class: 'muted' }, 'No minutes in this window.')
          : runsChart(o.runsPerMinute, chartWidth()),
        h(
          'ul',
          { class: 'chart-key' },
          h(
            'li',
            null,
            h('span', { class: 'swatch ok', 'aria-hidden': 'true' }),
            'Succeeded (ended that minute)',
          ),
          h(
            'li',
            null,
            h('span', { class: 'swatch bad', 'aria-hidden': 'true' }),
            'Failed (ended that minute)',
          ),
          h('li', null, h('span', { class: 'swatch line', 'aria-hidden': 'true' }), 'Started'),
        ),
      ),
      section(
        'Latest failures',
        o.failures.length === 0
          ? emptyState(
              'No failed runs in this window.',
              'Failed and timed-out runs show up here with their error.',
            )
          : h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'table' },
                h('caption', { class: 'sr-only' }, 'Latest failed runs'),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Ended', 'Job', 'Run', 'Status', 'Error'].map((x) => h('th', { scope: 'col' }, x)),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  o.failures.map((f) =>
                    h(
                      'tr',
                      null,
                      h('td', null, timeView(f.endedAt, now, { seconds: true })),
                      h('td', null, h('a', { href: hrefs.job(f.jobId) }, named.get(f.jobId) ?? f.jobId)),
                      h('td', null, h('a', { href: hrefs.run(f.runId), class: 'mono' }, f.runId)),
                      h('td', null, statusBadge(f.status)),
                      h('td', { class: 'error-text' }, formatError(f.error)),
                    ),
                  ),
                ),
              ),
            ),
      ),
    ];
  }

  const poller = ctx.scope.poll(refresh, REFRESH_MS);
  picker.addEventListener('change', () => {
    windowMs = Number(picker.value);
    poller.now();
  });
  poller.now();

  return h(
    'div',
    { class: 'page' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: -1 }, 'Overview'),
      h('label', { class: 'inline' }, 'Window ', picker),
    ),
    content,
  );
}

function tile(label: string, value: string, sub: string, tone?: 'ok' | 'bad'): HTMLElement {
  return h(
    'div',
    { class: `tile${tone ? ` tile-${tone}` : ''}` },
    h('div', { class: 'tile-label' }, label),
    h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-sub muted' }, sub),
  );
}
