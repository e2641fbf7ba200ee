/**
 * Debian's headless Chromium for browser tests (playwright-core drives it; `.ci/run` installs it), trusting the
 * local cloud's server certificate and nothing else.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';

/**
 * Launches Chromium with the flags this machine needs (no sandbox as root; no background networking, whose
 * connections the closed network refuses) and a fresh profile (Playwright's default), trusting the certificate in
 * `serverCertificateFile` by its SPKI hash — not a blanket `--ignore-certificate-errors`.
 */
export async function launchChromiumTrusting(serverCertificateFile: string): Promise<Browser> {
  const certificate = new X509Certificate(await readFile(serverCertificateFile));
  const spki = createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
}
