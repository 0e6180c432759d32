import { describe, expect, it } from "vitest";
import { webdavOptionsFromUrl } from "./location-url.js";

const ctx = (options: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}) => ({ options, env });

describe("webdav URLs", () => {
  it("maps webdav:// to http and webdavs:// to https, keeping port and path", () => {
    expect(webdavOptionsFromUrl(new URL("webdav://dav.example.org:8080/files/me"), ctx()).url).toBe("http://dav.example.org:8080/files/me");
    expect(webdavOptionsFromUrl(new URL("webdavs://dav.example.org/remote.php/dav/files/a%20b/"), ctx()).url).toBe("https://dav.example.org/remote.php/dav/files/a%20b/");
  });

  it("takes credentials from userinfo first, then settings, then the environment, and keeps them out of the URL", () => {
    const fromUserinfo = webdavOptionsFromUrl(new URL("webdav://al%40ice:s%3Acret@h/x"), ctx({ webdavUser: "other" }));
    expect(fromUserinfo).toMatchObject({ username: "al@ice", password: "s:cret" });
    expect(fromUserinfo.url).not.toContain("cret");
    expect(webdavOptionsFromUrl(new URL("webdav://h/x"), ctx({ webdavUser: "u", webdavPassword: "p" }))).toMatchObject({ username: "u", password: "p" });
    expect(webdavOptionsFromUrl(new URL("webdav://h/x"), ctx({}, { FERRY_WEBDAV_USER: "eu", FERRY_WEBDAV_PASSWORD: "ep" }))).toMatchObject({ username: "eu", password: "ep" });
  });

  it("reads the auth and vendor settings and refuses unknown values", () => {
    expect(webdavOptionsFromUrl(new URL("webdav://h/"), ctx({ webdavAuth: "digest", webdavVendor: "nextcloud" }))).toMatchObject({ auth: "digest", vendor: "nextcloud" });
    expect(() => webdavOptionsFromUrl(new URL("webdav://h/"), ctx({ webdavAuth: "ntlm" }))).toThrow(/auto, basic or digest/);
    expect(() => webdavOptionsFromUrl(new URL("webdav://h/"), ctx({ webdavVendor: "sharepoint" }))).toThrow(/other, owncloud or nextcloud/);
  });

  it("refuses other schemes", () => {
    expect(() => webdavOptionsFromUrl(new URL("http://h/"), ctx())).toThrow(/not a webdav URL/);
  });
});
