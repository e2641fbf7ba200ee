import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalCertificates, type LocalCertificates } from '../../../local/appsync/tls/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let root: string;
let dir: string;
let first: LocalCertificates;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wavechat-certs-'));
  dir = join(root, 'tls');
  first = await ensureLocalCertificates(dir);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ensureLocalCertificates', () => {
  it('creates a 10-year CA and a server certificate for localhost, 127.0.0.1 and ::1 signed by it', async () => {
    const ca = new X509Certificate(first.caCertPem);
    const server = new X509Certificate(first.certPem);
    expect(ca.ca).toBe(true);
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9.9 * 365 * DAY_MS);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(await readFile(first.caFile, 'utf8')).toBe(first.caCertPem);
  });

  it('reuses what is in the directory', async () => {
    expect(await ensureLocalCertificates(dir)).toEqual(first);
  });

  it('adds extra hosts by re-issuing the server certificate under the same CA', async () => {
    const withExtra = await ensureLocalCertificates(dir, ['wavechat.local', '192.168.1.10']);
    const server = new X509Certificate(withExtra.certPem);
    expect(withExtra.caCertPem).toBe(first.caCertPem);
    expect(server.checkHost('wavechat.local')).toBe('wavechat.local');
    expect(server.checkIP('192.168.1.10')).toBe('192.168.1.10');
    expect(server.checkHost('localhost')).toBe('localhost');
  });

  it('regenerates an unreadable server certificate', async () => {
    await writeFile(join(dir, 'server.pem'), 'not a certificate');
    const repaired = await ensureLocalCertificates(dir);
    expect(repaired.caCertPem).toBe(first.caCertPem);
    expect(new X509Certificate(repaired.certPem).verify(new X509Certificate(first.caCertPem).publicKey)).toBe(true);
  });

  it('regenerates a server certificate that expires within 30 days', async () => {
    const keyPem = await readFile(join(dir, 'server-key.pem'), 'utf8');
    await writeFile(join(dir, 'server.pem'), await shortLivedCertificate(keyPem, 10));
    const renewed = await ensureLocalCertificates(dir);
    expect(Date.parse(new X509Certificate(renewed.certPem).validTo) - Date.now()).toBeGreaterThan(300 * DAY_MS);
    expect(renewed.caCertPem).toBe(first.caCertPem);
  });

  it('recreates a missing CA and re-issues the server certificate under it', async () => {
    await rm(join(dir, 'ca-key.pem'));
    const recreated = await ensureLocalCertificates(dir);
    expect(recreated.caCertPem).not.toBe(first.caCertPem);
    const server = new X509Certificate(recreated.certPem);
    expect(server.verify(new X509Certificate(recreated.caCertPem).publicKey)).toBe(true);
  });

  it('breaks a lock left behind by a crashed process', async () => {
    const lock = join(dir, '.lock');
    await mkdir(lock);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lock, longAgo, longAgo);
    const started = Date.now();
    await ensureLocalCertificates(dir);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives concurrent callers on a fresh directory one and the same CA', async () => {
    const fresh = join(root, 'concurrent');
    const results = await Promise.all([1, 2, 3].map(() => ensureLocalCertificates(fresh)));
    expect(new Set(results.map((r) => r.caCertPem)).size).toBe(1);
    expect(new Set(results.map((r) => r.certPem)).size).toBe(1);
  });
});

/** A certificate for `keyPem`, self-issued by the directory's CA key, valid for `days` more days. */
async function shortLivedCertificate(keyPem: string, days: number): Promise<string> {
  const caCert = forge.pki.certificateFromPem(await readFile(join(dir, 'ca.pem'), 'utf8'));
  const caKey = forge.pki.privateKeyFromPem(await readFile(join(dir, 'ca-key.pem'), 'utf8'));
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  certificate.serialNumber = '01';
  certificate.validity.notBefore = new Date(Date.now() - DAY_MS);
  certificate.validity.notAfter = new Date(Date.now() + days * DAY_MS);
  certificate.setSubject([{ name: 'commonName', value: 'localhost' }]);
  certificate.setIssuer(caCert.subject.attributes);
  certificate.setExtensions([
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
  ]);
  certificate.sign(caKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}
