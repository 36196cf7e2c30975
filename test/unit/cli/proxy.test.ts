import { describe, expect, it } from 'vitest';
import { proxyCsp, refusal, renderPage } from '../../../bin/cli/proxy.js';

const HOSTS = ['127.0.0.1:8788', 'localhost:8788'];
const req = (headers: Record<string, string>) => ({ headers });

describe('refusal', () => {
  it('lets through the page own same-origin calls, with or without Origin and Sec-Fetch-Site', () => {
    expect(refusal(req({ host: '127.0.0.1:8788' }), HOSTS)).toBeUndefined();
    expect(
      refusal(
        req({ host: 'localhost:8788', origin: 'http://localhost:8788', 'sec-fetch-site': 'same-origin' }),
        HOSTS,
      ),
    ).toBeUndefined();
    expect(refusal(req({ host: '127.0.0.1:8788', 'sec-fetch-site': 'none' }), HOSTS)).toBeUndefined();
  });

  it('refuses another Host (DNS rebinding), another Origin and cross-site fetches', () => {
    expect(refusal(req({ host: 'evil.example:8788' }), HOSTS)).toBe(
      'requests must be addressed to 127.0.0.1:8788',
    );
    expect(refusal(req({}), HOSTS)).toBeDefined();
    expect(refusal(req({ host: '127.0.0.1:8788', origin: 'https://evil.example' }), HOSTS)).toBe(
      'requests from https://evil.example are not accepted',
    );
    expect(refusal(req({ host: '127.0.0.1:8788', origin: 'http://127.0.0.1:9999' }), HOSTS)).toBeDefined();
    expect(refusal(req({ host: '127.0.0.1:8788', 'sec-fetch-site': 'same-site' }), HOSTS)).toBe(
      'cross-site requests are not accepted',
    );
  });
});

describe('renderPage and proxyCsp', () => {
  const page = {
    html: '<base href="%KAIROS_BASE%"><meta name="kairos-config" content="%KAIROS_CONFIG%"><script>x</script>',
    scriptHashes: ['sha256-abc='],
  };

  it('fills the base path and the proxy configuration, attribute-escaped', () => {
    expect(renderPage(page, '/secret/')).toBe(
      '<base href="/secret/"><meta name="kairos-config" content="{&quot;auth&quot;:&quot;proxy&quot;}"><script>x</script>',
    );
  });

  it('allows only the page own scripts and connections to itself', () => {
    expect(proxyCsp(page.scriptHashes)).toBe(
      "default-src 'none'; script-src 'sha256-abc='; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; " +
        "base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(proxyCsp([])).toContain("script-src 'none'");
  });
});
