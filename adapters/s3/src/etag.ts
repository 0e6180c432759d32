/**
 * S3 etags: `"<md5 hex>"` for objects uploaded in one PutObject (unless SSE-KMS/SSE-C), and
 * `"<md5 of the parts' binary md5s>-<part count>"` for multipart uploads.
 */

export function unquoteEtag(etag: string | undefined): string | undefined {
  if (etag === undefined || etag === "") return undefined;
  return etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

export function isMultipartEtag(etag: string): boolean {
  return /-\d+$/.test(etag);
}

/** The content MD5 an etag stands for, when it is a single-part etag. */
export function md5FromEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  const e = etag.toLowerCase();
  return /^[0-9a-f]{32}$/.test(e) ? e : undefined;
}
