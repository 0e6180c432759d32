/**
 * The last line of defence against leaking credentials: every line ferry prints goes through
 * `scrub`, which replaces any secret value the CLI has seen (password flags, secret env vars,
 * resolved config references, URL userinfo) and redacts URL credentials it did not know about.
 */
export class SecretScrubber {
  private readonly values = new Set<string>();

  /** Registers a secret value; very short values are ignored so ordinary words are not mangled. */
  add(value: string | undefined): void {
    if (!value) return;
    const v = value.trim();
    if (v.length < 4) return;
    this.values.add(v);
    // Secrets also reach output percent-encoded (inside URLs) — cover that spelling too.
    const encoded = encodeURIComponent(v);
    if (encoded !== v) this.values.add(encoded);
    // A connection string's key or SAS can surface on its own (in a URL, an SDK message).
    for (const m of v.matchAll(/(?:AccountKey|SharedAccessSignature|Password|SharedAccessKey)=([^;]+)/gi)) this.add(m[1]);
  }

  /** Learns the userinfo and secret query parameters of a URL-like location string. */
  addFromLocation(location: string): void {
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(location)?.[1];
    if (userinfo !== undefined) {
      const colon = userinfo.indexOf(":");
      if (colon >= 0) {
        this.add(safeDecode(userinfo.slice(colon + 1)));
        this.add(userinfo.slice(colon + 1));
      }
    }
    const query = location.indexOf("?");
    if (query >= 0) {
      for (const [name, value] of new URLSearchParams(location.slice(query + 1))) {
        if (SECRET_QUERY_PARAMS.test(name)) this.add(value);
      }
    }
  }

  scrub(text: string): string {
    let out = redactUrlCredentials(text);
    // Longest first so a secret that contains another is replaced whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(v)) out = out.split(v).join("***");
    }
    return out;
  }
}

const SECRET_QUERY_PARAMS = /^(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|token|password|secret|key|sas|accountkey)$/i;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Redacts `scheme://user:password@host` and secret query parameters anywhere in a text. */
export function redactUrlCredentials(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+):([^/@\s]+)@/gi, "$1$2:***@")
    .replace(/([?&])(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|sas|accountkey)=([^&\s"']+)/gi, "$1$2=***")
    .replace(/(AccountKey|SharedAccessSignature)=([^;\s"']+)/g, "$1=***");
}

/** Environment variables whose values are credentials wherever they are set. */
export const SECRET_ENV_PATTERN = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CONNECTION_STRING|ACCOUNT_KEY|SAS|PRIVATE_KEY|CREDENTIAL|ACCESS_KEY)/i;

export function scrubberFromEnv(env: Record<string, string | undefined>): SecretScrubber {
  const scrubber = new SecretScrubber();
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV_PATTERN.test(name)) scrubber.add(value);
  }
  return scrubber;
}
