// Packages that ship no types; only what the maps module calls.
declare module 'vt-pbf' {
  const vtpbf: {
    fromGeojsonVt(
      layers: Record<string, unknown>,
      options?: { version?: number; extent?: number },
    ): Uint8Array;
  };
  export default vtpbf;
}
declare module 'topojson-client' {
  export function feature(topology: unknown, object: unknown): unknown;
  export function mesh(
    topology: unknown,
    object: unknown,
    filter?: (a: unknown, b: unknown) => boolean,
  ): unknown;
}
