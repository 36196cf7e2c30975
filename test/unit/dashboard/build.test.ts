import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BASE_PLACEHOLDER, buildDashboard, CONFIG_PLACEHOLDER } from '../../../dashboard/build.js';

describe('dashboard build', () => {
  it('is one self-contained page: inline script and style, nothing loaded from elsewhere', async () => {
    const { html } = await buildDashboard();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
    // Small enough to serve from the API function on every page load.
    expect(Buffer.byteLength(html)).toBeLessThan(120_000);
  });

  it('has each placeholder exactly once, where the server fills it in', async () => {
    const { html } = await buildDashboard();
    expect(html.split(BASE_PLACEHOLDER)).toHaveLength(2);
    expect(html.split(CONFIG_PLACEHOLDER)).toHaveLength(2);
    expect(html).toContain(`<base href="${BASE_PLACEHOLDER}">`);
    expect(html).toContain(`<meta name="kairos-config" content="${CONFIG_PLACEHOLDER}">`);
  });

  it("hashes the inline script as a browser does for the CSP's script-src", async () => {
    const { html, scriptHashes } = await buildDashboard();
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1];
    expect(script).not.toMatch(/<\/script/i);
    const expected = `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
    expect(scriptHashes).toEqual([expected]);
    // No inline handlers or eval: the CSP would block them.
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(script).not.toMatch(/\beval\(|new Function\(/);
  });
});
