/**
 * Entry of the page: reads the server's config, signs in the way it says, then draws the shell (navigation,
 * live regions) and the page of the current hash route, replacing it on every route change.
 */
import { ApiError, createApiClient } from './api.js';
import type { Me } from './api-types.js';
import { cognitoAuthorization, createCognitoClient, createCognitoSession } from './auth/cognito.js';
import { createTokenStore, type KeyValueStore, tokenFromFragment } from './auth/token.js';
import { type DashboardConfig, parseConfig } from './config.js';
import type { PageContext } from './context.js';
import { fill, h } from './dom.js';
import { jobDetailPage } from './pages/job-detail.js';
import { jobsPage } from './pages/jobs.js';
import { overviewPage } from './pages/overview.js';
import { runDetailPage } from './pages/run-detail.js';
import { cognitoSignIn, iamNotice, tokenSignIn } from './pages/sign-in.js';
import { slaPage } from './pages/sla.js';
import { parseRoute, type Route, sectionOf } from './routes.js';
import { Scope } from './scope.js';
import { emptyState, errorBox } from './ui.js';
import './styles.css';

/** sessionStorage, or memory when the browser refuses it (private modes, sandboxed frames). */
function sessionStore(): KeyValueStore {
  try {
    const probe = '__kairos';
    window.sessionStorage.setItem(probe, probe);
    window.sessionStorage.removeItem(probe);
    return window.sessionStorage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
  }
}

