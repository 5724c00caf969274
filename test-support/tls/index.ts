import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A self-signed certificate for 127.0.0.1 and its key, for tests only (see README.md here).
const dir = fileURLToPath(new URL('./', import.meta.url));

/** Path of the test certificate (PEM). */
export const testCertFile = `${dir}test-cert.pem`;
/** Path of the test key (PEM). */
export const testKeyFile = `${dir}test-key.pem`;
/** The test certificate (PEM), as a server's `cert` and a client's `ca`. */
export const testCert = readFileSync(testCertFile);
/** The test key (PEM). */
export const testKey = readFileSync(testKeyFile);
