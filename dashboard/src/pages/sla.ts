/** SLA: the misses of a window (newest first) and each job's compliance, worst first. */
import type { SlaReport } from '../api-types.js';
import type { PageContext } from '../context.js';
import { type Child, fill, h } from '../dom.js';
import { formatCompliance } from '../format.js';
import { complianceOrder } from '../model.js';
import { hrefs } from '../routes.js';
import { emptyState, errorBox, loading, section, timeView } from '../ui.js';
import { jobNames } from './job-names.js';

const REFRESH_MS = 5000;
const WINDOWS: readonly [string, number][] = [
  ['Last hour', 3600_000],
  ['Last 24 hours', 86_400_000],
  ['Last 7 days', 7 * 86_400_000],
  ['Last 31 days', 31 * 86_400_000],
];
let windowMs = 86_400_000;

export function slaPage(ctx: PageContext): HTMLElement {
  const names = jobNames(ctx.api);
  const content = h('div', { class: 'stack' }, loading('the SLA report'));
  const picker = h(
    'select',
    { name: 'window' },
    WINDOWS.map(([label, ms]) => h('option', { value: ms, selected: ms === windowMs }, label)),
  );

  async function refresh() {
    try {
      // Rounded to the second so two refreshes in a row ask the same question.
      const since = new Date(Math.floor((Date.now() - windowMs) / 1000) * 1000).toISOString();
      const report = await ctx.api.get<SlaReport>('v1/sla', { since });
      const named = await names.resolve([
        ...report.jobs.map((j) => j.jobId),
        ...report.misses.map((m) => m.jobId),
      ]);
      if (ctx.scope.disposed) return;
      fill(content, view(report, named));
    } catch (error) {
      if (!ctx.scope.disposed) fill(content, errorBox(error, 'Could not load the SLA report.', ctx.me?.role));
    }
  }

  function view(report: SlaReport, named: Map<string, string>): Child {
    const label = WINDOWS.find(([, ms]) => ms === windowMs)?.[0].toLowerCase() ?? 'this window';
    const now = Date.now();
    const jobLink = (id: string) => h('a', { href: hrefs.job(id) }, named.get(id) ?? id);
    const misses = [...report.misses].sort((a, b) => b.detectedAt.localeCompare(a.detectedAt));
    return [
      section(
        'Compliance per job',
        report.jobs.length === 0
          ? emptyState(
              'No job has an SLA.',
              'Add ',
              h('code', null, 'sla: { startWithinSeconds, finishWithinSeconds }'),
              ' to a job to be alerted when its runs start or end late.',
            )
          : h(
              'table',
              { class: 'table' },
              h('caption', { class: 'sr-only' }, `SLA compliance per job, ${label}`),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Job', 'Runs', 'Missed', 'Compliance'].map((t) =>
                    h('th', { scope: 'col', class: t === 'Job' ? null : 'num' }, t),
                  ),
                ),
              ),
              h(
                'tbody',
                null,
                complianceOrder(report.jobs).map((j) =>
                  h(
                    'tr',
                    null,
                    h('td', null, jobLink(j.jobId)),
                    h('td', { class: 'num' }, String(j.runs)),
                    h(
                      'td',
                      { class: 'num' },
                      j.missed > 0 ? h('span', { class: 'badge tone-bad' }, String(j.missed)) : '0',
                    ),
                    h('td', { class: 'num' }, formatCompliance(j.runs, j.missed)),
                  ),
                ),
              ),
            ),
      ),
      section(
        'Recent misses',
        misses.length === 0
          ? emptyState(
              `No SLA misses in the ${label}.`,
              'Every run with an SLA started and finished in time.',
            )
          : h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'table' },
                h('caption', { class: 'sr-only' }, `SLA misses, ${label}, newest first`),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Detected', 'Job', 'Run', 'Missed', 'Deadline'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  misses.map((m) =>
                    h(
                      'tr',
                      null,
                      h('td', null, timeView(m.detectedAt, now, { seconds: true })),
                      h('td', null, jobLink(m.jobId)),
                      h('td', null, h('a', { href: hrefs.run(m.runId), class: 'mono' }, m.runId)),
                      h(
                        'td',
                        null,
                        h('span', { class: 'badge tone-bad' }, m.kind === 'start' ? 'Start' : 'Finish'),
                      ),
                      h('td', null, timeView(m.deadline, now, { seconds: true })),
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
      h('h1', { tabindex: -1 }, 'SLA'),
      h('label', { class: 'inline' }, 'Window ', picker),
    ),
    content,
  );
}
