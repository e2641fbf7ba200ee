/**
 * A local certificate authority and a server certificate signed by it, so that `wss://localhost` (which Amplify v6
 * always opens, even for an `http://` endpoint) and `https://localhost` work once a client trusts the CA.
 */
import { X509Certificate, createPrivateKey, generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { CertificateStoreError } from './errors.js';

/** The PEMs a TLS server needs, plus the CA for clients to trust. */
export interface LocalCertificates {
  /** The local CA's certificate; give it to clients (`ca` option, `NODE_EXTRA_CA_CERTS`, a browser's trust store). */
  readonly caCertPem: string;
  /** Path of the file holding `caCertPem`. */
  readonly caFile: string;
  /** The server certificate, signed by the CA. */
  readonly certPem: string;
  /** The server certificate's private key. */
  readonly keyPem: string;
}

/** Names every local endpoint answers to; extra hosts are added to these. */
export const DEFAULT_CERTIFICATE_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const CA_CERT_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const SERVER_CERT_FILE = 'server.pem';
const SERVER_KEY_FILE = 'server-key.pem';
const LOCK_DIR = '.lock';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
/** 397 days: the longest TLS server-certificate lifetime that Apple and Chrome platforms accept. */
const SERVER_VALIDITY_DAYS = 397;
const RENEW_WITHIN_MS = 30 * DAY_MS;
/** Backdating tolerates small clock differences between processes and machines. */
const BACKDATE_MS = 60 * 60 * 1000;

/** A lock older than this is taken to be left over by a crashed process (creating both certificates takes ~1 s). */
const STALE_LOCK_MS = 15_000;
const LOCK_POLL_MS = 25;
const LOCK_WAIT_MS = 30_000;

const generateKeyPairAsync = promisify(generateKeyPair);

interface KeyPairPem {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Returns a local CA (valid 10 years) and a server certificate for `localhost`, `127.0.0.1`, `::1` and `hosts`,
 * signed by that CA. Both are created once and reused from `dir`; either is recreated when its files are missing or
 * unreadable, when it expires within 30 days, or (server only) when it no longer matches the CA or the host list.
 * Concurrent callers on the same `dir` (e.g. parallel test files) are serialised by a lock directory.
 *
 * @example
 * ```ts
 * const certs = await ensureLocalCertificates('.wavechat/tls');
 * const listener = await listenHttpAndHttps({ host: '127.0.0.1', port: 4000, tls: certs, onRequest, onUpgrade });
 * // clients: new WebSocket(url, protocols, { ca: certs.caCertPem }), or NODE_EXTRA_CA_CERTS=<certs.caFile>
 * ```
 */
export async function ensureLocalCertificates(dir: string, hosts: readonly string[] = []): Promise<LocalCertificates> {
  const wantedHosts = [...new Set([...DEFAULT_CERTIFICATE_HOSTS, ...hosts])];
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CertificateStoreError(dir, 'the directory cannot be created', { cause: error });
  }
  return withDirectoryLock(dir, async () => {
    const ca = (await loadValidCa(dir)) ?? (await saveKeyPair(dir, CA_CERT_FILE, CA_KEY_FILE, await createCa()));
    const server =
      (await loadValidServer(dir, ca, wantedHosts)) ??
      (await saveKeyPair(dir, SERVER_CERT_FILE, SERVER_KEY_FILE, await createServerCertificate(ca, wantedHosts)));
    return { caCertPem: ca.certPem, caFile: join(dir, CA_CERT_FILE), certPem: server.certPem, keyPem: server.keyPem };
  });
}

async function loadValidCa(dir: string): Promise<KeyPairPem | undefined> {
  const pair = await readKeyPair(dir, CA_CERT_FILE, CA_KEY_FILE);
  if (!pair) return undefined;
  const checked = parseAndCheck(pair);
  return checked?.ca ? pair : undefined;
}

async function loadValidServer(dir: string, ca: KeyPairPem, hosts: readonly string[]): Promise<KeyPairPem | undefined> {
  const pair = await readKeyPair(dir, SERVER_CERT_FILE, SERVER_KEY_FILE);
  if (!pair) return undefined;
  const certificate = parseAndCheck(pair);
  if (!certificate || certificate.ca) return undefined;
  const caCertificate = new X509Certificate(ca.certPem);
  if (!certificate.checkIssued(caCertificate) || !certificate.verify(caCertificate.publicKey)) return undefined;
  const coversAllHosts = hosts.every((host) =>
    isIP(host) ? certificate.checkIP(host) !== undefined : certificate.checkHost(host) !== undefined,
  );
  return coversAllHosts ? pair : undefined;
}

/** The parsed certificate when it matches its key and stays valid for the renewal window; otherwise undefined. */
function parseAndCheck(pair: KeyPairPem): X509Certificate | undefined {
  try {
    const certificate = new X509Certificate(pair.certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(pair.keyPem))) return undefined;
    const now = Date.now();
    const validFrom = Date.parse(certificate.validFrom);
    const validTo = Date.parse(certificate.validTo);
    if (!(validFrom <= now) || !(validTo - now > RENEW_WITHIN_MS)) return undefined;
    return certificate;
  } catch {
    return undefined;
  }
}

