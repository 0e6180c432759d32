import { XMLParser } from "fast-xml-parser";
import { DavSession } from "./dav-session.js";

/** One `<response>` of a PROPFIND multistatus, with what ferry needs of its properties. */
export interface DavResource {
  /** decoded path, no trailing slash */
  path: string;
  /** last path segment, decoded */
  name: string;
  isCollection: boolean;
  size: number;
  /** ms since the epoch (1 s precision) */
  mtime?: number;
  /** without quotes or W/ */
  etag?: string;
}

/**
 * fast-xml-parser directly (the one the webdav client uses): its own parseXML keeps only the
 * first <propstat> of a response, and a PROPFIND that names its properties gets one per status
 * (200 for found, 404 for missing, in no fixed order). Every value stays a string: an etag of
 * digits must not become a number.
 */
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === "response" || name === "propstat",
});

type RawProps = Record<string, unknown>;
type RawPropstat = { prop?: RawProps; status?: unknown };
type RawResponse = { href?: unknown; propstat?: RawPropstat | RawPropstat[] };

/**
 * The properties a server found: a resource has one propstat per status, e.g. a 200 one and a
 * 404 one for properties it lacks (a collection has no getcontentlength). Only 200s count.
 */
function foundProps(propstat: RawResponse["propstat"]): RawProps | undefined {
  let found: RawProps | undefined;
  for (const p of Array.isArray(propstat) ? propstat : propstat ? [propstat] : []) {
    if (!p.prop || !/\s200\s/.test(` ${String(p.status ?? "HTTP/1.1 200 OK")} `)) continue;
    found = found ? { ...found, ...p.prop } : p.prop;
  }
  return found;
}

/** Parses a PROPFIND multistatus body into resources. */
export async function parseMultistatus(xml: string): Promise<DavResource[]> {
  const result = parser.parse(xml) as { multistatus?: { response?: RawResponse[] } | string };
  const responses = typeof result.multistatus === "object" ? (result.multistatus.response ?? []) : [];
  const resources: DavResource[] = [];
  for (const r of responses) {
    if (typeof r.href !== "string") continue;
    const props = foundProps(r.propstat);
    if (!props) continue;
    const path = DavSession.decodedPath(r.href);
    const isCollection = isCollectionType(props.resourcetype);
    const mtime = typeof props.getlastmodified === "string" ? Date.parse(props.getlastmodified) : NaN;
    const etag = typeof props.getetag === "string" ? props.getetag.replace(/^W\//, "").replace(/"/g, "") : "";
    resources.push({
      path,
      name: path.slice(path.lastIndexOf("/") + 1),
      isCollection,
      size: isCollection ? 0 : Number(props.getcontentlength ?? 0) || 0,
      ...(Number.isFinite(mtime) ? { mtime } : {}),
      ...(etag ? { etag } : {}),
    });
  }
  return resources;
}

function isCollectionType(resourcetype: unknown): boolean {
  return typeof resourcetype === "object" && resourcetype !== null && "collection" in resourcetype;
}

/**
 * Splits a depth-1 listing of `url` into the collection itself and its direct members. Members
 * are recognised by their parent path, compared in NFC: a server may spell the requested path
 * differently (encoding, Unicode normalisation), and mistaking the collection for its own
 * member would make a walk descend forever.
 */
export function splitListing(resources: readonly DavResource[], requestPath: string): { self?: DavResource; members: DavResource[] } {
  const wanted = requestPath.normalize("NFC");
  let self: DavResource | undefined;
  const members: DavResource[] = [];
  for (const r of resources) {
    if (r.path.normalize("NFC") === wanted) self = r;
    else if (r.name !== "" && r.path.slice(0, r.path.lastIndexOf("/")).normalize("NFC") === wanted) members.push(r);
  }
  return { ...(self ? { self } : {}), members };
}
