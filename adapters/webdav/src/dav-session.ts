import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { AuthType, createClient, type Response, type WebDAVClient } from "webdav";
import { HttpStatusError } from "./errors.js";

export interface DavRequest {
  headers?: Record<string, string>;
  body?: Readable | string;
  signal?: AbortSignal;
  /** statuses that are answers rather than failures (e.g. 404 for "is it there?") */
  accept?: readonly number[];
}

/** node-fetch hands back Node streams; the `webdav` types describe the web shape. */
export type DavResponse = Response & { body: Readable | null };

/**
 * HTTP to one WebDAV server through the `webdav` client, which knows basic and digest auth.
 * URLs are built here from keys (one encoded path segment per key segment), so odd names
 * (`#`, `%`, `?`, `+`, spaces, unicode) reach the server intact.
 */
export class DavSession {
  /** the root collection's URL, ending in "/" */
  readonly baseUrl: string;
  private readonly client: WebDAVClient;
  private readonly agents: Array<http.Agent | https.Agent>;
  private authenticated: Promise<void> | undefined;
  private readonly auth: "auto" | "basic" | "digest";
  private readonly hasCredentials: boolean;
  /** known after authenticate() */
  usesDigest = false;

  constructor(options: { baseUrl: string; username?: string; password?: string; auth: "auto" | "basic" | "digest"; maxSockets: number }) {
    this.baseUrl = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
    const hasCredentials = options.username !== undefined || options.password !== undefined;
    this.auth = options.auth;
    this.hasCredentials = hasCredentials;
    const authType = !hasCredentials ? AuthType.None : options.auth === "digest" ? AuthType.Digest : options.auth === "basic" ? AuthType.Password : AuthType.Auto;
    // keep-alive matters: a sync is thousands of small requests to the same server
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
    const httpAgent = new http.Agent(agentOptions);
    const httpsAgent = new https.Agent(agentOptions);
    this.agents = [httpAgent, httpsAgent];
    this.client = createClient(this.baseUrl, { authType, username: options.username, password: options.password, httpAgent, httpsAgent });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }

  /** URL of a key; `collection` adds the trailing slash WebDAV uses for collections. */
  url(key: string, collection = false): string {
    const path = key.split("/").filter(Boolean).map(encodeURIComponent).join("/");
    if (path === "") return this.baseUrl;
    return `${this.baseUrl}${path}${collection ? "/" : ""}`;
  }

  /** The decoded path of a URL or href, without a trailing slash, for comparing hrefs. */
  static decodedPath(hrefOrUrl: string): string {
    // hrefs are not parsed as URLs: some servers (webdav-server) leave "#" and "?" unescaped in
    // them, which a URL parser would cut off as fragment and query
    const path = hrefOrUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
    return path
      .split("/")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment; // a server that did not escape a "%": take the name as it is
        }
      })
      .join("/")
      .replace(/\/+$/, "");
  }

  /** Sends a request; a status of 400 or more that is not in `accept` throws HttpStatusError. */
  async request(method: string, url: string, options: DavRequest = {}): Promise<DavResponse> {
    const response = (await this.client.customRequest("", {
      url,
      method,
      headers: options.headers ?? {},
      ...(options.body !== undefined ? { data: options.body as unknown as string } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((e: unknown) => {
      const response = (e as { response?: DavResponse }).response;
      if (response && options.accept?.includes(response.status)) return response;
      if (response) discard(response);
      throw e;
    })) as DavResponse;
    // the client lets a 401 through when it is doing digest
    if (response.status >= 400 && !options.accept?.includes(response.status)) {
      discard(response);
      throw new HttpStatusError(response.status, response.statusText);
    }
    return response;
  }

  /**
   * Settles authentication with bodiless requests before the first upload: a streamed body
   * cannot be sent twice, and basic-vs-digest (and the digest nonce) is learnt from a 401.
   * Also finds out whether this session speaks digest: there a server may reject a nonce as
   * stale in the middle of a run, and the client then re-sends the request — with a body
   * stream that is already used up. Uploads guard against that (see WebdavAdapter.write).
   */
  authenticate(signal?: AbortSignal): Promise<void> {
    this.authenticated ??= (async () => {
      if (this.auth === "digest") this.usesDigest = true;
      else if (this.auth === "auto" && this.hasCredentials) {
        const challenge = await this.challenge(signal);
        this.usesDigest = /\bdigest\b/i.test(challenge) && !/\bbasic\b/i.test(challenge);
      }
      discard(await this.request("PROPFIND", this.baseUrl, { headers: { Depth: "0" }, accept: [404], signal }));
    })().catch((e: unknown) => {
      this.authenticated = undefined;
      throw e;
    });
    return this.authenticated;
  }

  /** The WWW-Authenticate challenge of an unauthenticated request ("" when none is needed). */
  private async challenge(signal?: AbortSignal): Promise<string> {
    const response = await fetch(this.baseUrl, { method: "PROPFIND", headers: { Depth: "0" }, ...(signal ? { signal } : {}) });
    await response.body?.cancel();
    return response.status === 401 ? (response.headers.get("www-authenticate") ?? "") : "";
  }
}

/** Frees the connection of a response whose body nobody will read. */
export function discard(response: DavResponse): void {
  const body = response.body;
  if (body && typeof body.resume === "function") body.resume();
}
