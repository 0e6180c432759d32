import { describe, expect, it } from "vitest";
import { parseMultistatus, splitListing, type DavResource } from "./multistatus.js";

describe("PROPFIND multistatus", () => {
  it("reads paths, collections, sizes, mtimes and etags (rclone's shape)", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><D:multistatus xmlns:D="DAV:">
      <D:response><D:href>/a%20b/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype><D:getlastmodified>Sun, 22 Nov 2026 19:22:37 GMT</D:getlastmodified></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
      <D:response><D:href>/a%20b/0123</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength><D:resourcetype></D:resourcetype><D:getetag>"0123"</D:getetag><D:getlastmodified>Fri, 14 Jul 2017 02:40:00 GMT</D:getlastmodified></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
      <D:response><D:href>/a%20b/weak%25</D:href><D:propstat><D:prop><D:getcontentlength>0</D:getcontentlength><D:resourcetype/><D:getetag>W/"abc"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
    </D:multistatus>`;
    expect(await parseMultistatus(xml)).toEqual([
      { path: "/a b", name: "a b", isCollection: true, size: 0, mtime: Date.UTC(2026, 10, 22, 19, 22, 37) },
      { path: "/a b/0123", name: "0123", isCollection: false, size: 5, mtime: 1500000000000, etag: "0123" },
      { path: "/a b/weak%", name: "weak%", isCollection: false, size: 0, etag: "abc" },
    ]);
  });

  it("takes absolute hrefs and the unescaped # and ? some servers send", async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:">
      <D:response><D:href>http://127.0.0.1:8080/dir/hash#frag?q</D:href><D:propstat><D:status>HTTP/1.1 200 OK</D:status><D:prop><D:resourcetype/><D:getcontentlength>1</D:getcontentlength></D:prop></D:propstat></D:response>
    </D:multistatus>`;
    expect((await parseMultistatus(xml))[0]).toMatchObject({ path: "/dir/hash#frag?q", name: "hash#frag?q" });
  });

  it("merges a resource's 200 propstats and ignores its 404 one (properties asked for by name)", async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:">
      <D:response><D:href>/d/</D:href>
        <D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype><D:getlastmodified>Sun, 22 Nov 2026 19:22:37 GMT</D:getlastmodified></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
        <D:propstat><D:prop><D:getcontentlength/><D:getetag/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>
      </D:response>
      <D:response><D:href>/d/f</D:href>
        <D:propstat><D:prop><D:getcontentlength>7</D:getcontentlength></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
        <D:propstat><D:prop><D:getetag>"e1"</D:getetag><D:resourcetype/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
        <D:propstat><D:prop><D:getlastmodified/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>
      </D:response>
      <D:response><D:href>/d/gone</D:href>
        <D:propstat><D:prop><D:resourcetype/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>
      </D:response>
    </D:multistatus>`;
    expect(await parseMultistatus(xml)).toEqual([
      { path: "/d", name: "d", isCollection: true, size: 0, mtime: Date.parse("Sun, 22 Nov 2026 19:22:37 GMT") },
      { path: "/d/f", name: "f", isCollection: false, size: 7, etag: "e1" },
    ]);
  });

  it("reads an empty multistatus as nothing", async () => {
    expect(await parseMultistatus(`<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"></D:multistatus>`)).toEqual([]);
  });

  it("tells the collection from its members even when the server spells the path differently", () => {
    const r = (path: string, isCollection = false): DavResource => ({ path, name: path.slice(path.lastIndexOf("/") + 1), isCollection, size: 0 });
    // the server answers in NFD for a collection requested in NFC
    const nfd = "/share/cafe\u0301";
    const listing = [r(nfd, true), r(`${nfd}/a.txt`), r(`${nfd}/sub`, true), r("/share/elsewhere/b.txt")];
    const { self, members } = splitListing(listing, "/share/caf\u00e9");
    expect(self?.path).toBe(nfd);
    expect(members.map((m) => m.name)).toEqual(["a.txt", "sub"]);
  });
});
