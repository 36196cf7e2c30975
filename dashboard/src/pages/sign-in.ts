/**
 * Sign-in screens: paste a token (local runtime), Cognito user name + password with the TOTP code and the
 * first sign-in's new password, or — for an IAM-only API — how to reach the dashboard through the CLI.
 */
import { type CognitoClient, CognitoError, type CognitoTokens, type SignInStep } from '../auth/cognito.js';
import { fill, h } from '../dom.js';

function shell(title: string, ...content: (Node | string | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'signin' },
    h(
      'div',
      { class: 'signin-card card' },
      h('div', { class: 'brand big' }, 'Kairos'),
      h('h1', { tabindex: -1 }, title),
      ...content,
    ),
  );
}

function errorLine(): HTMLElement {
  return h('p', { class: 'error-text', role: 'alert', 'aria-live': 'assertive' });
}

/** A form that calls `submit` and shows its error; the button is busy meanwhile. */
function form(
  fields: HTMLElement[],
  label: string,
  submit: () => Promise<void>,
  error: HTMLElement,
): HTMLFormElement {
  const button = h('button', { type: 'submit', class: 'btn primary' }, label);
  const el = h('form', { class: 'stack-form' }, ...fields, error, button);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = '';
    try {
      await submit();
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', null, label), input);
}

/** Token sign-in; `use` checks the token with the API and throws a readable error when it is refused. */
export function tokenSignIn(use: (token: string) => Promise<void>, message?: string): HTMLElement {
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const error = errorLine();
  if (message) error.textContent = message;
  return shell(
    'Sign in',
    h(
      'p',
      null,
      'Paste a Kairos token. ',
      h('code', null, 'npm start'),
      ' prints a sign-in link with the admin token and saves it in ',
      h('code', null, '.kairos/token'),
      '; ',
      h('code', null, 'kairos token create --role viewer'),
      ' makes more.',
    ),
    form([field('Token', input)], 'Sign in', () => use(input.value.trim()), error),
    h(
      'p',
      { class: 'muted small' },
      'The token stays in this tab (session storage) and is sent only to this Kairos API.',
    ),
  );
}

/** Cognito sign-in: password, then the authenticator code, or a new password on first sign-in. */
export function cognitoSignIn(
  client: CognitoClient,
  done: (tokens: CognitoTokens) => Promise<void>,
  message?: string,
): HTMLElement {
  const slot = h('div');
  const error = errorLine();
  if (message) error.textContent = message;

  const next = async (step: SignInStep) => {
    if (step.kind === 'signedIn') return done(step.tokens);
    if (step.kind === 'mfa') {
      const code = h('input', {
        type: 'text',
        name: 'code',
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        pattern: '[0-9 ]{6,8}',
        required: true,
      });
      fill(
        slot,
        form(
          [h('p', null, 'Enter the 6-digit code from your authenticator app.'), field('Code', code)],
          'Verify',
          async () => next(await client.answerMfa(step, code.value)),
          error,
        ),
      );
      code.focus();
      return;
    }
    const password = h('input', {
      type: 'password',
      name: 'new-password',
      autocomplete: 'new-password',
      required: true,
    });
    const again = h('input', {
      type: 'password',
      name: 'repeat-password',
      autocomplete: 'new-password',
      required: true,
    });
    fill(
      slot,
      form(
        [
          h('p', null, 'First sign-in: choose a new password.'),
          field('New password', password),
          field('Repeat it', again),
        ],
        'Set password',
        async () => {
          if (password.value !== again.value) throw new Error('The two passwords differ.');
          await next(await client.setNewPassword(step, password.value));
        },
        error,
      ),
    );
    password.focus();
  };

  const user = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  fill(
    slot,
    form(
      [field('User name', user), field('Password', password)],
      'Sign in',
      async () => {
        try {
          await next(await client.signIn(user.value.trim(), password.value));
        } catch (e) {
          throw e instanceof CognitoError ? new Error(e.message) : e;
        }
      },
      error,
    ),
  );
  return shell('Sign in', slot);
}

/** An IAM (SigV4) API: a browser cannot sign its calls, the CLI's local proxy can. */
export function iamNotice(endpoint: string): HTMLElement {
  return shell(
    'Open the dashboard through the CLI',
    h(
      'p',
      null,
      'This Kairos API authorizes every call with AWS IAM (SigV4), which a browser cannot sign without holding AWS credentials.',
    ),
    h('p', null, 'Run this where your AWS credentials are, and open the link it prints:'),
    h('pre', { class: 'code' }, `kairos dashboard --endpoint ${endpoint}`),
    h(
      'p',
      { class: 'muted small' },
      'It serves this page on 127.0.0.1 and signs the calls with your credentials; they never reach the browser. Or deploy with kairos:cognito=true to sign in here with a user name and password.',
    ),
  );
}
