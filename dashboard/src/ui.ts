/** Small building blocks the pages share: status badges, times, errors, empty states and action buttons. */
import { ApiError, hintFor } from './api.js';
import { canOperate, type PageContext } from './context.js';
import { type Child, h } from './dom.js';
import { formatRelative, formatUtc } from './format.js';
import { statusLabel, symbolOf, toneOf } from './status.js';

/** A status as symbol + words on its tone's colour: readable without colour. */
export function statusBadge(status: string | undefined): HTMLElement {
  return h(
    'span',
    { class: `badge tone-${toneOf(status)}`, 'data-status': status ?? '' },
    h('span', { 'aria-hidden': 'true' }, symbolOf(status)),
    ` ${statusLabel(status)}`,
  );
}

/** An instant in UTC with how long ago / until, the full instant on hover. */
export function timeView(iso: string | null | undefined, now: number, options: { seconds?: boolean } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h(
    'span',
    { class: 'time' },
    h('time', { datetime: iso, title: iso }, formatUtc(iso, options)),
    h('span', { class: 'muted rel' }, formatRelative(iso, now)),
  );
}

/** An error as the API phrased it, each bad field listed, and what to do about it. */
export function errorBox(error: unknown, context: string, role?: string): HTMLElement {
  const api = error instanceof ApiError ? error : undefined;
  const message = api
    ? `${api.title}${api.status ? ` (${api.status})` : ''}: ${api.detail}`
    : error instanceof Error
      ? error.message
      : String(error);
  const hint = api ? hintFor(api, role) : undefined;
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('strong', null, context),
    h('p', null, message),
    api && api.errors.length > 0
      ? h(
          'ul',
          null,
          api.errors.map((e) => h('li', null, h('code', null, e.path), ` ${e.message}`)),
        )
      : null,
    hint ? h('p', { class: 'hint' }, hint) : null,
  );
}

/** What an empty list means and what to do next. */
export function emptyState(title: string, ...next: Child[]): HTMLElement {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), h('p', null, ...next));
}

export const VIEWER_TOOLTIP = 'Needs the operator or admin role; you are signed in as a viewer.';

/**
 * A button for an operator action. For viewers it stays visible but disabled (aria-disabled, so it can still be
 * focused and its tooltip read). While the call runs it is busy; its error goes to the alert region.
 */
export function actionButton(
  ctx: PageContext,
  label: string,
  action: () => Promise<void>,
  options: { kind?: 'primary' | 'danger'; testId?: string } = {},
): HTMLButtonElement {
  const allowed = canOperate(ctx.me);
  const button = h(
    'button',
    {
      type: 'button',
      class: `btn ${options.kind ?? ''}`.trim(),
      'aria-disabled': allowed ? null : 'true',
      title: allowed ? null : VIEWER_TOOLTIP,
      'data-action': options.testId ?? label.toLowerCase().replace(/\s+/g, '-'),
    },
    label,
  );
  button.addEventListener('click', async () => {
    if (!allowed) {
      ctx.notify(VIEWER_TOOLTIP);
      return;
    }
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      ctx.fail(error);
    } finally {
      button.removeAttribute('aria-busy');
      button.disabled = false;
    }
  });
  return button;
}

/** A section with a heading, for the detail pages. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

/** Label/value pairs as a description list. */
export function facts(rows: readonly [string, Child][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([label, value]) => [h('dt', null, label), h('dd', null, value)]),
  );
}

/** Pretty JSON in a scrollable block. */
export function jsonBlock(value: unknown): HTMLElement {
  return h('pre', { class: 'code' }, JSON.stringify(value, null, 2));
}

/** A small "loading" line, replaced by the content when it arrives. */
export function loading(what: string): HTMLElement {
  return h('p', { class: 'muted loading', role: 'status' }, `Loading ${what}…`);
}