async function readKeyPair(dir: string, certFile: string, keyFile: string): Promise<KeyPairPem | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([
      readFile(join(dir, certFile), 'utf8'),
      readFile(join(dir, keyFile), 'utf8'),
    ]);
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

async function saveKeyPair(dir: string, certFile: string, keyFile: string, pair: KeyPairPem): Promise<KeyPairPem> {
  try {
    await writeFileAtomically(join(dir, keyFile), pair.keyPem, 0o600);
    await writeFileAtomically(join(dir, certFile), pair.certPem, 0o644);
  } catch (error) {
    throw new CertificateStoreError(dir, `${certFile} or ${keyFile} cannot be written`, { cause: error });
  }
  return pair;
}

async function writeFileAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, path);
}

async function createCa(): Promise<KeyPairPem> {
  const keys = await generateRsaKeyPair();
  const now = Date.now();
  const certificate = newCertificate(keys.publicKeyPem, now, CA_VALIDITY_DAYS);
  const subject = [
    { name: 'commonName', value: 'wavechat local CA' },
    { name: 'organizationName', value: 'wavechat local cloud' },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(certificate), keyPem: keys.privateKeyPem };
}

async function createServerCertificate(ca: KeyPairPem, hosts: readonly string[]): Promise<KeyPairPem> {
  const keys = await generateRsaKeyPair();
  const caCertificate = forge.pki.certificateFromPem(ca.certPem);
  const certificate = newCertificate(keys.publicKeyPem, Date.now(), SERVER_VALIDITY_DAYS);
  certificate.setSubject([
    { name: 'commonName', value: hosts[0] ?? 'localhost' },
    { name: 'organizationName', value: 'wavechat local cloud' },
  ]);
  certificate.setIssuer(caCertificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })),
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCertificate.generateSubjectKeyIdentifier().getBytes() },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(certificate), keyPem: keys.privateKeyPem };
}

function newCertificate(publicKeyPem: string, now: number, validityDays: number): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  certificate.serialNumber = positiveSerialNumber();
  certificate.validity.notBefore = new Date(now - BACKDATE_MS);
  certificate.validity.notAfter = new Date(now + validityDays * DAY_MS);
  return certificate;
}

/** 16 random bytes with the top bit cleared: DER integers are signed and serials must be positive. */
function positiveSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** RSA keys come from node:crypto: node-forge's pure-JS key generation takes seconds. */
async function generateRsaKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Runs `task` while holding `dir/.lock` (mkdir is atomic), so two processes never write a mixed set of files. */
async function withDirectoryLock<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_DIR);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CertificateStoreError(dir, 'the lock directory cannot be created', { cause: error });
      }
      if (await isStale(lock)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new CertificateStoreError(dir, `${lock} is held by another process; remove it if none is running`);
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function isStale(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}
