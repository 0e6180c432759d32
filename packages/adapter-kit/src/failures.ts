import { isFerryError, type FerryErrorCode } from "@ferry/core";
import { expect } from "vitest";

/** Awaits `promise` and asserts it rejects with a FerryError of one of `codes`. */
export async function expectFerryError(promise: Promise<unknown>, codes: FerryErrorCode | FerryErrorCode[], what: string): Promise<void> {
  const wanted = Array.isArray(codes) ? codes : [codes];
  let outcome: { ok: true } | { ok: false; error: unknown };
  try {
    await promise;
    outcome = { ok: true };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) expect.fail(`${what}: expected a FerryError ${wanted.join("/")}, but it succeeded`);
  const { error } = outcome;
  if (!isFerryError(error)) expect.fail(`${what}: expected a FerryError ${wanted.join("/")}, got ${String(error)}`);
  if (!wanted.includes(error.code)) expect.fail(`${what}: expected FerryError ${wanted.join("/")}, got ${error.code}: ${error.message}`);
}