function start(root: HTMLElement) {
  let config: DashboardConfig;
  try {
    config = parseConfig(document.querySelector<HTMLMetaElement>('meta[name="kairos-config"]')?.content);
  } catch (error) {
    fill(root, errorBox(error, 'The dashboard cannot start.'));
    return;
  }
  const storage = sessionStore();
  const tokens = createTokenStore(storage);
  const session = createCognitoSession(storage);
  const cognito = config.cognito
    ? createCognitoClient(config.cognito, { fetch: window.fetch.bind(window) })
    : undefined;

  /**
   * `#token=…` (the link `npm start` prints): keeps the token in this tab and takes it out of the address bar.
   * Answers whether there was one.
   */
  function takeFragmentToken(): boolean {
    const token = config.auth === 'token' ? tokenFromFragment(window.location.hash) : undefined;
    if (!token) return false;
    tokens.set(token);
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/jobs`);
    return true;
  }
  takeFragmentToken();

  /** During sign-in a 401 is the form's answer, not a reason to show the form again. */
  let checkingCredentials = false;
  const api = createApiClient({
    baseUrl: document.baseURI,
    fetch: window.fetch.bind(window),
    async authorization() {
      if (config.auth === 'token') {
        const token = tokens.get();
        return token ? `Bearer ${token}` : undefined;
      }
      if (config.auth === 'cognito' && cognito) return cognitoAuthorization(session, cognito, Date.now());
      return undefined;
    },
    async onUnauthorized() {
      if (checkingCredentials) return false;
      if (
        config.auth === 'cognito' &&
        cognito &&
        (await cognitoAuthorization(session, cognito, Date.now(), true))
      ) {
        return true;
      }
      if (config.auth === 'token' || config.auth === 'cognito') {
        tokens.clear();
        session.clear();
        queueMicrotask(() => signIn('Your sign-in was refused or has expired (401). Sign in again.'));
      }
      return false;
    },
  });

  let scope: Scope | undefined;
  let me: Me | undefined;
  const main = h('main', { id: 'main' });
  const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  let noticeTimer: number | undefined;

  function signedIn(): boolean {
    if (config.auth === 'token') return tokens.get() !== undefined;
    if (config.auth === 'cognito') return session.get() !== undefined;
    return config.auth === 'proxy';
  }

  /** Who is signed in; a 401 means the credentials do not work. An API without `/v1/me` leaves roles to it. */
  async function whoAmI(): Promise<Me | undefined> {
    try {
      return await api.get<Me>('v1/me');
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        await api.get('v1/jobs', { limit: 1 });
        return undefined;
      }
      throw error;
    }
  }

  function signIn(message?: string) {
    scope?.dispose();
    scope = undefined;
    document.title = 'Sign in · Kairos';
    if (config.auth === 'iam') {
      fill(root, iamNotice(new URL('.', document.baseURI).toString().replace(/\/$/, '')));
      return;
    }
    const enter = async () => {
      checkingCredentials = true;
      try {
        me = await whoAmI();
      } catch (error) {
        tokens.clear();
        session.clear();
        if (error instanceof ApiError && error.status === 401)
          throw new Error('That sign-in was refused by the API (401).');
        throw error;
      } finally {
        checkingCredentials = false;
      }
      showApp();
    };
    const view =
      config.auth === 'cognito' && cognito
        ? cognitoSignIn(
            cognito,
            async (t) => {
              session.set(t);
              await enter();
            },
            message,
          )
        : tokenSignIn(async (token) => {
            tokens.set(token);
            await enter();
          }, message);
    fill(root, view);
    view.querySelector<HTMLInputElement>('input')?.focus();
  }

  function showApp() {
    const nav = h(
      'nav',
      { 'aria-label': 'Main' },
      h('a', { href: '#/jobs', 'data-section': 'jobs' }, 'Jobs'),
      h('a', { href: '#/sla', 'data-section': 'sla' }, 'SLA'),
      h('a', { href: '#/overview', 'data-section': 'overview' }, 'Overview'),
    );
    const out = h('button', { type: 'button', class: 'btn ghost' }, 'Sign out');
    out.addEventListener('click', () => {
      tokens.clear();
      session.clear();
      me = undefined;
      signIn('Signed out.');
    });
    fill(
      root,
      h(
        'header',
        { class: 'topbar' },
        h('a', { href: '#/jobs', class: 'brand' }, 'Kairos'),
        nav,
        h(
          'div',
          { class: 'who' },
          me
            ? h(
                'span',
                { title: me.principal },
                h('span', { class: 'role' }, me.role),
                ' ',
                h('span', { class: 'muted principal' }, me.principal),
              )
            : null,
          config.auth === 'proxy' ? null : out,
        ),
      ),
      alerts,
      notice,
      main,
    );
    route(false);
  }

  const ctxFor = (pageScope: Scope): PageContext => ({
    api,
    me,
    scope: pageScope,
    notify(text) {
      notice.textContent = text;
      window.clearTimeout(noticeTimer);
      noticeTimer = window.setTimeout(() => {
        notice.textContent = '';
      }, 8000);
    },
    fail(error) {
      const dismiss = h('button', { type: 'button', class: 'btn ghost small' }, 'Dismiss');
      const box = errorBox(error, 'The action failed.', me?.role);
      box.append(dismiss);
      dismiss.addEventListener('click', () => box.remove());
      fill(alerts, box);
    },
  });

  function route(focus = true) {
    if (!main.isConnected) return;
    scope?.dispose();
    scope = new Scope();
    // What was said about the last page's actions does not belong to the next one.
    fill(alerts);
    notice.textContent = '';
    const current: Route = parseRoute(window.location.hash);
    const ctx = ctxFor(scope);
    const titles = {
      jobs: 'Jobs',
      job: 'Job',
      run: 'Run',
      sla: 'SLA',
      overview: 'Overview',
      notFound: 'Not found',
    };
    document.title = `${titles[current.page]} · Kairos`;
    const page =
      current.page === 'jobs'
        ? jobsPage(ctx)
        : current.page === 'job'
          ? jobDetailPage(ctx, current.jobId)
          : current.page === 'run'
            ? runDetailPage(ctx, current.runId)
            : current.page === 'sla'
              ? slaPage(ctx)
              : current.page === 'overview'
                ? overviewPage(ctx)
                : emptyState(
                    `There is no page at ${current.path}.`,
                    h('a', { href: '#/jobs' }, 'Go to the jobs'),
                    '.',
                  );
    fill(main, page);
    const section = sectionOf(current);
    for (const a of root.querySelectorAll<HTMLAnchorElement>('nav a')) {
      if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // Screen readers hear the new page's heading, as after a page load.
    if (focus) main.querySelector<HTMLElement>('h1')?.focus();
  }

  window.addEventListener('hashchange', () => {
    // A sign-in link opened in a tab that already shows the page changes only the hash.
    if (takeFragmentToken()) enterWithStoredCredentials();
    else route();
  });
  // In-page links are handled here: under a <base href> that differs from the page's own path, a browser would
  // otherwise resolve `#/jobs` to another URL and load the page again.
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a');
    const href = link?.getAttribute('href');
    if (!href?.startsWith('#') || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (window.location.hash !== href) window.location.hash = href;
  });

  function enterWithStoredCredentials() {
    scope?.dispose();
    scope = undefined;
    fill(root, h('p', { class: 'muted loading' }, 'Loading…'));
    whoAmI()
      .then((who) => {
        me = who;
        showApp();
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) return; // onUnauthorized shows the sign-in
        // The API is down or failing: show why, and keep the shell so the pages can retry on their own.
        showApp();
        fill(alerts, errorBox(error, 'Could not ask the API who you are.'));
      });
  }

  if (signedIn()) enterWithStoredCredentials();
  else signIn();
}

start(document.getElementById('app') ?? document.body);
