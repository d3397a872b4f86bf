/** The operational errors of the cluster PKI. */

/**
 * Why the PKI could not be loaded or created:
 * - `invalidCertificateAuthority`: ca.crt cannot be parsed, or ca.key does not belong to it
 *   (the CA is never replaced silently while it is valid: every issued credential depends on it);
 * - `invalidKey`: a key file that is kept across restarts (sa.key) cannot be parsed;
 * - `invalidSubjectAltName`: a requested host name or IP address is not one.
 */
export type PkiErrorCode = 'invalidCertificateAuthority' | 'invalidKey' | 'invalidSubjectAltName';

/** An operational error of the cluster PKI, with a code from {@link PkiErrorCode}. */
export class PkiError extends Error {
  override readonly name = 'PkiError';
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
