/** Local TLS for the AppSync emulator: a CA + server certificate, and one port serving HTTP and HTTPS. */
export { DEFAULT_CERTIFICATE_HOSTS, ensureLocalCertificates, type LocalCertificates } from './certificates.js';
export { listenHttpAndHttps, type DualListener, type HttpAndHttpsOptions } from './listener.js';
export { CertificateStoreError, PortInUseError } from './errors.js';
