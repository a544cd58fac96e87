/** Splits an id or key list into parts of at most `size`, for IN lists under the engines' parameter limits. */
export function inParts<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
